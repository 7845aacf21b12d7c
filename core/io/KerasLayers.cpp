// Each Keras layer class as Neurino nodes. A channels_last image is held channels first (`Held::moved`),
// and a vector keeps the order its Keras elements have in Neurino (`Held::order`), so a Dense after a
// Flatten of an image takes its rows in the order Keras computed them.

#include "core/io/KerasPlanner.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

namespace neurino::keras {

namespace {

const char* const kSupported
    = "Neurino imports InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Conv1D, Conv2D, "
      "Conv2DTranspose, MaxPooling1D/2D, AveragePooling1D/2D, UpSampling2D, ZeroPadding2D, "
      "BatchNormalization, LeakyReLU, ELU, ReLU, Softmax, Add and Concatenate";

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

} // namespace

// An activation given by name, inside a layer (`id` then names it after the layer) or as one.
Held Planner::activation(
    const KerasLayer& l, const std::string& name, const Held& in, const std::string& id, bool inner)
{
    static const std::map<std::string, std::string> kinds = { { "relu", "ReLU" }, { "sigmoid", "Sigmoid" },
        { "tanh", "Tanh" }, { "elu", "ELU" }, { "softmax", "Softmax" } };
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

Held Planner::placeChecked(const KerasLayer& l)
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

Held Planner::inputLayer(const KerasLayer& l)
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

Held Planner::dense(const KerasLayer& l, const Held& x)
{
    if (x.keras.size() != 1)
        fail(l,
            "its input " + formatShape(x.keras)
                + " has several axes (Keras then applies it to the last one); Neurino's Dense takes "
                  "vectors: put a Flatten before it");
    const bool bias = l.config.value("use_bias", true);
    Held out
        = add(l, "Dense", { { "units", l.config.at("units") }, { "use_bias", bias } }, { x }, l.name, false);
    const std::size_t plan = addWeightPlan(l, out.node, bias);
    m_plan.weights[plan].inOrder = x.order;
    out.chain = { plan };
    out.chainOpen = true;
    const std::string act = l.config.value("activation", "linear");
    return activation(l, act, out, out.node + "_" + act, /*inner=*/true);
}

Held Planner::conv(const KerasLayer& l, const Held& x)
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

Held Planner::pool(const KerasLayer& l, const Held& x)
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

Held Planner::zeroPadding(const KerasLayer& l, const Held& x)
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

Held Planner::batchNorm(const KerasLayer& l, const Held& x)
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

Held Planner::relu(const KerasLayer& l, const Held& x)
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

Held Planner::flatten(const KerasLayer& l, const Held& x)
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

Held Planner::reshape(const KerasLayer& l, const Held& x)
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
    Held out = add(l, "Reshape", { { "target_shape", neurinoShape(target) } }, { x }, l.name, target.moved);
    out.order = out.keras.size() == 1 ? normalOrder(held) : std::vector<std::int64_t> {};
    return out;
}

Held Planner::addLayer(const KerasLayer& l, const std::vector<Held>& in)
{
    for (const auto& t : in)
        if (t.moved != in[0].moved || flatOrder(t) != flatOrder(in[0]))
            fail(l, "its inputs hold their values in different orders in Neurino's channels-first layout");
    Held out = add(l, "Add", json::object(), in, l.name, in[0].moved);
    out.order = in[0].order;
    return out;
}

Held Planner::concatenate(const KerasLayer& l, const std::vector<Held>& in)
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

} // namespace neurino::keras
