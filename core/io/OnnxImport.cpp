#include "core/io/OnnxImport.h"

#include "core/graph/ConvGeometry.h"
#include "core/io/OnnxProto.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace neurino {

namespace {

namespace onnximport {

using nlohmann::json;

// What an ONNX value is to the importer.
struct Value {
    enum class Kind {
        Node, // the output of the Neurino node `node`
        Constant, // an initializer or a Constant node's tensor
        Centered, // the input node `node` minus the constant `mean`
        Standardized, // (the input node `node` - `mean`) / `scale`
        Transposed, // `node` with tensor axes 1 and `axis` swapped (before a BatchNormalization)
        NormalizedTransposed, // the BatchNorm `node` on a swapped tensor, to be swapped back
    };
    Kind kind = Kind::Node;
    std::string node;
    torch::Tensor constant, mean, scale;
    std::int64_t axis = 0;
};

class Importer {
public:
    Importer(const onnx::ModelProto& model, std::string source)
        : m_model(model)
        , m_source(std::move(source))
    {
    }

    Checkpoint run();

private:
    [[noreturn]] void fail(const onnx::NodeProto& n, const std::string& message) const
    {
        throw ModelError(
            "ONNX node '" + n.name() + "' (" + n.op_type() + ") of '" + m_source + "': " + message);
    }

    torch::Tensor tensorOf(const onnx::TensorProto& t, const std::string& what) const;
    const Value& value(const onnx::NodeProto& n, int index) const;
    // The Neurino node an input comes from; the standardisation in front of the input is taken here.
    std::string nodeInput(const onnx::NodeProto& n, int index);
    torch::Tensor constantInput(const onnx::NodeProto& n, int index) const;
    bool hasInput(const onnx::NodeProto& n, int index) const
    {
        return n.input_size() > index && !n.input(index).empty();
    }
    Shape shapeOf(const std::string& node) const { return m_shapes.at(node); }

    // Adds a node of `kind` reading `inputs`, named after the ONNX node, and checks its shape.
    std::string add(const onnx::NodeProto& n, const std::string& kind, const json& params,
        const std::vector<std::string>& inputs, const std::string& suffix = {});
    void setOutput(const onnx::NodeProto& n, const std::string& node);
    void setOutputValue(const onnx::NodeProto& n, Value v);
    std::string idFor(const std::string& onnxName, const std::string& kind) const;

    void importNode(const onnx::NodeProto& n);
    void gemm(const onnx::NodeProto& n);
    void matMul(const onnx::NodeProto& n);
    void conv(const onnx::NodeProto& n);
    void convTranspose(const onnx::NodeProto& n);
    void pool(const onnx::NodeProto& n, bool max);
    void globalPool(const onnx::NodeProto& n, bool max);
    void batchNorm(const onnx::NodeProto& n);
    void transpose(const onnx::NodeProto& n);
    void activationNode(
        const onnx::NodeProto& n, const std::string& kind, const std::string& inside, const json& params);
    void softmax(const onnx::NodeProto& n);
    void reshape(const onnx::NodeProto& n);
    void pad(const onnx::NodeProto& n);
    void resize(const onnx::NodeProto& n);
    void sum(const onnx::NodeProto& n);
    void concat(const onnx::NodeProto& n);
    void standardize(const onnx::NodeProto& n, bool divide);
    bool foldBias(const onnx::NodeProto& n, int nodeIndex, const torch::Tensor& bias);

