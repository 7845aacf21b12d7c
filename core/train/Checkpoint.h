#pragma once

#include "core/data/Standardizer.h"
#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/train/History.h"
#include "core/train/OptimizerState.h"
#include "core/train/TrainConfig.h"

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurino {

// Parameters and buffers per node, as GraphModule::nodeTensors() gives them.
using NodeTensors = std::map<std::string, std::map<std::string, torch::Tensor>>;

// What a run was trained on, so evaluation and resumption can check they get the same kind of data.
struct DataSignature {
    std::int64_t size = 0; // N of the whole file the split was made from
    std::vector<std::int64_t> sampleShape; // features per sample
    std::string task; // taskName()
    std::vector<std::string> classNames;
    std::vector<std::string> featureNames;
    std::string origin; // file path or generator
    std::string featuresPath; // HDF5 dataset paths used, for foreign files
    std::string targetsPath;

    nlohmann::json toJson() const;
    static DataSignature fromJson(const nlohmann::json& doc);
};

// Everything a training run needs to be evaluated or continued. On disk (HDF5, readable with h5py):
//   attributes  format = "neurino-checkpoint", format_version, neurino_version, epoch, seed,
//               config (JSON), data (JSON), trainer_state (JSON)
//   /graph                         attribute "json": the model file's JSON
//   /weights/<node>/<param>        parameters and buffers (LibTorch layout, e.g. Dense weight out x in)
//   /best_weights/<node>/<param>   the best epoch's weights, when early stopping keeps them
//   /optimizer                     attributes name, learning_rate; /optimizer/<node>/<param>/<state>
//   /standardizer/mean, /scale     when the inputs are standardised
//   /history/<metric>              float64 per epoch (attribute epochs)
//   /rng/cpu                       LibTorch's CPU generator state (dropout), uint8
struct Checkpoint {
    ModelGraph graph;
    TrainConfig config;
    int epoch = 0; // epochs completed
    std::uint64_t seed = 0;
    NodeTensors weights;
    NodeTensors bestWeights; // empty unless kept
    std::string optimizerName;
    double learningRate = 0;
    NamedOptimizerState optimizerState;
    Standardizer standardizer;
    History history;
    nlohmann::json trainerState = nlohmann::json::object(); // schedule, early stopping, best epoch
    torch::Tensor rngState; // uint8, undefined when not saved
    DataSignature data;
    std::string neurinoVersion;
};

// The format name in the file's attributes.
constexpr const char* kCheckpointFormat = "neurino-checkpoint";
// The layout version written.
constexpr int kCheckpointVersion = 1;

// Writes atomically: a temporary file beside `path`, renamed over it. Throws IoError naming the file.
void saveCheckpoint(const std::string& path, const Checkpoint& checkpoint);

// Throws IoError saying which: the file does not exist, is not HDF5 (truncated, damaged), is HDF5 but
// not a Neurino checkpoint, is of a newer version, or lacks a part.
Checkpoint loadCheckpoint(const std::string& path);

// Copies `weights` into the module's parameters and buffers. Throws IoError naming the node and
// parameter that is missing or has another shape (the checkpoint is of a different model).
void loadWeights(GraphModule& module, const NodeTensors& weights, const std::string& source = "checkpoint");

// CPU copies of the module's parameters and buffers.
NodeTensors copyWeights(const GraphModule& module);

// Builds the checkpoint's model with its weights, in evaluation mode on the CPU.
GraphModule moduleFromCheckpoint(const Checkpoint& checkpoint);

} // namespace neurino
