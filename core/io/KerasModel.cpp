#include "core/io/KerasModel.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <set>

namespace neurino::keras {

using nlohmann::json;

namespace {

const char* const kSupported
    = "Neurino imports InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Conv1D, Conv2D, "
      "Conv2DTranspose, MaxPooling1D/2D, AveragePooling1D/2D, UpSampling2D, ZeroPadding2D, "
      "BatchNormalization, LeakyReLU, ELU, ReLU, Softmax, Add and Concatenate";

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

Shape neurinoShape(const Held& t)
{
    Shape s = t.keras;
    if (t.moved)
        std::rotate(s.rbegin(), s.rbegin() + 1, s.rend());
    return s;
}

std::int64_t volume(const Shape& s)
{
    return std::accumulate(s.begin(), s.end(), std::int64_t { 1 }, std::multiplies<>());
}

std::vector<std::int64_t> toVector(const torch::Tensor& t)
{
    const torch::Tensor c = t.to(torch::kLong).contiguous();
    return { c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel() };
}

// Neurino's flat element i holds Keras's flat element result[i].
std::vector<std::int64_t> flatOrder(const Held& t)
{
    if (t.keras.size() == 1)
        return t.order.empty() ? toVector(torch::arange(t.keras[0])) : t.order;
    torch::Tensor index = torch::arange(volume(t.keras)).reshape(t.keras);
    if (t.moved)
        index = index.movedim(-1, 0);
    return toVector(index.flatten());
}

bool isIdentity(const std::vector<std::int64_t>& order)
{
    for (std::size_t i = 0; i < order.size(); ++i)
        if (order[i] != static_cast<std::int64_t>(i))
            return false;
    return true;
}

std::vector<std::int64_t> normalOrder(std::vector<std::int64_t> order)
{
    return isIdentity(order) ? std::vector<std::int64_t> {} : order;
}

// A Keras axis counted with the batch (negative from the end) as Neurino's axis without it.
std::int64_t neurinoAxis(const KerasLayer& l, std::int64_t axis, const Held& t)
{
    const auto rank = static_cast<std::int64_t>(t.keras.size());
    const std::int64_t a = (axis < 0 ? axis + rank + 1 : axis) - 1;
    if (a < 0 || a >= rank)
        fail(l,
            "axis " + std::to_string(axis) + " is not an axis of its input " + formatShape(t.keras)
                + " (the batch axis cannot be chosen)");
    if (!t.moved)
        return a;
    return a == rank - 1 ? 0 : a + 1;
}

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

    ModelPlan run(const std::string& name)
    {
        m_plan.graph.setName(name);
        for (const auto& l : m_layers)
            m_held[l.name] = place(l);
        const GraphAnalysis a = m_plan.graph.analyze();
        if (!a.ok())
            throw ModelError("the imported graph is not valid:\n" + formatIssues(m_plan.graph, a.issues));
        return std::move(m_plan);
    }

private:
    void decideFormat()
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

    std::vector<Held> inputsOf(const KerasLayer& l) const
    {
        std::vector<Held> in;
        for (const auto& name : l.inputs)
            in.push_back(m_held.at(name));
        return in;
    }

    // Adds the node, connects it and takes its shape from Neurino's shape rules.
    Held add(const KerasLayer& l, const std::string& kind, const json& params, const std::vector<Held>& in,
        const std::string& id, bool moved)
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
    Held addElementwise(const KerasLayer& l, const std::string& kind, const json& params, const Held& in,
        const std::string& id, bool inner = false)
    {
        Held out = add(l, kind, params, { in }, id, in.moved);
        out.order = in.order;
        out.chain = in.chain;
        out.chainOpen = in.chainOpen && (inner || readers(l.inputs.at(0)) <= 1);
        return out;
    }

    int readers(const std::string& layer) const
    {
        const auto it = m_readers.find(layer);
        return it == m_readers.end() ? 0 : it->second;
    }

