#pragma once

#include "core/graph/ModelGraph.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace neurino {

// The Python of one layer kind in a model.py (core/io/PyTorchSource.h puts the pieces together): what it
// computes, as GraphModule's LibTorch builders (core/nn/LayerBuilders.cpp) compute it.

// What one node contributes to model.py.
struct PyTorchLayerCode {
    std::vector<std::string> init; // statements of __init__
    std::vector<std::string> forward; // statements of forward()
    std::vector<std::string> params; // the state-dict names of its submodule's tensors
    bool needsBatchNormAxis = false; // it uses model.py's class BatchNormAxis
};

// A node as the writer of its kind sees it.
struct PyTorchLayer {
    const Node& node;
    const nlohmann::json& p; // canonical parameters
    std::vector<Shape> in; // input shapes, without the batch
    Shape out;
    std::vector<std::string> args; // the Python variables of its inputs, in port order
    std::string name; // its attribute and variable

    const std::string& x() const { return args.at(0); }
    std::string self() const { return "self." + name; }
    std::string assign(const std::string& expression) const { return name + " = " + expression; }
};

using PyTorchLayerWriter = std::function<void(const PyTorchLayer&, PyTorchLayerCode&)>;

// The writer of every layer kind but Input and Output, which forward() itself handles.
const std::map<std::string, PyTorchLayerWriter>& pyTorchLayerWriters();

// Python text the writers share: `parts` joined by `separator`; integers as "3, 3".
std::string pyJoin(const std::vector<std::string>& parts, const std::string& separator);
std::string pyInts(const std::vector<std::int64_t>& values);

// model.py's class BatchNormAxis: PyTorch's BatchNorm along any dimension, as core/nn/BatchNormAxis.
const char* pyTorchBatchNormAxisClass();

} // namespace neurino
