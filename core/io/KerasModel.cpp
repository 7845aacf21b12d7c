#include "core/io/KerasModel.h"

#include "core/io/KerasPlanner.h"
#include "core/util/Error.h"

#include <algorithm>
#include <set>

namespace neurino::keras {

[[noreturn]] void fail(const KerasLayer& l, const std::string& what)
{
    throw ModelError("Keras layer '" + l.name + "' (" + l.cls + "): " + what);
}

std::vector<std::int64_t> intList(const KerasLayer& l, const std::string& key, std::size_t rank)
{
    const json& v = l.config.at(key);
    std::vector<std::int64_t> out;
    if (v.is_number_integer())
        out.assign(rank, v.get<std::int64_t>());
    else
        for (const json& e : v)
            out.push_back(e.get<std::int64_t>());
    if (out.size() != rank)
        fail(l, "'" + key + "' has " + std::to_string(out.size()) + " entries, not " + std::to_string(rank));
    return out;
}

ModelPlan Planner::run(const std::string& name)
{
    m_plan.graph.setName(name);
    for (const auto& l : m_layers)
        m_held[l.name] = place(l);
    const GraphAnalysis a = m_plan.graph.analyze();
    if (!a.ok())
        throw ModelError("the imported graph is not valid:\n" + formatIssues(m_plan.graph, a.issues));
    return std::move(m_plan);
}

void Planner::decideFormat()
{
    static const std::set<std::string> spatial = { "Conv1D", "Conv2D", "Conv2DTranspose", "MaxPooling1D",
        "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "UpSampling2D", "ZeroPadding2D" };
    const KerasLayer* first = nullptr;
    for (const auto& l : m_layers) {
        if (!spatial.count(l.cls))
            continue;
        const std::string format = l.config.value("data_format", "channels_last");
        if (format != "channels_last" && format != "channels_first")
            fail(l, "data_format '" + format + "' is neither channels_last nor channels_first");
        if (!first) {
            first = &l;
            m_channelsLast = format == "channels_last";
        } else if ((format == "channels_last") != m_channelsLast) {
            fail(l,
                "data_format " + format + " differs from that of layer '" + first->name
                    + "'; Neurino imports models whose layers share one layout");
        }
    }
}

std::vector<Held> Planner::inputsOf(const KerasLayer& l) const
{
    std::vector<Held> in;
    for (const auto& name : l.inputs)
        in.push_back(m_held.at(name));
    return in;
}

// Adds the node, connects it and takes its shape from Neurino's shape rules.
Held Planner::add(const KerasLayer& l, const std::string& kind, const json& params,
    const std::vector<Held>& in, const std::string& id, bool moved)
{
    std::string node;
    try {
        node = m_plan.graph.addNode(kind, params, id);
        for (const auto& t : in)
            m_plan.graph.connect(t.node, node);
    } catch (const ModelError& e) {
        fail(l, std::string("as Neurino's ") + kind + ": " + e.what());
    }
    const GraphAnalysis a = m_plan.graph.analyze();
    for (const auto& issue : a.issues)
        if (issue.nodeId == node)
            fail(l, "as Neurino's " + kind + ": " + issue.message);
    Held out;
    out.node = node;
    out.moved = moved;
    out.keras = a.shapes.at(node);
    if (moved)
        std::rotate(out.keras.begin(), out.keras.begin() + 1, out.keras.end());
    return out;
}

// An element-wise node: the vector's order and chain go through it.
// `inner`: an activation inside layer `l`, which alone reads the layer's own result.
Held Planner::addElementwise(const KerasLayer& l, const std::string& kind, const json& params, const Held& in,
    const std::string& id, bool inner)
{
    Held out = add(l, kind, params, { in }, id, in.moved);
    out.order = in.order;
    out.chain = in.chain;
    out.chainOpen = in.chainOpen && (inner || readers(l.inputs.at(0)) <= 1);
    return out;
}

int Planner::readers(const std::string& layer) const
{
    const auto it = m_readers.find(layer);
    return it == m_readers.end() ? 0 : it->second;
}

void Planner::requireFormat(const KerasLayer& l, const Held& in) const
{
    const std::string format = l.config.value("data_format", "channels_last");
    if (in.keras.size() >= 2 && in.moved != (format == "channels_last"))
        fail(l,
            "its input is laid out " + std::string(in.moved ? "channels_last" : "channels_first")
                + " but the layer is " + format);
    if (!in.order.empty())
        fail(l, "its input is a reordered vector");
}

std::string Planner::padding(const KerasLayer& l) const
{
    const std::string p = l.config.value("padding", "valid");
    if (p != "valid" && p != "same")
        fail(l, "padding '" + p + "' is not supported; Neurino's windows pad 'valid' or 'same'");
    return p;
}

void Planner::requireOnes(const KerasLayer& l, const std::string& key, std::size_t rank) const
{
    if (!l.config.contains(key) || l.config.at(key).is_null())
        return;
    for (std::int64_t v : intList(l, key, rank))
        if (v != 1)
            fail(l,
                key + " " + l.config.at(key).dump() + " is not supported; Neurino's convolutions have " + key
                    + " 1");
}

std::size_t Planner::addWeightPlan(const KerasLayer& l, const std::string& node, bool useBias)
{
    WeightPlan p;
    p.layer = l.name;
    p.kerasClass = l.cls;
    p.node = node;
    p.useBias = useBias;
    m_plan.weights.push_back(p);
    return m_plan.weights.size() - 1;
}

Held Planner::place(const KerasLayer& l)
{
    try {
        return placeChecked(l);
    } catch (const json::exception& e) {
        fail(l, std::string("its config cannot be read: ") + e.what());
    }
}

namespace {

std::vector<KerasLayer> sequentialLayers(const json& config)
{
    const json& list = config.is_array() ? config : config.at("layers");
    std::vector<KerasLayer> layers;
    for (const json& entry : list) {
        KerasLayer l;
        l.cls = entry.at("class_name").get<std::string>();
        l.config = entry.at("config");
        l.name = l.config.value("name", l.cls + "_" + std::to_string(layers.size() + 1));
        if (layers.empty() && l.cls != "InputLayer") {
            // Keras 2.2 keeps the input's shape in the first layer; Keras names the implied input so.
            KerasLayer input;
            input.name = l.name + "_input";
            input.cls = "InputLayer";
            if (!l.config.contains("batch_input_shape"))
                throw ModelError("Keras layer '" + l.name + "' (" + l.cls
                    + "): the Sequential model's first layer has no batch_input_shape");
            input.config = { { "batch_input_shape", l.config.at("batch_input_shape") } };
            layers.push_back(input);
        }
        if (!layers.empty())
            l.inputs = { layers.back().name };
        layers.push_back(l);
    }
    if (layers.empty())
        throw ModelError("the Keras Sequential model has no layers");
    return layers;
}

std::vector<KerasLayer> functionalLayers(const json& config)
{
    std::vector<KerasLayer> layers;
    for (const json& entry : config.at("layers")) {
        KerasLayer l;
        l.cls = entry.at("class_name").get<std::string>();
        l.config = entry.at("config");
        l.name = entry.value("name", l.config.value("name", std::string()));
        const json& inbound = entry.value("inbound_nodes", json::array());
        if (inbound.size() > 1)
            throw ModelError("Keras layer '" + l.name + "' (" + l.cls + ") is shared by "
                + std::to_string(inbound.size()) + " calls; Neurino's nodes are called once");
        if (inbound.size() == 1)
            for (const json& ref : inbound[0])
                l.inputs.push_back(ref.at(0).get<std::string>());
        layers.push_back(l);
    }
    if (config.at("output_layers").size() != 1)
        throw ModelError("the Keras model has " + std::to_string(config.at("output_layers").size())
            + " outputs; Neurino's models have one");
    // Keras lists a functional model's layers in an order that calls each after its inputs.
    std::set<std::string> seen;
    for (const auto& l : layers) {
        for (const auto& in : l.inputs)
            if (!seen.count(in))
                throw ModelError("Keras layer '" + l.name + "' (" + l.cls + ") takes the output of '" + in
                    + "', which is not a layer before it in the model");
        seen.insert(l.name);
    }
    return layers;
}

// Keras's axis (with the batch) of Neurino's `axis` of a tensor of Neurino shape `shape`.
std::int64_t kerasAxis(std::int64_t axis, const Shape& shape, bool moved)
{
    const auto rank = static_cast<std::int64_t>(shape.size());
    const std::int64_t a = axis < 0 ? axis + rank : axis;
    if (!moved)
        return a + 1;
    return (a == 0 ? rank - 1 : a - 1) + 1;
}

Shape kerasShape(Shape shape, bool channelsLast)
{
    if (channelsLast && shape.size() >= 2)
        std::rotate(shape.begin(), shape.begin() + 1, shape.end());
    return shape;
}

// A Neurino node as the Keras layer that would have written its weights.
KerasLayer kerasLayerOf(
    const ModelGraph& graph, const Node& node, const std::map<std::string, Shape>& shapes, bool channelsLast)
{
    const std::string& kind = node.layer.kind;
    const json& p = node.layer.params;
    KerasLayer l;
    l.name = node.id;
    l.inputs = graph.inputsOf(node.id);
    const std::string format = channelsLast ? "channels_last" : "channels_first";
    const Shape in = l.inputs.empty() ? Shape {} : shapes.at(l.inputs[0]);
    const bool moved = channelsLast && in.size() >= 2;
    auto list = [](const json& v) { return v.is_array() ? v : json::array({ v }); };
    auto firstPadding = [&](const json& v) {
        const json pads = list(v);
        if (pads.size() == 2 && pads[0] != pads[1])
            throw ModelError("node '" + node.id + "' (" + kind
                + ") pads its axes differently, which no Keras "
                  "layer does");
        return pads[0];
    };
    if (kind == "Input") {
        json shape = json::array({ nullptr });
        for (std::int64_t s : kerasShape(shapes.at(node.id), channelsLast))
            shape.push_back(s);
        l.cls = "InputLayer";
        l.config = { { "batch_input_shape", shape } };
    } else if (kind == "Dense") {
        l.cls = "Dense";
        l.config = { { "units", p.at("units") }, { "use_bias", p.at("use_bias") } };
    } else if (kind == "Conv1D" || kind == "Conv2D" || kind == "ConvTranspose2D") {
        l.cls = kind == "ConvTranspose2D" ? "Conv2DTranspose" : kind;
        l.config = { { "filters", p.at("filters") }, { "kernel_size", list(p.at("kernel_size")) },
            { "strides", list(p.at("strides")) }, { "padding", firstPadding(p.at("padding")) },
            { "use_bias", p.at("use_bias") }, { "data_format", format } };
    } else if (kind == "MaxPool1D" || kind == "MaxPool2D" || kind == "AvgPool1D" || kind == "AvgPool2D") {
        l.cls = std::string(kind[0] == 'M' ? "MaxPooling" : "AveragePooling") + kind.substr(kind.size() - 2);
        json strides = list(p.at("strides"));
        for (std::size_t i = 0; i < strides.size(); ++i)
            if (strides[i] == 0)
                strides[i] = list(p.at("pool_size"))[i];
        l.config = { { "pool_size", list(p.at("pool_size")) }, { "strides", strides },
            { "padding", firstPadding(p.at("padding")) }, { "data_format", format } };
    } else if (kind == "UpSampling2D") {
        l.cls = kind;
        l.config = { { "size", p.at("size") }, { "data_format", format } };
    } else if (kind == "ZeroPadding2D") {
        l.cls = kind;
        l.config = { { "padding", p.at("padding") }, { "data_format", format } };
    } else if (kind == "BatchNorm") {
        l.cls = "BatchNormalization";
        l.config = { { "axis", kerasAxis(p.at("axis").get<std::int64_t>(), in, moved) },
            { "momentum", p.at("momentum") }, { "epsilon", p.at("epsilon") } };
    } else if (kind == "Dropout") {
        l.cls = kind;
        l.config = { { "rate", p.at("rate") } };
    } else if (kind == "Flatten") {
        l.cls = kind;
        l.config = { { "data_format", format } };
    } else if (kind == "Reshape") {
        l.cls = kind;
        l.config = { { "target_shape", kerasShape(shapes.at(node.id), channelsLast) } };
    } else if (kind == "Add") {
        l.cls = kind;
    } else if (kind == "Concat") {
        l.cls = "Concatenate";
        l.config = { { "axis", kerasAxis(p.at("axis").get<std::int64_t>(), in, moved) } };
    } else {
        // Activations and Output: no weights, the values' order kept.
        l.cls = "Activation";
        l.config = { { "activation", "linear" } };
    }
    l.config["name"] = node.id;
    return l;
}

} // namespace

std::vector<WeightPlan> planWeights(const ModelGraph& graph, bool channelsLast)
{
    const std::map<std::string, Shape> shapes = graph.inferShapes();
    std::vector<KerasLayer> layers;
    for (const std::string& id : graph.topologicalOrder())
        layers.push_back(kerasLayerOf(graph, graph.node(id), shapes, channelsLast));
    return Planner(layers, channelsLast).run(graph.name()).weights;
}

ModelPlan planModel(const json& modelConfig)
{
    try {
        const std::string cls = modelConfig.at("class_name").get<std::string>();
        const json& config = modelConfig.at("config");
        std::vector<KerasLayer> layers;
        std::string name = "keras_model";
        if (config.is_object())
            name = config.value("name", name);
        if (cls == "Sequential")
            layers = sequentialLayers(config);
        else if (cls == "Model" || cls == "Functional")
            layers = functionalLayers(config);
        else
            throw ModelError(
                "the Keras model is a " + cls + "; Neurino imports Sequential and Functional (Model) models");
        return Planner(layers, /*channelsLast=*/true).run(name);
    } catch (const json::exception& e) {
        throw ModelError(std::string("the Keras model_config lacks a part Keras writes: ") + e.what());
    }
}

} // namespace neurino::keras
