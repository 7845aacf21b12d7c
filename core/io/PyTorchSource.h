#pragma once

#include "core/graph/ModelGraph.h"

#include <string>
#include <vector>

namespace neurino {

// One tensor of the state dict a generated module expects: its key and where its value comes from.
struct PyTorchStateEntry {
    std::string key; // "dense_1.weight", "input_mean"
    std::string node; // the Neurino node; empty for the input standardisation
    // The node's parameter or buffer ("weight", "running_var"; "num_batches_tracked", which PyTorch's
    // BatchNorm counts and Neurino does not), or "mean" / "scale" of the standardisation.
    std::string param;
};

// A torch.nn.Module that computes what GraphModule computes for the same graph, in pieces of Python.
struct PyTorchSource {
    std::string className; // from the model's name: "higgs_deep" -> "HiggsDeep"
    std::vector<std::string> inputNames; // forward()'s parameters, one per Input node in the graph's order
    std::string definitions; // classes the module uses, defined before it
    std::vector<std::string> init; // the statements of __init__ after super().__init__()
    std::vector<std::string> forward; // the statements of forward(), its return included
    std::vector<PyTorchStateEntry> stateDict; // every key load_state_dict(strict=True) wants, in order
};

// The module for `graph`: one submodule per node with weights (and per Dropout), named after the node's id,
// a comment naming each node and its kind, and forward() in the graph's topological order; the nodes the
// output does not depend on are left out. With `standardize`, the one Input is standardised first by
// buffers input_mean and input_std of its shape: (x - input_mean) / input_std. Throws ModelError listing
// the graph's problems when it is not valid, or naming the node and its kind when a kind has no PyTorch
// form here.
PyTorchSource pyTorchSource(const ModelGraph& graph, bool standardize);

// model.py: `header` as comment lines (without '#'), the imports, the definitions and the class with
// `doc` as its docstring (one entry per line).
std::string pyTorchFile(
    const PyTorchSource& source, const std::vector<std::string>& header, const std::vector<std::string>& doc);

// The layer kinds pyTorchSource writes.
std::vector<std::string> pyTorchExportKinds();

// A Python identifier made from any text: other characters become '_', a leading digit or underscore
// gets a prefix, and Python's keywords and the names nn.Module uses itself get a trailing '_'.
std::string pythonIdentifier(const std::string& text);

} // namespace neurino
