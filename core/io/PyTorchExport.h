#pragma once

#include <string>
#include <vector>

namespace neurino {

struct Checkpoint;

// A checkpoint's model for PyTorch, as `neurino-batch export pytorch` writes it into a folder:
//   model.py    a torch.nn.Module generated from the graph (core/io/PyTorchSource.h), the input
//               standardisation the run learned included, so it takes the raw features `predict` takes
//               and gives the outputs `predict` gives, its final sigmoid or softmax included
//   weights.pt  its state dict, pickled by LibTorch (torch::pickle_save): Python's torch.load reads it and
//               load_state_dict(strict=True) takes it
//   README.txt  how to load and run them, what goes in and what comes out
struct PyTorchExport {
    std::string className;
    std::string modelPy;
    std::vector<char> weightsPt;
    std::string readme;
};

// Made in memory, so that a failure writes nothing. `source` names the checkpoint file, in the files and
// in errors.
// Throws ModelError listing the graph's problems (or naming a node whose kind has no PyTorch form), and
// IoError naming the node and parameter when the checkpoint's weights do not fit its graph.
PyTorchExport exportPyTorch(const Checkpoint& checkpoint, const std::string& source);

// Writes model.py, weights.pt and README.txt into `dir`, made when missing; each file atomically. Throws
// IoError naming the folder or file that cannot be written.
void writePyTorchExport(const PyTorchExport& files, const std::string& dir);

} // namespace neurino
