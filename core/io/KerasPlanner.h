#pragma once

// The Keras import's planner, shared by KerasModel.cpp (reading the model config, assembling and checking
// the graph, the weights-only plan) and KerasLayers.cpp (each Keras layer class as Neurino nodes, with the
// channels_last/channels_first layout carried through). Private to core/io; the API is KerasModel.h.

#include "core/io/KerasModel.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurino::keras {

using nlohmann::json;

// A Keras layer of the model, with the layers whose outputs it takes (in order).
struct KerasLayer {
    std::string name;
    std::string cls;
    json config;
    std::vector<std::string> inputs;
};

// A Keras tensor as the Neurino graph holds it. An image of a channels_last model is `moved`: Neurino holds
// its channels first. A vector may hold Keras's elements in another order (after a Flatten of an image):
// Neurino's element i is Keras's element order[i].
struct Held {
    std::string node;
    Shape keras;
    bool moved = false;
    std::vector<std::int64_t> order; // vectors only; empty: the same order
    // The weighted layers (WeightPlan indices) whose outputs reach this vector through element-wise layers
    // only, each read once: a Reshape into an image may still choose their output order.
    std::vector<std::size_t> chain;
    bool chainOpen = false;
};

[[noreturn]] void fail(const KerasLayer& l, const std::string& what);

// The integer or list setting `key` of `l` as `rank` integers.
std::vector<std::int64_t> intList(const KerasLayer& l, const std::string& key, std::size_t rank);

// Places the model's layers, in order, as nodes of one graph and plans how their weights are converted.
class Planner {
public:
    // `channelsLast`: the layout of a model with no layer that says.
    Planner(const std::vector<KerasLayer>& layers, bool channelsLast)
        : m_layers(layers)
        , m_channelsLast(channelsLast)
    {
        for (const auto& l : layers)
            for (const auto& in : l.inputs)
                ++m_readers[in];
        decideFormat();
    }

    ModelPlan run(const std::string& name);

private:
    void decideFormat();

    std::vector<Held> inputsOf(const KerasLayer& l) const;

    // Adds the node, connects it and takes its shape from Neurino's shape rules.
    Held add(const KerasLayer& l, const std::string& kind, const json& params, const std::vector<Held>& in,
        const std::string& id, bool moved);

    // An element-wise node: the vector's order and chain go through it.
    // `inner`: an activation inside layer `l`, which alone reads the layer's own result.
    Held addElementwise(const KerasLayer& l, const std::string& kind, const json& params, const Held& in,
        const std::string& id, bool inner = false);

    int readers(const std::string& layer) const;

    // An activation given by name, inside a layer (`id` then names it after the layer) or as one.
    Held activation(const KerasLayer& l, const std::string& name, const Held& in, const std::string& id,
        bool inner = false);

    void requireFormat(const KerasLayer& l, const Held& in) const;

    std::string padding(const KerasLayer& l) const;

    void requireOnes(const KerasLayer& l, const std::string& key, std::size_t rank) const;

    std::size_t addWeightPlan(const KerasLayer& l, const std::string& node, bool useBias);

    Held place(const KerasLayer& l);

    Held placeChecked(const KerasLayer& l);

    Held inputLayer(const KerasLayer& l);

    Held dense(const KerasLayer& l, const Held& x);

    Held conv(const KerasLayer& l, const Held& x);

    Held pool(const KerasLayer& l, const Held& x);

    Held zeroPadding(const KerasLayer& l, const Held& x);

    Held batchNorm(const KerasLayer& l, const Held& x);

    Held relu(const KerasLayer& l, const Held& x);

    Held flatten(const KerasLayer& l, const Held& x);

    Held reshape(const KerasLayer& l, const Held& x);

    Held addLayer(const KerasLayer& l, const std::vector<Held>& in);

    Held concatenate(const KerasLayer& l, const std::vector<Held>& in);

    const std::vector<KerasLayer>& m_layers;
    std::map<std::string, int> m_readers;
    std::map<std::string, Held> m_held;
    bool m_channelsLast = true;
    ModelPlan m_plan;
};

} // namespace neurino::keras