    // An activation given by name, inside a layer (`id` then names it after the layer) or as one.
    Held activation(const KerasLayer& l, const std::string& name, const Held& in, const std::string& id,
        bool inner = false)
    {
        static const std::map<std::string, std::string> kinds = { { "relu", "ReLU" },
            { "sigmoid", "Sigmoid" }, { "tanh", "Tanh" }, { "elu", "ELU" }, { "softmax", "Softmax" } };
        if (name == "linear")
            return in;
        const auto it = kinds.find(name);
        if (it == kinds.end())
            fail(l,
                "activation '" + name
                    + "' has no Neurino layer; Neurino imports the activations linear, relu, sigmoid, tanh, "
                      "elu and softmax");
        json params = json::object();
        if (it->second == "Softmax")
            params["axis"] = in.moved ? 0 : -1;
        return addElementwise(l, it->second, params, in, id, inner);
    }

    void requireFormat(const KerasLayer& l, const Held& in) const
    {
        const std::string format = l.config.value("data_format", "channels_last");
        if (in.keras.size() >= 2 && in.moved != (format == "channels_last"))
            fail(l,
                "its input is laid out " + std::string(in.moved ? "channels_last" : "channels_first")
                    + " but the layer is " + format);
        if (!in.order.empty())
            fail(l, "its input is a reordered vector");
    }

    std::string padding(const KerasLayer& l) const
    {
        const std::string p = l.config.value("padding", "valid");
        if (p != "valid" && p != "same")
            fail(l, "padding '" + p + "' is not supported; Neurino's windows pad 'valid' or 'same'");
        return p;
    }

    void requireOnes(const KerasLayer& l, const std::string& key, std::size_t rank) const
    {
        if (!l.config.contains(key) || l.config.at(key).is_null())
            return;
        for (std::int64_t v : intList(l, key, rank))
            if (v != 1)
                fail(l,
                    key + " " + l.config.at(key).dump() + " is not supported; Neurino's convolutions have "
                        + key + " 1");
    }

    std::size_t addWeightPlan(const KerasLayer& l, const std::string& node, bool useBias)
    {
        WeightPlan p;
        p.layer = l.name;
        p.kerasClass = l.cls;
        p.node = node;
        p.useBias = useBias;
        m_plan.weights.push_back(p);
        return m_plan.weights.size() - 1;
    }

    Held place(const KerasLayer& l)
    {
        try {
            return placeChecked(l);
        } catch (const json::exception& e) {
            fail(l, std::string("its config cannot be read: ") + e.what());
        }
    }

    Held placeChecked(const KerasLayer& l)
    {
        const std::vector<Held> in = inputsOf(l);
        const json& c = l.config;
        const std::string& k = l.cls;
        if (k == "InputLayer")
            return inputLayer(l);
        if (in.empty())
            fail(l, "it has no input");
        if (k != "Add" && k != "Concatenate" && in.size() != 1)
            fail(l, "it takes " + std::to_string(in.size()) + " inputs; Neurino's layer takes one");
        const Held& x = in.front();
        if (k == "Dense")
            return dense(l, x);
        if (k == "Conv1D" || k == "Conv2D" || k == "Conv2DTranspose")
            return conv(l, x);
        if (k == "MaxPooling1D" || k == "MaxPooling2D" || k == "AveragePooling1D" || k == "AveragePooling2D")
            return pool(l, x);
        if (k == "UpSampling2D") {
            requireFormat(l, x);
            if (c.value("interpolation", "nearest") != "nearest")
                fail(l,
                    "interpolation '" + c.value("interpolation", "")
                        + "' is not supported; Neurino's "
                          "UpSampling2D repeats rows and columns (nearest)");
            return add(l, "UpSampling2D", { { "size", intList(l, "size", 2) } }, in, l.name, x.moved);
        }
        if (k == "ZeroPadding2D")
            return zeroPadding(l, x);
        if (k == "BatchNormalization")
            return batchNorm(l, x);
        if (k == "Dropout")
            return addElementwise(l, "Dropout", { { "rate", c.value("rate", 0.5) } }, x, l.name);
        if (k == "Activation")
            return activation(l, c.at("activation").get<std::string>(), x, l.name);
        if (k == "LeakyReLU")
            return addElementwise(
                l, "LeakyReLU", { { "alpha", c.value("alpha", c.value("negative_slope", 0.3)) } }, x, l.name);
        if (k == "ELU")
            return addElementwise(l, "ELU", { { "alpha", c.value("alpha", 1.0) } }, x, l.name);
        if (k == "ReLU")
            return relu(l, x);
        if (k == "Softmax") {
            if (!c.value("axis", json(-1)).is_number_integer())
                fail(l, "a softmax over several axes is not supported; Neurino's Softmax takes one axis");
            return addElementwise(
                l, "Softmax", { { "axis", neurinoAxis(l, c.value("axis", -1), x) } }, x, l.name);
        }
        if (k == "Flatten")
            return flatten(l, x);
        if (k == "Reshape")
            return reshape(l, x);
        if (k == "Add")
            return addLayer(l, in);
        if (k == "Concatenate")
            return concatenate(l, in);
        fail(l, std::string("this class has no Neurino layer; ") + kSupported);
    }