    const onnx::ModelProto& m_model;
    std::string m_source;
    std::int64_t m_opset = 0;
    ModelGraph m_graph;
    NodeTensors m_weights;
    std::map<std::string, Shape> m_shapes;
    std::map<std::string, Value> m_values;
    std::map<std::string, int> m_uses; // how many node inputs and graph outputs read each value
    std::string m_input; // the Input node the standardisation is of
    Standardizer m_standardizer;
};

const onnx::AttributeProto* findAttr(const onnx::NodeProto& n, const std::string& name)
{
    for (const auto& a : n.attribute()) {
        if (a.name() == name)
            return &a;
    }
    return nullptr;
}

std::int64_t attrInt(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback)
{
    const auto* a = findAttr(n, name);
    return a ? a->i() : fallback;
}

double attrFloat(const onnx::NodeProto& n, const std::string& name, double fallback)
{
    const auto* a = findAttr(n, name);
    return a ? a->f() : fallback;
}

std::string attrString(const onnx::NodeProto& n, const std::string& name, const std::string& fallback)
{
    const auto* a = findAttr(n, name);
    return a ? a->s() : fallback;
}

std::vector<std::int64_t> attrInts(const onnx::NodeProto& n, const std::string& name)
{
    const auto* a = findAttr(n, name);
    if (!a)
        return {};
    return { a->ints().begin(), a->ints().end() };
}

std::string intsText(const std::vector<std::int64_t>& values)
{
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + std::to_string(values[i]);
    return text + "]";
}

torch::Tensor Importer::tensorOf(const onnx::TensorProto& t, const std::string& what) const
{
    std::vector<std::int64_t> dims(t.dims().begin(), t.dims().end());
    std::int64_t count = 1;
    for (std::int64_t d : dims)
        count *= d;
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        throw IoError(
            what + " of '" + m_source + "' is stored in an external file, which Neurino does not read");
    const auto fromRaw = [&](torch::ScalarType type, std::size_t size) {
        if (t.raw_data().size() != static_cast<std::size_t>(count) * size)
            throw IoError(what + " of '" + m_source + "' holds " + std::to_string(t.raw_data().size())
                + " bytes, not the " + std::to_string(count * static_cast<std::int64_t>(size))
                + " of its shape " + intsText(dims));
        return torch::from_blob(const_cast<char*>(t.raw_data().data()), dims, type).clone();
    };
    const auto check = [&](int n) {
        if (n != count)
            throw IoError(what + " of '" + m_source + "' holds " + std::to_string(n) + " values, not the "
                + std::to_string(count) + " of its shape " + intsText(dims));
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
        if (t.has_raw_data())
            return fromRaw(torch::kFloat32, sizeof(float));
        check(t.float_data_size());
        return torch::tensor(std::vector<float>(t.float_data().begin(), t.float_data().end())).reshape(dims);
    case onnx::TensorProto::DOUBLE:
        if (t.has_raw_data())
            return fromRaw(torch::kFloat64, sizeof(double)).to(torch::kFloat32);
        check(t.double_data_size());
        return torch::tensor(std::vector<double>(t.double_data().begin(), t.double_data().end()))
            .reshape(dims)
            .to(torch::kFloat32);
    case onnx::TensorProto::INT64:
        if (t.has_raw_data())
            return fromRaw(torch::kInt64, sizeof(std::int64_t));
        check(t.int64_data_size());
        return torch::tensor(std::vector<std::int64_t>(t.int64_data().begin(), t.int64_data().end()))
            .reshape(dims);
    default:
        throw IoError(what + " of '" + m_source + "' is of ONNX element type " + std::to_string(t.data_type())
            + "; Neurino reads float, double and int64 tensors");
    }
}

const Value& Importer::value(const onnx::NodeProto& n, int index) const
{
    if (!hasInput(n, index))
        fail(n, "input " + std::to_string(index + 1) + " is missing");
    const auto v = m_values.find(n.input(index));
    if (v == m_values.end())
        fail(n,
            "its input '" + n.input(index)
                + "' is neither a graph input, an initializer nor the output of an earlier node (a missing "
                  "initializer?)");
    return v->second;
}

// A constant of the input's shape or one that broadcasts to it ((1, F), (F), (1, C, 1, 1), a scalar).
torch::Tensor sampleShaped(const torch::Tensor& t, const Shape& sample)
{
    torch::Tensor c = t.to(torch::kFloat32);
    while (c.dim() > static_cast<std::int64_t>(sample.size()) && c.size(0) == 1)
        c = c.squeeze(0);
    return c.expand(sample).contiguous().clone();
}

std::string Importer::nodeInput(const onnx::NodeProto& n, int index)
{
    const Value& v = value(n, index);
    switch (v.kind) {
    case Value::Kind::Node:
        return v.node;
    case Value::Kind::Constant:
        fail(n,
            "input '" + n.input(index) + "' is a constant; Neurino's layers take constants only as weights");
    case Value::Kind::Centered:
    case Value::Kind::Standardized: {
        const Shape sample = shapeOf(v.node);
        try {
            const torch::Tensor mean = sampleShaped(v.mean, sample);
            const torch::Tensor scale
                = v.kind == Value::Kind::Standardized ? sampleShaped(v.scale, sample) : torch::ones(sample);
            if (m_standardizer.fitted()
                && (!m_standardizer.mean().equal(mean) || !m_standardizer.scale().equal(scale)))
                fail(n, "the input is standardised twice, in two different ways");
            m_standardizer = Standardizer(mean, scale);
        } catch (const c10::Error&) {
            fail(n,
                "the standardisation's constants do not broadcast to the input's shape "
                    + formatShape(sample));
        }
        return v.node;
    }
    case Value::Kind::Transposed:
    case Value::Kind::NormalizedTransposed:
        fail(n,
            "its input '" + n.input(index)
                + "' comes from a Transpose, which Neurino imports only around a BatchNormalization");
    }
    return {};
}

torch::Tensor Importer::constantInput(const onnx::NodeProto& n, int index) const
{
    const Value& v = value(n, index);
    if (v.kind != Value::Kind::Constant)
        fail(n,
            "input " + std::to_string(index + 1) + " ('" + n.input(index)
                + "') must be an initializer or a Constant: Neurino imports only fixed weights and sizes");
    return v.constant;
}

std::string sanitizedId(const std::string& onnxName)
{
    std::string id;
    for (char c : onnxName)
        id += c == '/' || std::iscntrl(static_cast<unsigned char>(c)) ? '_' : c;
    const auto first = id.find_first_not_of("_ ");
    return first == std::string::npos || id == "." || id == ".." ? std::string() : id.substr(first);
}

// Ids become HDF5 group names (/weights/<node>): '/' and control characters are replaced.
std::string Importer::idFor(const std::string& onnxName, const std::string& kind) const
{
    const std::string id = sanitizedId(onnxName);
    if (id.empty() || m_graph.hasNode(id))
        return m_graph.uniqueId(kind);
    return id;
}

std::string Importer::add(const onnx::NodeProto& n, const std::string& kind, const json& params,
    const std::vector<std::string>& inputs, const std::string& suffix)
{
    std::string id;
    try {
        id = m_graph.addNode(kind, params, idFor(n.name().empty() ? n.output(0) : n.name() + suffix, kind));
        m_graph.setNodeName(id, n.name().empty() ? id : n.name() + suffix);
        for (const auto& from : inputs)
            m_graph.connect(from, id);
    } catch (const ModelError& e) {
        fail(n, std::string("as a Neurino ") + kind + ": " + e.what());
    }
    const GraphAnalysis analysis = m_graph.analyze();
    const auto shape = analysis.shapes.find(id);
    if (shape == analysis.shapes.end()) {
        std::string problems;
        for (const GraphIssue& issue : analysis.issues) {
            if (issue.nodeId == id)
                problems += (problems.empty() ? "" : "; ") + issue.message;
        }
        fail(
            n, "as a Neurino " + kind + ": " + (problems.empty() ? "its output shape is unknown" : problems));
    }
    m_shapes[id] = shape->second;
    return id;
}

void Importer::setOutputValue(const onnx::NodeProto& n, Value v)
{
    if (n.output_size() < 1 || n.output(0).empty())
        fail(n, "it has no output");
    for (int i = 1; i < n.output_size(); ++i) {
        if (!n.output(i).empty() && m_uses.count(n.output(i)))
            fail(n,
                "its output " + std::to_string(i + 1) + " ('" + n.output(i)
                    + "') is used; Neurino imports only an operator's first output");
    }
    m_values[n.output(0)] = std::move(v);
}

void Importer::setOutput(const onnx::NodeProto& n, const std::string& node)
{
    Value v;
    v.node = node;
    setOutputValue(n, v);
}

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

void Importer::importNode(const onnx::NodeProto& n)
{
    if (!n.domain().empty() && n.domain() != "ai.onnx")
        fail(n, "operators of the domain '" + n.domain() + "' are not imported (only the standard ai.onnx)");
    const std::string& op = n.op_type();
    if (op == "Constant") {
        const auto* a = findAttr(n, "value");
        if (!a || !a->has_t())
            fail(n, "only a Constant with a tensor 'value' is imported");
        Value v;
        v.kind = Value::Kind::Constant;
        v.constant = tensorOf(a->t(), "Constant '" + n.name() + "'");
        setOutputValue(n, v);
    } else if (op == "Identity" || op == "Dropout") {
        const Value v = value(n, 0);
        setOutputValue(n, v);
    } else if (op == "Gemm") {
        gemm(n);
    } else if (op == "MatMul") {
        matMul(n);
    } else if (op == "Conv") {
        conv(n);
    } else if (op == "ConvTranspose") {
        convTranspose(n);
    } else if (op == "MaxPool" || op == "AveragePool") {
        pool(n, op == "MaxPool");
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
        globalPool(n, op == "GlobalMaxPool");
    } else if (op == "BatchNormalization") {
        batchNorm(n);
    } else if (op == "Transpose") {
        transpose(n);
    } else if (op == "Relu") {
        activationNode(n, "ReLU", "relu", json::object());
    } else if (op == "Tanh") {
        activationNode(n, "Tanh", "tanh", json::object());
    } else if (op == "Sigmoid") {
        activationNode(n, "Sigmoid", "sigmoid", json::object());
    } else if (op == "LeakyRelu") {
        const double alpha = attrFloat(n, "alpha", 0.01);
        activationNode(
            n, "LeakyReLU", static_cast<float>(alpha) == 0.3F ? "leaky_relu" : "", { { "alpha", alpha } });
    } else if (op == "Elu") {
        const double alpha = attrFloat(n, "alpha", 1.0);
        activationNode(n, "ELU", alpha == 1.0 ? "elu" : "", { { "alpha", alpha } });
    } else if (op == "Softmax") {
        softmax(n);
    } else if (op == "Flatten") {
        const std::string from = nodeInput(n, 0);
        if (attrInt(n, "axis", 1) != 1)
            fail(n,
                "axis " + std::to_string(attrInt(n, "axis", 1)) + " is not imported; Neurino's Flatten keeps "
                    + "the batch axis alone (axis 1)");
        setOutput(n, add(n, "Flatten", json::object(), { from }));
    } else if (op == "Reshape") {
        reshape(n);
    } else if (op == "Pad") {
        pad(n);
    } else if (op == "Resize" || op == "Upsample") {
        resize(n);
    } else if (op == "Add" || op == "Sum") {
        sum(n);
    } else if (op == "Concat") {
        concat(n);
    } else if (op == "Sub" || op == "Div") {
        standardize(n, op == "Div");
    } else {
        std::string known;
        for (const auto& o : onnxImportOperators())
            known += (known.empty() ? "" : ", ") + o;
        fail(n, "the operator '" + op + "' is not imported; Neurino imports " + known);
    }
}

Checkpoint Importer::run()
{
    for (const auto& o : m_model.opset_import()) {
        if (o.domain().empty() || o.domain() == "ai.onnx")
            m_opset = o.version();
    }
    if (m_opset == 0)
        throw IoError("'" + m_source + "' imports no standard ONNX opset (ai.onnx); is it an ONNX model?");
    const onnx::GraphProto& g = m_model.graph();
    for (const auto& n : g.node()) {
        for (const auto& i : n.input())
            ++m_uses[i];
    }
    for (const auto& o : g.output())
        ++m_uses[o.name()];
    for (const auto& t : g.initializer()) {
        Value v;
        v.kind = Value::Kind::Constant;
        v.constant = tensorOf(t, "initializer '" + t.name() + "'");
        m_values[t.name()] = v;
    }
    for (const auto& in : g.input()) {
        if (m_values.count(in.name()))
            continue; // IR 3 lists initializers among the inputs
        if (!in.type().has_tensor_type() || in.type().tensor_type().elem_type() != onnx::TensorProto::FLOAT)
            throw ModelError("input '" + in.name() + "' of '" + m_source + "' is not a float tensor");
        const auto& dims = in.type().tensor_type().shape().dim();
        if (dims.size() < 2)
            throw ModelError("input '" + in.name() + "' of '" + m_source + "' has "
                + std::to_string(dims.size())
                + " axes; Neurino needs a batch axis and at least one feature axis");
        Shape shape;
        for (int d = 1; d < dims.size(); ++d) {
            if (!dims.Get(d).has_dim_value() || dims.Get(d).dim_value() <= 0)
                throw ModelError("input '" + in.name() + "' of '" + m_source + "' has no fixed size on axis "
                    + std::to_string(d) + "; Neurino needs every axis but the batch fixed");
            shape.push_back(dims.Get(d).dim_value());
        }
        const std::string id = m_graph.addNode("Input", { { "shape", shape } }, idFor(in.name(), "Input"));
        m_shapes[id] = shape;
        Value v;
        v.node = id;
        m_values[in.name()] = v;
    }
    if (m_graph.inputNodes().empty())
        throw ModelError("'" + m_source + "' has no graph input that is not an initializer");
    for (const auto& n : g.node())
        importNode(n);

    if (g.output_size() != 1)
        throw ModelError("'" + m_source + "' has " + std::to_string(g.output_size())
            + " graph outputs; Neurino's models have one");
    const auto out = m_values.find(g.output(0).name());
    if (out == m_values.end() || out->second.kind != Value::Kind::Node)
        throw ModelError("the graph output '" + g.output(0).name() + "' of '" + m_source
            + "' is computed by no imported layer");
    // An Output node, unless the last layer's id is the output's name already (a file of Neurino's without
    // one).
    std::string outputId = out->second.node;
    if (sanitizedId(g.output(0).name()) != outputId) {
        outputId = m_graph.addNode("Output", nlohmann::json::object(), idFor(g.output(0).name(), "Output"));
        m_graph.connect(out->second.node, outputId);
    }

    const auto issues = m_graph.validate();
    if (!issues.empty())
        throw ModelError(
            "the model imported from '" + m_source + "' is not valid:\n" + formatIssues(m_graph, issues));
    // The output's shape, where the file declares it, is the imported model's.
    const Shape shape = m_graph.inferShapes().at(outputId);
    const auto& declared = g.output(0).type().tensor_type().shape().dim();
    if (declared.size() > 0) {
        bool fits = declared.size() == static_cast<int>(shape.size()) + 1;
        for (int d = 1; fits && d < declared.size(); ++d)
            fits = !declared.Get(d).has_dim_value() || declared.Get(d).dim_value() == shape[d - 1];
        if (!fits)
            throw ModelError("'" + m_source + "' declares its output '" + g.output(0).name()
                + "' with another shape than the imported model's " + formatShape(shape));
    }
    // Tensors are checked against the layers' own, naming the node and parameter.
    GraphModule module(m_graph);
    loadWeights(module, m_weights, "'" + m_source + "'");

    Checkpoint c;
    c.graph = m_graph;
    c.weights = copyWeights(module);
    c.standardizer = m_standardizer;
    c.data.sampleShape = m_shapes.at(m_graph.inputNodes().at(0));
    c.data.origin = m_source;
    // What `predict` and `evaluate` make of the outputs: class scores after a final sigmoid or softmax.
    const std::string& last = module->outputActivation();
    if (last == "sigmoid" && shape == Shape { 1 })
        c.data.task = "binary";
    else if (last == "softmax" && shape.size() == 1)
        c.data.task = "classification";
    c.neurinoVersion = NEURINO_VERSION;
    return c;
}

} // namespace onnximport

} // namespace

