#include "tests/fuzz/FuzzModule.h"

#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/train/Checkpoint.h"

#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>

namespace neurino::fuzz {

namespace {

// Larger models are valid too, but building them costs the fuzzer time and memory, not coverage.
constexpr std::int64_t kMaxBuiltParameters = 200000;
// Values of one input sample run through a built module.
constexpr std::int64_t kMaxRunInputValues = 4096;

} // namespace

void buildAndRun(const ModelGraph& graph, const Checkpoint* checkpoint, const char* harness)
{
    if (graph.parameterCount().total() > kMaxBuiltParameters)
        return;
    const std::map<std::string, Shape> shapes = graph.inferShapes();
    std::vector<torch::Tensor> inputs;
    for (const std::string& id : graph.inputNodes()) {
        const Shape& shape = shapes.at(id);
        if (shapeVolume(shape) > kMaxRunInputValues)
            return;
        std::vector<std::int64_t> batch { 2 };
        batch.insert(batch.end(), shape.begin(), shape.end());
        inputs.push_back(torch::zeros(batch));
    }
    GraphModule module(graph);
    if (checkpoint)
        loadWeights(module, checkpoint->weights, "the fuzzed file");
    module->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor out = module->forward(inputs);
    const Shape& expected = shapes.at(graph.outputNode());
    const std::vector<std::int64_t> got(out.sizes().begin() + 1, out.sizes().end());
    if (got != expected) {
        std::fprintf(stderr, "%s: the module's output has shape %s where shape inference says %s\n", harness,
            formatShape(got).c_str(), formatShape(expected).c_str());
        std::abort();
    }
}

} // namespace neurino::fuzz