    Held inputLayer(const KerasLayer& l)
    {
        const json& c = l.config;
        const json shape
            = c.contains("batch_input_shape") ? c.at("batch_input_shape") : c.value("batch_shape", json());
        if (!shape.is_array() || shape.size() < 2)
            fail(l, "it has no batch_input_shape");
        Held t;
        for (std::size_t i = 1; i < shape.size(); ++i) {
            if (!shape[i].is_number_integer())
                fail(l, "its shape " + shape.dump() + " has a free size; Neurino's inputs have fixed sizes");
            t.keras.push_back(shape[i].get<std::int64_t>());
        }
        t.moved = t.keras.size() >= 2 && m_channelsLast;
        return add(l, "Input", { { "shape", neurinoShape(t) } }, {}, l.name, t.moved);
    }

    Held dense(const KerasLayer& l, const Held& x)
    {
        if (x.keras.size() != 1)
            fail(l,
                "its input " + formatShape(x.keras)
                    + " has several axes (Keras then applies it to the last one); Neurino's Dense takes "
                      "vectors: put a Flatten before it");
        const bool bias = l.config.value("use_bias", true);
        Held out = add(
            l, "Dense", { { "units", l.config.at("units") }, { "use_bias", bias } }, { x }, l.name, false);
        const std::size_t plan = addWeightPlan(l, out.node, bias);
        m_plan.weights[plan].inOrder = x.order;
        out.chain = { plan };
        out.chainOpen = true;
        const std::string act = l.config.value("activation", "linear");
        return activation(l, act, out, out.node + "_" + act, /*inner=*/true);
    }

    Held conv(const KerasLayer& l, const Held& x)
    {
        requireFormat(l, x);
        const std::size_t rank = l.cls == "Conv1D" ? 1 : 2;
        requireOnes(l, "dilation_rate", rank);
        if (l.config.value("groups", 1) != 1)
            fail(l,
                "groups " + std::to_string(l.config.value("groups", 1))
                    + " is not supported; Neurino's convolutions connect all channels (groups 1)");
        if (l.cls == "Conv2DTranspose" && l.config.contains("output_padding")
            && !l.config.at("output_padding").is_null())
            fail(l, "output_padding is not supported; Neurino's ConvTranspose2D sizes its output by padding");
        const bool bias = l.config.value("use_bias", true);
        json p = { { "filters", l.config.at("filters") }, { "use_bias", bias } };
        const auto ks = intList(l, "kernel_size", rank);
        const auto st = intList(l, "strides", rank);
        const std::string pad = padding(l);
        std::string kind = "Conv1D";
        if (rank == 1) {
            p["kernel_size"] = ks[0];
            p["strides"] = st[0];
            p["padding"] = pad;
        } else {
            kind = l.cls == "Conv2D" ? "Conv2D" : "ConvTranspose2D";
            p["kernel_size"] = ks;
            p["strides"] = st;
            p["padding"] = kind == "Conv2D" ? json::array({ pad, pad }) : json(pad);
        }
        Held out = add(l, kind, p, { x }, l.name, x.moved);
        addWeightPlan(l, out.node, bias);
        const std::string act = l.config.value("activation", "linear");
        return activation(l, act, out, out.node + "_" + act, /*inner=*/true);
    }

