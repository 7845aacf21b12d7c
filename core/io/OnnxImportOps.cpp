// The ONNX operators in Neurino's terms: each method maps one operator (or a pattern such as MatMul + Add
// or the standardisation in front of the input) onto Neurino nodes and their weights.

#include "core/graph/ConvGeometry.h"
#include "core/io/OnnxImporter.h"
#include "core/util/Error.h"

#include <algorithm>

namespace neurino::onnximport {

namespace {

// Neurino's windows follow Keras: per axis no padding ("valid") or "same"; other symmetric padding of an
// image becomes a ZeroPadding2D in front.
struct Padding {
    std::vector<std::string> modes;
    std::vector<std::int64_t> zeroPad; // per axis, when a ZeroPadding2D goes first
};

Padding paddingOf(const Shape& in, const std::vector<std::int64_t>& kernel,
    const std::vector<std::int64_t>& strides, std::vector<std::int64_t> pads, const std::string& autoPad,
    bool allowZeroPad, std::string& problem)
{
    const std::size_t axes = kernel.size();
    Padding p;
    if (pads.empty())
        pads.assign(2 * axes, 0);
    bool needZeroPad = false;
    for (std::size_t i = 0; i < axes; ++i) {
        const AxisGeometry same = windowAxis(in[1 + i], kernel[i], strides[i], true);
        const std::int64_t before = pads[i], after = pads[i + axes];
        if (autoPad == "SAME_UPPER"
            || (autoPad != "VALID" && before == same.padBefore && after == same.padAfter
                && (before || after)))
            p.modes.push_back("same");
        else if (autoPad == "VALID" || (before == 0 && after == 0))
            p.modes.push_back("valid");
        else {
            p.modes.push_back("valid");
            needZeroPad = true;
        }
    }
    if (autoPad == "SAME_LOWER")
        problem = "auto_pad SAME_LOWER has no Neurino form (Keras's 'same' pads the extra cell after)";
    if (!needZeroPad)
        return p;
    for (std::size_t i = 0; i < axes; ++i) {
        if (pads[i] != pads[i + axes] || !allowZeroPad)
            problem = "pads " + intsText(pads)
                + " are neither none, Keras's 'same' nor an image's symmetric zero " + "padding";
        p.modes[i] = "valid";
        p.zeroPad.push_back(pads[i]);
    }
    return p;
}

json windowParams(const std::vector<std::int64_t>& values)
{
    return values.size() == 1 ? json(values[0]) : json(values);
}

} // namespace

// The activation Neurino's export writes as "<layer>/<what>" goes back into the layer when it is the
// layer's only reader; any other stays a layer of its own.
void Importer::activationNode(
    const onnx::NodeProto& n, const std::string& kind, const std::string& inside, const json& params)
{
    const std::string from = nodeInput(n, 0);
    const Node& producer = m_graph.node(from);
    const std::string& pk = producer.layer.kind;
    const bool layer = pk == "Dense" || pk == "Conv1D" || pk == "Conv2D" || pk == "ConvTranspose2D";
    if (!inside.empty() && layer && n.name() == from + "/" + inside && m_uses[n.input(0)] == 1
        && producer.layer.params.value("activation", "") == "linear") {
        m_graph.setParam(from, "activation", inside);
        m_shapes[from] = m_graph.analyze().shapes.at(from);
        setOutput(n, from);
        return;
    }
    setOutput(n, add(n, kind, params, { from }));
}

void Importer::gemm(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    if (attrInt(n, "transA", 0) != 0)
        fail(n, "transA=1 is not imported (the input's rows are its samples)");
    torch::Tensor w = constantInput(n, 1);
    if (w.dim() != 2)
        fail(n, "its weight B has shape " + formatShape(w.sizes().vec()) + "; a Dense layer's has two axes");
    w = (attrInt(n, "transB", 0) ? w : w.t()).to(torch::kFloat32) * attrFloat(n, "alpha", 1.0);
    const std::int64_t units = w.size(0);
    const bool bias = hasInput(n, 2);
    const std::string id = add(n, "Dense", { { "units", units }, { "use_bias", bias } }, { from });
    m_weights[id]["weight"] = w.contiguous();
    if (bias) {
        const torch::Tensor c = constantInput(n, 2).to(torch::kFloat32) * attrFloat(n, "beta", 1.0);
        if (c.numel() != units && c.numel() != 1)
            fail(n,
                "its bias C has shape " + formatShape(c.sizes().vec()) + ", not (" + std::to_string(units)
                    + ")");
        m_weights[id]["bias"] = c.reshape(-1).expand({ units }).contiguous().clone();
    }
    setOutput(n, id);
}

void Importer::matMul(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    const torch::Tensor w = constantInput(n, 1);
    if (w.dim() != 2)
        fail(n, "its weight has shape " + formatShape(w.sizes().vec()) + "; a Dense layer's has two axes");
    const std::string id = add(n, "Dense", { { "units", w.size(1) }, { "use_bias", false } }, { from });
    m_weights[id]["weight"] = w.t().to(torch::kFloat32).contiguous();
    setOutput(n, id);
}

// Add of a constant after a layer without bias (MatMul, Conv without B) is that layer's bias.
bool Importer::foldBias(const onnx::NodeProto& n, int nodeIndex, const torch::Tensor& bias)
{
    const Value& v = value(n, nodeIndex);
    if (v.kind != Value::Kind::Node || m_uses[n.input(nodeIndex)] != 1)
        return false;
    const Node& producer = m_graph.node(v.node);
    const std::string& kind = producer.layer.kind;
    if ((kind != "Dense" && kind != "Conv1D" && kind != "Conv2D" && kind != "ConvTranspose2D")
        || producer.layer.params.value("use_bias", true)
        || producer.layer.params.value("activation", "") != "linear")
        return false;
    const std::int64_t units = kind == "Dense" ? producer.layer.params.at("units").get<std::int64_t>()
                                               : producer.layer.params.at("filters").get<std::int64_t>();
    const Shape out = m_shapes.at(v.node);
    torch::Tensor b = bias.to(torch::kFloat32);
    // (units), (1, units), or (C, 1, 1) and (1, C, 1, 1) for a convolution: one value per unit or filter.
    if (b.numel() != units)
        return false;
    if (kind != "Dense" && b.dim() > 1 && b.size(-1) == units && units != 1 && out.size() > 1)
        return false; // a bias along the last axis of an image is no per-filter bias
    m_graph.setParam(v.node, "use_bias", true);
    m_weights[v.node]["bias"] = b.reshape(-1).contiguous();
    setOutput(n, v.node);
    return true;
}

void Importer::conv(const onnx::NodeProto& n)
{
    std::string from = nodeInput(n, 0);
    const torch::Tensor w = constantInput(n, 1).to(torch::kFloat32);
    const Shape in = shapeOf(from);
    if (w.dim() != 3 && w.dim() != 4)
        fail(n,
            "its weight has shape " + formatShape(w.sizes().vec()) + "; Neurino's Conv1D and Conv2D take "
                + "(filters, channels, length) and (filters, channels, height, width)");
    const std::size_t axes = static_cast<std::size_t>(w.dim() - 2);
    if (in.size() != axes + 1)
        fail(n,
            "its input has shape " + formatShape(in) + " but its weight " + formatShape(w.sizes().vec())
                + " is for inputs of " + std::to_string(axes + 1) + " axes per sample");
    if (attrInt(n, "group", 1) != 1)
        fail(n,
            "group=" + std::to_string(attrInt(n, "group", 1)) + " (grouped convolution) has no Neurino form");
    for (std::int64_t d : attrInts(n, "dilations")) {
        if (d != 1)
            fail(n, "dilations " + intsText(attrInts(n, "dilations")) + " have no Neurino form");
    }
    std::vector<std::int64_t> kernel(w.sizes().begin() + 2, w.sizes().end());
    std::vector<std::int64_t> strides = attrInts(n, "strides");
    if (strides.empty())
        strides.assign(axes, 1);
    std::string problem;
    const Padding p = paddingOf(
        in, kernel, strides, attrInts(n, "pads"), attrString(n, "auto_pad", "NOTSET"), axes == 2, problem);
    if (!problem.empty())
        fail(n, problem);
    if (!p.zeroPad.empty()) {
        from = add(n, "ZeroPadding2D", { { "padding", p.zeroPad } }, { from }, "/pad");
    }
    const bool bias = hasInput(n, 2);
    json params = { { "filters", w.size(0) }, { "kernel_size", windowParams(kernel) },
        { "strides", windowParams(strides) }, { "use_bias", bias } };
    params["padding"] = axes == 1 ? json(p.modes[0]) : json(p.modes);
    const std::string id = add(n, axes == 1 ? "Conv1D" : "Conv2D", params, { from });
    m_weights[id]["weight"] = w.contiguous();
    if (bias)
        m_weights[id]["bias"] = constantInput(n, 2).to(torch::kFloat32).reshape(-1).contiguous();
    setOutput(n, id);
}

void Importer::convTranspose(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    const torch::Tensor w = constantInput(n, 1).to(torch::kFloat32);
    const Shape in = shapeOf(from);
    if (w.dim() != 4 || in.size() != 3)
        fail(n,
            "Neurino's ConvTranspose2D takes images (channels, height, width) and a weight of four axes; "
            "here the input is "
                + formatShape(in) + " and the weight " + formatShape(w.sizes().vec()));
    if (attrInt(n, "group", 1) != 1)
        fail(n, "group=" + std::to_string(attrInt(n, "group", 1)) + " has no Neurino form");
    for (std::int64_t d : attrInts(n, "dilations")) {
        if (d != 1)
            fail(n, "dilations " + intsText(attrInts(n, "dilations")) + " have no Neurino form");
    }
    if (findAttr(n, "output_shape"))
        fail(n, "output_shape is not imported; give pads and output_padding");
    std::vector<std::int64_t> strides = attrInts(n, "strides");
    if (strides.empty())
        strides = { 1, 1 };
    std::vector<std::int64_t> pads = attrInts(n, "pads");
    if (pads.empty())
        pads.assign(4, 0);
    std::vector<std::int64_t> extra = attrInts(n, "output_padding");
    if (extra.empty())
        extra = { 0, 0 };
    const std::int64_t kh = w.size(2), kw = w.size(3);
    std::string mode;
    for (const char* m : { "valid", "same" }) {
        const bool same = std::string(m) == "same";
        const TransposedAxisGeometry gh = transposedAxis(in[1], kh, strides[0], same);
        const TransposedAxisGeometry gw = transposedAxis(in[2], kw, strides[1], same);
        if (pads == std::vector<std::int64_t> { gh.cropBefore, gw.cropBefore, gh.cropAfter, gw.cropAfter }
            && extra == std::vector<std::int64_t> { gh.extraAfter, gw.extraAfter })
            mode = m;
    }
    if (mode.empty())
        fail(n,
            "pads " + intsText(pads) + " and output_padding " + intsText(extra)
                + " give neither Keras's 'valid' nor 'same' output");
    const bool bias = hasInput(n, 2);
    const std::string id = add(n, "ConvTranspose2D",
        { { "filters", w.size(1) }, { "kernel_size", { kh, kw } }, { "strides", strides },
            { "padding", mode }, { "use_bias", bias } },
        { from });
    m_weights[id]["weight"] = w.contiguous();
    if (bias)
        m_weights[id]["bias"] = constantInput(n, 2).to(torch::kFloat32).reshape(-1).contiguous();
    setOutput(n, id);
}

void Importer::pool(const onnx::NodeProto& n, bool max)
{
    const std::string from = nodeInput(n, 0);
    const Shape in = shapeOf(from);
    const std::vector<std::int64_t> kernel = attrInts(n, "kernel_shape");
    if (kernel.empty() || kernel.size() > 2 || in.size() != kernel.size() + 1)
        fail(n,
            "kernel_shape " + intsText(kernel) + " on an input of shape " + formatShape(in)
                + "; Neurino pools sequences (channels, length) and images (channels, height, width)");
    if (attrInt(n, "ceil_mode", 0) != 0)
        fail(n, "ceil_mode=1 has no Neurino form");
    for (std::int64_t d : attrInts(n, "dilations")) {
        if (d != 1)
            fail(n, "dilations " + intsText(attrInts(n, "dilations")) + " have no Neurino form");
    }
    std::vector<std::int64_t> strides = attrInts(n, "strides");
    if (strides.empty())
        strides.assign(kernel.size(), 1);
    std::string problem;
    const Padding p = paddingOf(in, kernel, strides, attrInts(n, "pads"), attrString(n, "auto_pad", "NOTSET"),
        /*allowZeroPad=*/false, problem);
    if (!problem.empty())
        fail(n, problem);
    const bool padded = std::find(p.modes.begin(), p.modes.end(), "same") != p.modes.end();
    if (!max && padded && attrInt(n, "count_include_pad", 0) != 0)
        fail(
            n, "count_include_pad=1 with padding has no Neurino form (Keras's pools leave padded cells out)");
    json params = { { "pool_size", windowParams(kernel) }, { "strides", windowParams(strides) } };
    params["padding"] = kernel.size() == 1 ? json(p.modes[0]) : json(p.modes);
    const std::string kind = std::string(max ? "MaxPool" : "AvgPool") + (kernel.size() == 1 ? "1D" : "2D");
    setOutput(n, add(n, kind, params, { from }));
}

void Importer::globalPool(const onnx::NodeProto& n, bool max)
{
    const std::string from = nodeInput(n, 0);
    const Shape in = shapeOf(from);
    if (in.size() != 2 && in.size() != 3)
        fail(n,
            "its input has shape " + formatShape(in) + "; Neurino pools (channels, length) and (channels, "
                + "height, width)");
    const std::vector<std::int64_t> window(in.begin() + 1, in.end());
    const std::string kind = std::string(max ? "MaxPool" : "AvgPool") + (in.size() == 2 ? "1D" : "2D");
    setOutput(n,
        add(n, kind, { { "pool_size", windowParams(window) }, { "strides", windowParams(window) } },
            { from }));
}

void Importer::batchNorm(const onnx::NodeProto& n)
{
    if (attrInt(n, "training_mode", 0) != 0)
        fail(n, "training_mode=1 is not imported; export the model in inference mode");
    const Value& v = value(n, 0);
    const bool transposed = v.kind == Value::Kind::Transposed;
    const std::string from = transposed ? v.node : nodeInput(n, 0);
    const Shape in = shapeOf(from);
    // Tensor axis 1, or the axis a Transpose moved there, as a sample axis.
    const std::int64_t axis = transposed ? v.axis - 1 : 0;
    const std::int64_t features = in.at(static_cast<std::size_t>(axis));
    std::map<std::string, torch::Tensor> t;
    const char* names[] = { "weight", "bias", "running_mean", "running_var" };
    for (int i = 0; i < 4; ++i) {
        t[names[i]] = constantInput(n, i + 1).to(torch::kFloat32).reshape(-1).contiguous();
        if (t[names[i]].numel() != features)
            fail(n,
                "input " + std::to_string(i + 2) + " ('" + n.input(i + 1) + "') has "
                    + std::to_string(t[names[i]].numel()) + " values for " + std::to_string(features)
                    + " features");
    }
    const std::string id = add(n, "BatchNorm",
        { { "axis", axis }, { "epsilon", attrFloat(n, "epsilon", 1e-5) },
            { "momentum", attrFloat(n, "momentum", 0.9) } },
        { from });
    m_weights[id] = t;
    Value out;
    out.kind = transposed ? Value::Kind::NormalizedTransposed : Value::Kind::Node;
    out.node = id;
    out.axis = v.axis;
    setOutputValue(n, out);
}

// A swap of tensor axes 1 and k, as Neurino's export writes around a BatchNorm of another axis.
void Importer::transpose(const onnx::NodeProto& n)
{
    const Value& v = value(n, 0);
    const std::vector<std::int64_t> perm = attrInts(n, "perm");
    std::int64_t swapped = 0;
    for (std::size_t i = 0; i < perm.size(); ++i) {
        if (perm[i] != static_cast<std::int64_t>(i) && i != 1 && perm[i] == 1
            && perm[1] == static_cast<std::int64_t>(i))
            swapped = static_cast<std::int64_t>(i);
    }
    std::size_t moved = 0;
    for (std::size_t i = 0; i < perm.size(); ++i)
        moved += perm[i] != static_cast<std::int64_t>(i);
    if (swapped == 0 || moved != 2)
        fail(n,
            "perm " + intsText(perm) + " is not imported: Neurino takes a Transpose only as a swap of axis 1 "
                + "with another around a BatchNormalization");
    Value out;
    if (v.kind == Value::Kind::NormalizedTransposed && v.axis == swapped) {
        out.node = v.node;
    } else if (v.kind == Value::Kind::Node || v.kind == Value::Kind::Centered
        || v.kind == Value::Kind::Standardized) {
        if (perm.size() != shapeOf(v.node).size() + 1)
            fail(n,
                "perm " + intsText(perm) + " does not fit its input of shape "
                    + formatShape(shapeOf(v.node)));
        out.kind = Value::Kind::Transposed;
        out.node = nodeInput(n, 0);
        out.axis = swapped;
    } else {
        fail(n, "Neurino takes a Transpose only around a BatchNormalization");
    }
    setOutputValue(n, out);
}

void Importer::softmax(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    const auto rank = static_cast<std::int64_t>(shapeOf(from).size()) + 1;
    std::int64_t axis = attrInt(n, "axis", m_opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += rank;
    if (axis <= 0 || axis >= rank)
        fail(n, "axis " + std::to_string(attrInt(n, "axis", 0)) + " is not a sample axis of its input");
    if (m_opset < 13 && axis != rank - 1)
        fail(n,
            "before opset 13 Softmax flattens the axes from " + std::to_string(axis)
                + " on, which Neurino's Softmax does not");
    const std::int64_t sampleAxis = axis == rank - 1 ? -1 : axis - 1;
    activationNode(n, "Softmax", rank == 2 ? "softmax" : "", { { "axis", sampleAxis } });
}

void Importer::reshape(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    const Shape in = shapeOf(from);
    const torch::Tensor shapeTensor = constantInput(n, 1).to(torch::kInt64).reshape(-1);
    const std::vector<std::int64_t> shape(
        shapeTensor.data_ptr<std::int64_t>(), shapeTensor.data_ptr<std::int64_t>() + shapeTensor.numel());
    if (shape.size() < 2)
        fail(n, "shape " + intsText(shape) + " leaves no batch axis");
    if (attrInt(n, "allowzero", 0) != 0)
        fail(n, "allowzero=1 is not imported");
    std::vector<std::int64_t> target;
    for (std::size_t i = 1; i < shape.size(); ++i) {
        if (shape[i] == 0 && i - 1 >= in.size())
            fail(n, "shape " + intsText(shape) + " copies an axis its input does not have");
        target.push_back(shape[i] == 0 ? in[i - 1] : shape[i]);
    }
    // The first entry is the batch, whatever it says ([1, -1] of a file exported for one row included).
    setOutput(n, add(n, "Reshape", { { "target_shape", target } }, { from }));
}

void Importer::pad(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    if (attrString(n, "mode", "constant") != "constant")
        fail(n, "mode '" + attrString(n, "mode", "constant") + "' is not imported; Neurino pads with zeros");
    std::vector<std::int64_t> pads;
    double fill = attrFloat(n, "value", 0.0);
    if (m_opset >= 11) {
        const torch::Tensor p = constantInput(n, 1).to(torch::kInt64).reshape(-1);
        pads.assign(p.data_ptr<std::int64_t>(), p.data_ptr<std::int64_t>() + p.numel());
        if (hasInput(n, 2))
            fill = constantInput(n, 2).to(torch::kFloat64).item<double>();
        if (hasInput(n, 3))
            fail(n, "its axes input is not imported");
    } else {
        pads = attrInts(n, "pads");
    }
    if (fill != 0.0)
        fail(n, "it pads with " + std::to_string(fill) + "; Neurino's ZeroPadding2D pads with zeros");
    const Shape in = shapeOf(from);
    if (in.size() != 3 || pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads[2] != pads[6]
        || pads[3] != pads[7] || pads[2] < 0 || pads[3] < 0)
        fail(n,
            "pads " + intsText(pads) + " on an input of shape " + formatShape(in)
                + " are not imported: Neurino's ZeroPadding2D pads an image's height and width equally on "
                  "both sides");
    setOutput(n, add(n, "ZeroPadding2D", { { "padding", { pads[2], pads[3] } } }, { from }));
}

// Nearest neighbours with integer scales repeat each cell, which is Neurino's UpSampling2D, unless the
// coordinate mode and rounding pick other cells.
void Importer::resize(const onnx::NodeProto& n)
{
    const std::string from = nodeInput(n, 0);
    const Shape in = shapeOf(from);
    if (attrString(n, "mode", "nearest") != "nearest")
        fail(n,
            "mode '" + attrString(n, "mode", "nearest")
                + "' is not imported; Neurino upsamples by repetition " + "(nearest)");
    torch::Tensor scales;
    if (n.op_type() == "Upsample") {
        scales = findAttr(n, "scales") ? torch::tensor(std::vector<float>(
                     findAttr(n, "scales")->floats().begin(), findAttr(n, "scales")->floats().end()))
                                       : constantInput(n, 1);
    } else {
        const std::string coordinates = attrString(n, "coordinate_transformation_mode", "half_pixel");
        const std::string rounding = attrString(n, "nearest_mode", "round_prefer_floor");
        const bool exact = (coordinates == "asymmetric" && rounding == "floor")
            || ((coordinates == "half_pixel" || coordinates == "pytorch_half_pixel")
                && (rounding == "round_prefer_floor" || rounding == "round_prefer_ceil"));
        if (!exact)
            fail(n,
                "coordinate_transformation_mode '" + coordinates + "' with nearest_mode '" + rounding
                    + "' does not repeat cells as Neurino's UpSampling2D does");
        const int scalesIndex = m_opset >= 11 ? 2 : 1;
        if (hasInput(n, scalesIndex) && constantInput(n, scalesIndex).numel() > 0) {
            scales = constantInput(n, scalesIndex);
        } else if (hasInput(n, 3)) {
            const torch::Tensor sizes = constantInput(n, 3).to(torch::kFloat32);
            if (sizes.numel() != 4 || in.size() != 3)
                fail(n, "sizes do not fit an image");
            scales = sizes
                / torch::tensor({ 1.0F, static_cast<float>(in[0]), static_cast<float>(in[1]),
                    static_cast<float>(in[2]) });
        } else {
            fail(n, "it has neither scales nor sizes");
        }
    }
    scales = scales.to(torch::kFloat64).reshape(-1);
    const std::vector<double> s(scales.data_ptr<double>(), scales.data_ptr<double>() + scales.numel());
    if (in.size() != 3 || s.size() != 4 || s[0] != 1 || s[1] != 1 || s[2] < 1 || s[3] < 1
        || s[2] != std::floor(s[2]) || s[3] != std::floor(s[3]))
        fail(n,
            "scales of " + std::to_string(s.size()) + " values on an input of shape " + formatShape(in)
                + " are not imported: Neurino's UpSampling2D repeats an image's rows and columns a whole "
                  "number of times");
    setOutput(n,
        add(n, "UpSampling2D",
            { { "size", { static_cast<std::int64_t>(s[2]), static_cast<std::int64_t>(s[3]) } } }, { from }));
}

void Importer::sum(const onnx::NodeProto& n)
{
    for (int i = 0; i < n.input_size(); ++i) {
        if (value(n, i).kind == Value::Kind::Constant) {
            if (n.input_size() == 2 && foldBias(n, 1 - i, value(n, i).constant))
                return;
            fail(n,
                "input '" + n.input(i) + "' is a constant; Neurino adds a constant only as the bias of the "
                    + "MatMul, Conv or ConvTranspose right before (with no bias of its own)");
        }
    }
    std::vector<std::string> inputs;
    for (int i = 0; i < n.input_size(); ++i)
        inputs.push_back(nodeInput(n, i));
    if (inputs.size() == 1) {
        setOutput(n, inputs[0]);
        return;
    }
    setOutput(n, add(n, "Add", json::object(), inputs));
}

void Importer::concat(const onnx::NodeProto& n)
{
    std::vector<std::string> inputs;
    for (int i = 0; i < n.input_size(); ++i)
        inputs.push_back(nodeInput(n, i));
    const auto rank = static_cast<std::int64_t>(shapeOf(inputs.at(0)).size()) + 1;
    std::int64_t axis = attrInt(n, "axis", 1);
    if (axis < 0)
        axis += rank;
    if (axis <= 0 || axis >= rank)
        fail(n,
            "axis " + std::to_string(attrInt(n, "axis", 1)) + " is not a sample axis; Neurino concatenates "
                + "samples' features, not batches");
    setOutput(n, add(n, "Concat", { { "axis", axis == rank - 1 ? -1 : axis - 1 } }, inputs));
}

// x - mean and (x - mean) / scale right after the input: the checkpoint's standardisation.
void Importer::standardize(const onnx::NodeProto& n, bool divide)
{
    const Value& x = value(n, 0);
    const bool front = x.kind == Value::Kind::Node && m_graph.node(x.node).layer.kind == "Input";
    if (!(front || (divide && x.kind == Value::Kind::Centered)) || value(n, 1).kind != Value::Kind::Constant)
        fail(n,
            std::string("Neurino imports ") + n.op_type() + " only of a constant, right after the model's "
                + "input (its standardisation)");
    if (m_graph.inputNodes().size() != 1)
        fail(n, "a model of several inputs has no single input standardisation");
    Value out;
    out.node = x.node;
    const torch::Tensor c = constantInput(n, 1).to(torch::kFloat32);
    if (!divide) {
        out.kind = Value::Kind::Centered;
        out.mean = c;
    } else {
        out.kind = Value::Kind::Standardized;
        out.mean = x.kind == Value::Kind::Centered ? x.mean : torch::zeros({ 1 });
        out.scale = c;
    }
    setOutputValue(n, out);
}

} // namespace neurino::onnximport
