#pragma once

#include <string>
#include <vector>

namespace neurino {

struct Checkpoint;

// An ONNX model as a Neurino checkpoint (graph and weights; epoch 0, no optimizer state), as
// `neurino-batch import onnx` makes it: what `neurino-batch export onnx` writes, and MLP and CNN graphs of
// standard operators (ai.onnx opsets 7 and later): Gemm, MatMul (+ Add of a bias), Conv, ConvTranspose,
// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, BatchNormalization, Relu, LeakyRelu, Elu, Tanh,
// Sigmoid, Softmax, Flatten, Reshape with a constant shape, Pad (zeros), Resize and Upsample (nearest,
// integer scales), Add, Sum, Concat, Identity, Dropout, Constant, a Transpose around a BatchNormalization,
// and a Sub and/or Div of constants right after the input, which become the checkpoint's input
// standardisation. Nodes keep their ONNX names as ids where they can ('/' and other characters an HDF5 path
// cannot hold become '_'); an activation `<node>/<what>` that Neurino's export wrote is put back into its
// layer. `source` names the file in errors.
// Throws IoError when the bytes are no ONNX model (truncated, damaged) or lack an initializer, ModelError
// naming the ONNX node and its operator when an operator, attribute or shape has no Neurino form.
Checkpoint importOnnx(const std::string& bytes, const std::string& source);

// Reads and imports the file `path`; throws IoError naming it when it cannot be read.
Checkpoint importOnnxFile(const std::string& path);

// The ONNX operators importOnnx takes.
std::vector<std::string> onnxImportOperators();

} // namespace neurino
