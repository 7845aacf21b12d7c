// A Keras model_config (the JSON a Keras 2 model file carries), as the Keras import turns it into a graph:
// planned, and when the graph is small, built as a GraphModule that runs one batch to the output shape
// inference promised. The HDF5 around it is fuzz_keras_model's; this harness reaches the layer conversion
// that byte mutations of an HDF5 file seldom get to.

#include "tests/fuzz/FuzzModule.h"
#include "tests/fuzz/FuzzTarget.h"

#include "core/io/KerasModel.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

NEURINO_FUZZ_TARGET(keras_config)
{
    neurino::fuzz::prepare();
    const std::string text(reinterpret_cast<const char*>(data), size);
    neurino::fuzz::expectErrorsOnly([&] {
        nlohmann::json config;
        try {
            config = nlohmann::json::parse(text);
        } catch (const nlohmann::json::exception& e) {
            throw neurino::ModelError(std::string("not JSON: ") + e.what()); // as the import says it
        }
        const neurino::keras::ModelPlan plan = neurino::keras::planModel(config);
        neurino::fuzz::buildAndRun(plan.graph, nullptr, "fuzz_keras_config");
    });
    return 0;
}
