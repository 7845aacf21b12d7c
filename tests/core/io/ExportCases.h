#pragma once

// Models and checkpoints that the export tests (PyTorch, ONNX) share: every template, three models that
// between them hold every layer kind, a model of two inputs, and checkpoints of them as a run leaves them.
#include "core/train/Checkpoint.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace neurino::test::exportcases {

// A layer of a test model: from the previous layer unless `from` names its inputs (in port order).
struct Layer {
    std::string id;
    std::string kind;
    nlohmann::json params = nlohmann::json::object();
    std::vector<std::string> from = {};
};

ModelGraph buildGraph(const std::string& name, const std::vector<Layer>& layers);

// The templates of resources/models, by name.
extern const std::vector<std::string> kTemplates;

// "branches" (tabular), "image", "sequence" (every layer kind between them), "two_inputs", or a template.
ModelGraph caseGraph(const std::string& name);

// Tabular features as a run sees them: each on its own scale and offset, which the standardisation removes;
// images in [0, 1).
torch::Tensor rawFeatures(const Shape& shape, std::int64_t n, bool tabular);

// A checkpoint of `graph` as a run leaves it: seeded weights, biases and BatchNorm statistics away from
// their starting values (so that each one counts), and a standardisation fitted on raw features.
Checkpoint seededCheckpoint(const ModelGraph& graph, bool standardize, std::uint64_t seed);

} // namespace neurino::test::exportcases
