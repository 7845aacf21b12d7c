// A model file as the editor, neurino-batch and the lessons read it: parsed, validated, its shapes inferred
// and parameters counted, written back and read again (the same graph), and when it is valid and small, built
// as a GraphModule that runs one batch to the output shape inference promised.

#include "tests/fuzz/FuzzTarget.h"

#include "core/graph/ModelJson.h"
#include "core/nn/GraphModule.h"

#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>

namespace {

// Larger models are valid too, but building them costs the fuzzer time and memory, not coverage.
constexpr std::int64_t kMaxBuiltParameters = 200000;
// Values of one input sample run through a built module.
constexpr std::int64_t kMaxRunInputValues = 4096;

[[noreturn]] void finding(const std::string& message)
{
    std::fprintf(stderr, "fuzz_model_json: %s\n", message.c_str());
    std::abort();
}

void buildAndRun(const neurino::ModelGraph& graph, const std::map<std::string, neurino::Shape>& shapes)
{
    neurino::GraphModule module(graph);
    module->eval();
    std::vector<torch::Tensor> inputs;
    for (const std::string& id : graph.inputNodes()) {
        const neurino::Shape& shape = shapes.at(id);
        if (neurino::shapeVolume(shape) > kMaxRunInputValues)
            return;
        std::vector<std::int64_t> batch { 2 };
        batch.insert(batch.end(), shape.begin(), shape.end());
        inputs.push_back(torch::zeros(batch));
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor out = module->forward(inputs);
    const neurino::Shape& expected = shapes.at(graph.outputNode());
    const std::vector<std::int64_t> got(out.sizes().begin() + 1, out.sizes().end());
    if (got != expected)
        finding("the module's output has shape " + neurino::formatShape(got) + " where shape inference says "
            + neurino::formatShape(expected));
}

} // namespace

NEURINO_FUZZ_TARGET(model_json)
{
    neurino::fuzz::prepare();
    const std::string text(reinterpret_cast<const char*>(data), size);
    neurino::fuzz::expectErrorsOnly([&] {
        const neurino::ModelGraph graph = neurino::modelFromString(text, "fuzz.neurino.json");
        if (neurino::modelFromString(neurino::modelToString(graph), "saved") != graph)
            finding("the graph read back after saving differs from the one saved");
        if (!graph.validate().empty())
            return;
        const std::map<std::string, neurino::Shape> shapes = graph.inferShapes();
        const neurino::ParamCount count = graph.parameterCount();
        graph.summary();
        if (count.total() <= kMaxBuiltParameters)
            buildAndRun(graph, shapes);
    });
    return 0;
}