std::vector<std::string> onnxImportOperators()
{
    return { "Gemm", "MatMul", "Add", "Sum", "Conv", "ConvTranspose", "MaxPool", "AveragePool",
        "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "Relu", "LeakyRelu", "Elu", "Tanh",
        "Sigmoid", "Softmax", "Flatten", "Reshape", "Pad", "Resize", "Upsample", "Concat", "Identity",
        "Dropout", "Constant", "Transpose", "Sub", "Div" };
}

Checkpoint importOnnx(const std::string& bytes, const std::string& source)
{
    onnx::ModelProto model;
    if (!model.ParseFromString(bytes))
        throw IoError("'" + source + "' is not an ONNX model: protobuf cannot parse its "
            + std::to_string(bytes.size()) + " bytes (truncated or damaged?)");
    if (!model.has_graph())
        throw IoError("'" + source + "' is not an ONNX model: it has no graph");
    onnximport::Importer importer(model, source);
    Checkpoint c = importer.run();
    // Neurino's own export names the model in its metadata; another file by its graph.
    std::string name = model.graph().name();
    for (const auto& e : model.metadata_props()) {
        if (e.key() == "model_name")
            name = e.value();
    }
    if (!name.empty())
        c.graph.setName(name);
    c.graph.setDescription(model.doc_string());
    return c;
}

Checkpoint importOnnxFile(const std::string& path)
{
    return importOnnx(readTextFile(path), path);
}

} // namespace neurino