    Held pool(const KerasLayer& l, const Held& x)
    {
        requireFormat(l, x);
        const std::size_t rank = l.cls.find("1D") != std::string::npos ? 1 : 2;
        const bool max = l.cls.rfind("Max", 0) == 0;
        const auto size = intList(l, "pool_size", rank);
        const auto strides = l.config.contains("strides") && !l.config.at("strides").is_null()
            ? intList(l, "strides", rank)
            : size;
        const std::string pad = padding(l);
        std::string kind = std::string(max ? "MaxPool" : "AvgPool") + (rank == 1 ? "1D" : "2D");
        json p;
        if (rank == 1)
            p = { { "pool_size", size[0] }, { "strides", strides[0] }, { "padding", pad } };
        else
            p = { { "pool_size", size }, { "strides", strides }, { "padding", json::array({ pad, pad }) } };
        return add(l, kind, p, { x }, l.name, x.moved);
    }

    Held zeroPadding(const KerasLayer& l, const Held& x)
    {
        requireFormat(l, x);
        const json& v = l.config.at("padding");
        std::array<std::int64_t, 4> tblr {};
        if (v.is_number_integer()) {
            tblr.fill(v.get<std::int64_t>());
        } else if (v.size() == 2 && v[0].is_number_integer()) {
            tblr = { v[0].get<std::int64_t>(), v[0].get<std::int64_t>(), v[1].get<std::int64_t>(),
                v[1].get<std::int64_t>() };
        } else if (v.size() == 2) {
            tblr = { v[0].at(0).get<std::int64_t>(), v[0].at(1).get<std::int64_t>(),
                v[1].at(0).get<std::int64_t>(), v[1].at(1).get<std::int64_t>() };
        }
        if (tblr[0] != tblr[1] || tblr[2] != tblr[3])
            fail(l,
                "padding " + v.dump()
                    + " is not the same on both sides; Neurino's ZeroPadding2D pads rows and columns "
                      "symmetrically");
        return add(l, "ZeroPadding2D", { { "padding", { tblr[0], tblr[2] } } }, { x }, l.name, x.moved);
    }

    Held batchNorm(const KerasLayer& l, const Held& x)
    {
        const json& c = l.config;
        json axis = c.value("axis", json(-1));
        if (axis.is_array()) {
            if (axis.size() != 1)
                fail(l, "axis " + axis.dump() + " normalises several axes; Neurino's BatchNorm takes one");
            axis = axis[0];
        }
        if (!c.value("center", true) || !c.value("scale", true))
            fail(l, "center or scale false is not supported; Neurino's BatchNorm always learns both");
        if (c.value("renorm", false) || !c.value("virtual_batch_size", json()).is_null())
            fail(l, "renorm and virtual_batch_size are not supported by Neurino's BatchNorm");
        const json p = { { "axis", neurinoAxis(l, axis.get<std::int64_t>(), x) },
            { "momentum", c.value("momentum", 0.99) }, { "epsilon", c.value("epsilon", 1e-3) } };
        Held out = addElementwise(l, "BatchNorm", p, x, l.name);
        const std::size_t plan = addWeightPlan(l, out.node, true);
        if (x.keras.size() == 1) {
            m_plan.weights[plan].outOrder = x.order;
            out.chain.push_back(plan);
        }
        return out;
    }

    Held relu(const KerasLayer& l, const Held& x)
    {
        const json& c = l.config;
        const double slope = c.value("negative_slope", 0.0);
        if (!c.value("max_value", json()).is_null() || c.value("threshold", 0.0) != 0.0)
            fail(l,
                "max_value and threshold are not supported; Neurino's ReLU is max(0, x) and its LeakyReLU "
                "has a slope");
        if (slope != 0.0)
            return addElementwise(l, "LeakyReLU", { { "alpha", slope } }, x, l.name);
        return addElementwise(l, "ReLU", json::object(), x, l.name);
    }

