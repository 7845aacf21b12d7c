#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

class ModelGraph;
struct Checkpoint;

// The ONNX opsets `neurino-batch export onnx` writes: 13 is the first whose Softmax takes any axis and whose
// Resize and Pad take their sizes as inputs; 17 is the newest that Debian's ONNX 1.12 checks.
constexpr int kOnnxMinOpset = 13;
constexpr int kOnnxMaxOpset = 17;

struct OnnxExportOptions {
    int opset = kOnnxMinOpset;
    std::int64_t batch = 0; // rows per call; 0 leaves the batch dimension free ("N")
};

// A checkpoint's model as an ONNX file's bytes (a serialised onnx.ModelProto), made in memory so that a
// failure writes nothing. The file takes the raw features `neurino-batch predict` takes: the input
// standardisation the run learned comes first (Sub, Div), BatchNorm is in its inference form, Dropout is
// left out and the final sigmoid or softmax is kept, so it gives the outputs `predict` gives. The graph is
// named after the model, every ONNX node after the Neurino node it comes from (activations inside a layer
// and helpers as "<node>/<what>"), every initializer "<node>.<param>"; metadata_props record Neurino's
// version, the model's name and the source checkpoint. `source` names the checkpoint in the metadata and
// in errors. Throws ModelError for a graph that does not validate or an opset outside
// [kOnnxMinOpset, kOnnxMaxOpset], IoError when the checkpoint's weights do not fit its graph.
std::string exportOnnx(
    const Checkpoint& checkpoint, const std::string& source, const OnnxExportOptions& options);

// Writes the bytes to `path` atomically. Throws IoError naming the file.
void writeOnnxFile(const std::string& bytes, const std::string& path);

// False in a build configured without libonnx-dev, whose ONNX functions throw Error saying so.
bool onnxAvailable();

// What a user of the exported file should know before running it elsewhere, one sentence each; empty for
// most models. Today: ONNX Runtime's default graph optimisation fuses the zero Pad of a ZeroPadding2D into
// the MaxPool2D after it (its Pad fusion, microsoft/onnxruntime#18136), whose padding counts as -inf, not
// 0, which changes the outputs where a window at the border holds only negative values, and refuses
// padding as wide as the window.
std::vector<std::string> onnxRuntimeCautions(const ModelGraph& graph);

// The layer kinds exportOnnx writes (every kind of the LayerRegistry).
std::vector<std::string> onnxExportKinds();

} // namespace neurino
