#pragma once

#include "core/train/Checkpoint.h"

#include <cstdint>
#include <string>

namespace neurino {

class ModelGraph;

// Keras's image layout, for a weights-only file whose model is not in the file.
enum class KerasDataFormat { ChannelsLast, ChannelsFirst };

// What an import made, and what it found in the file.
struct KerasImport {
    Checkpoint checkpoint; // the graph and its weights; epoch 0, no optimizer state
    std::string kerasVersion; // the file's keras_version attribute, when it has one
    std::int64_t kerasParams = 0; // weights in the file (Keras's "Total params")
};

// Reads a Keras 2 HDF5 model file (Keras's legacy save_model layout: the root attribute model_config, the
// group model_weights with layer_names, each layer's group with weight_names), Sequential or Functional,
// into a Neurino graph with its weights. channels_last layers become Neurino's channels-first ones, their
// weights permuted so that the outputs are Keras's (a Flatten's order is carried into the next Dense); an
// activation inside a layer becomes a node of its own. The file's layers are checked against Neurino's:
// throws ModelError naming the Keras layer, its class and what Neurino supports instead; IoError for a file
// that is not HDF5 or lacks a part Keras writes, or a weight of another shape.
KerasImport importKerasModel(const std::string& path);

// True for an HDF5 file with Keras's model_config attribute (a Keras model file), false for other HDF5 files
// (a Neurino checkpoint). Throws IoError naming the file when it is no HDF5 file or is damaged.
bool isKerasModelFile(const std::string& path);

// Reads a weights-only file (Keras's save_weights layout: layer_names at the root) into `model`: the
// model's nodes with weights, in topological order, take the file's layers with weights in order; every
// shape is checked. `format` says how the Keras model that wrote the file laid out its images (a Flatten of
// a channels_last image reorders the next Dense's rows). Throws IoError or ModelError naming the layer and
// node.
KerasImport importKerasWeights(const std::string& path, const ModelGraph& model, KerasDataFormat format);

} // namespace neurino