    Held flatten(const KerasLayer& l, const Held& x)
    {
        const std::vector<std::int64_t> neurino = flatOrder(x);
        // Keras 2.2+ flattens a channels_first tensor as channels_last: its channels axis moved to the end.
        torch::Tensor index = torch::arange(volume(x.keras)).reshape(x.keras);
        if (l.config.value("data_format", "channels_last") == "channels_first" && x.keras.size() >= 2)
            index = index.movedim(0, -1);
        const std::vector<std::int64_t> keras = toVector(index.flatten());
        std::vector<std::int64_t> position(keras.size());
        for (std::size_t j = 0; j < keras.size(); ++j)
            position[static_cast<std::size_t>(keras[j])] = static_cast<std::int64_t>(j);
        std::vector<std::int64_t> order(neurino.size());
        for (std::size_t i = 0; i < neurino.size(); ++i)
            order[i] = position[static_cast<std::size_t>(neurino[i])];
        Held out = add(l, "Flatten", json::object(), { x }, l.name, false);
        out.order = normalOrder(order);
        if (x.keras.size() == 1) {
            out.chain = x.chain;
            out.chainOpen = x.chainOpen && readers(l.inputs.at(0)) <= 1;
        }
        return out;
    }

    Held reshape(const KerasLayer& l, const Held& x)
    {
        Held target;
        for (const json& e : l.config.at("target_shape"))
            target.keras.push_back(e.get<std::int64_t>());
        if (std::count(target.keras.begin(), target.keras.end(), -1) > 0) {
            const std::int64_t known = -volume(target.keras);
            for (auto& s : target.keras)
                if (s == -1)
                    s = volume(x.keras) / std::max<std::int64_t>(known, 1);
        }
        if (volume(target.keras) != volume(x.keras))
            fail(l,
                "target_shape " + formatShape(target.keras) + " does not hold the "
                    + std::to_string(volume(x.keras)) + " values of its input " + formatShape(x.keras));
        target.moved = target.keras.size() >= 2 && m_channelsLast;
        std::vector<std::int64_t> held = flatOrder(x);
        if (target.keras.size() >= 2) {
            const std::vector<std::int64_t> wanted = flatOrder(target);
            if (held != wanted) {
                if (!(x.keras.size() == 1 && x.order.empty() && x.chainOpen && readers(l.inputs.at(0)) <= 1
                        && !x.chain.empty()))
                    fail(l,
                        "Neurino holds images channels first, and the values reaching this Reshape come "
                        "from no Dense whose outputs could be reordered to match");
                // The Dense (and any BatchNorm after it) writes its outputs in the image's order.
                for (std::size_t plan : x.chain)
                    m_plan.weights[plan].outOrder = wanted;
            }
            held.clear();
        }
        Held out
            = add(l, "Reshape", { { "target_shape", neurinoShape(target) } }, { x }, l.name, target.moved);
        out.order = out.keras.size() == 1 ? normalOrder(held) : std::vector<std::int64_t> {};
        return out;
    }

    Held addLayer(const KerasLayer& l, const std::vector<Held>& in)
    {
        for (const auto& t : in)
            if (t.moved != in[0].moved || flatOrder(t) != flatOrder(in[0]))
                fail(
                    l, "its inputs hold their values in different orders in Neurino's channels-first layout");
        Held out = add(l, "Add", json::object(), in, l.name, in[0].moved);
        out.order = in[0].order;
        return out;
    }

    Held concatenate(const KerasLayer& l, const std::vector<Held>& in)
    {
        for (const auto& t : in)
            if (t.moved != in[0].moved || t.keras.size() != in[0].keras.size())
                fail(l, "its inputs are laid out differently");
        const std::int64_t axis = neurinoAxis(l, l.config.value("axis", -1), in[0]);
        Held out = add(l, "Concat", { { "axis", axis } }, in, l.name, in[0].moved);
        if (out.keras.size() == 1) {
            std::vector<std::int64_t> order;
            std::int64_t offset = 0;
            for (const auto& t : in) {
                for (std::int64_t i : flatOrder(t))
                    order.push_back(i + offset);
                offset += t.keras[0];
            }
            out.order = normalOrder(order);
        } else {
            for (const auto& t : in)
                if (!t.order.empty())
                    fail(l, "its inputs are reordered");
        }
        return out;
    }

    const std::vector<KerasLayer>& m_layers;
    std::map<std::string, int> m_readers;
    std::map<std::string, Held> m_held;
    bool m_channelsLast = true;
    ModelPlan m_plan;
};

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
