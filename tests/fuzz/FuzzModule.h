#pragma once

// What the harnesses of model readers share (fuzz_model_json, fuzz_keras_config, fuzz_onnx): a model that
// was read as valid is built and run.

namespace neurino {
class ModelGraph;
struct Checkpoint;
} // namespace neurino

namespace neurino::fuzz {

// Builds `graph` (with the weights of `checkpoint` when given) and runs a batch of two zero samples through
// it, when the model is small enough to be worth the fuzzer's time (at most 200,000 parameters and 4,096
// values an input sample). An output of another shape than shape inference says is a finding of `harness`:
// the process aborts. Errors the graph's own checks raise (neurino::Error) pass up, as for any reader.
void buildAndRun(const ModelGraph& graph, const Checkpoint* checkpoint, const char* harness);

} // namespace neurino::fuzz
