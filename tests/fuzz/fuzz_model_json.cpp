// A model file as the editor, neurino-batch and the lessons read it: parsed, validated, its shapes inferred
// and parameters counted, written back and read again (the same graph), and when it is valid and small, built
// as a GraphModule that runs one batch to the output shape inference promised.

#include "tests/fuzz/FuzzModule.h"
#include "tests/fuzz/FuzzTarget.h"

#include "core/graph/ModelJson.h"

#include <cstdio>
#include <cstdlib>

NEURINO_FUZZ_TARGET(model_json)
{
    neurino::fuzz::prepare();
    const std::string text(reinterpret_cast<const char*>(data), size);
    neurino::fuzz::expectErrorsOnly([&] {
        const neurino::ModelGraph graph = neurino::modelFromString(text, "fuzz.neurino.json");
        if (neurino::modelFromString(neurino::modelToString(graph), "saved") != graph) {
            std::fprintf(
                stderr, "fuzz_model_json: the graph read back after saving differs from the one saved\n");
            std::abort();
        }
        if (!graph.validate().empty())
            return;
        graph.inferShapes();
        graph.summary();
        neurino::fuzz::buildAndRun(graph, nullptr, "fuzz_model_json");
    });
    return 0;
}
