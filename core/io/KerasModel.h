#pragma once

#include "core/graph/ModelGraph.h"

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

// The parts of the Keras import that know Keras's layers (core/io/KerasImport.h): a model_config turned
// into a Neurino graph, and how each Keras layer's weights become its node's.
namespace neurino::keras {

// How one Keras layer's weights become a Neurino node's parameters and buffers.
struct WeightPlan {
    std::string layer; // Keras's layer name
    std::string kerasClass; // "Dense", "Conv2D", ... ("Conv2DTranspose" for a ConvTranspose2D node)
    std::string node; // the node that takes them
    // Neurino's element i of a vector is Keras's element order[i]; empty: the same order.
    std::vector<std::int64_t> inOrder; // a Dense's inputs (after a Flatten of an image)
    std::vector<std::int64_t>
        outOrder; // a Dense's outputs (before a Reshape into an image), a BatchNorm's features
    bool useBias = true;
};

struct ModelPlan {
    ModelGraph graph;
    std::vector<WeightPlan> weights; // in the file's layer order
};

// A model_config's {"class_name": "Sequential" | "Model" | "Functional", "config": ...} as a graph named
// after the model. Throws ModelError naming the Keras layer and its class.
ModelPlan planModel(const nlohmann::json& modelConfig);

// The plan of a Neurino model for a weights-only file written by a Keras model laid out as `channelsLast`
// says: its nodes with weights in topological order.
std::vector<WeightPlan> planWeights(const ModelGraph& graph, bool channelsLast);

using KerasWeights = std::vector<std::pair<std::string, torch::Tensor>>; // weight name, value

// The node's parameters and buffers from the layer's Keras weights (in the file's order), checked against
// `expected` (the module's tensors of that node): throws IoError naming the layer, its class and the weight.
std::map<std::string, torch::Tensor> convertWeights(const WeightPlan& plan, const KerasWeights& weights,
    const std::map<std::string, torch::Tensor>& expected, const std::string& source);

} // namespace neurino::keras
