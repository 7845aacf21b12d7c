#pragma once

#include <string>

namespace neurino {

struct Checkpoint;

// A file whose weights a run can start from, read as a checkpoint (graph, weights and, when the file has
// one, the input standardisation): a Neurino checkpoint or a Keras 2 model file (HDF5, told apart by
// Keras's model_config attribute), or an ONNX model (*.onnx). Throws what loadCheckpoint, importKerasModel
// and importOnnxFile throw, each naming the file.
Checkpoint readWeightsFile(const std::string& path);

} // namespace neurino
