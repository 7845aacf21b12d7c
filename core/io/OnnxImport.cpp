#include "core/io/OnnxImport.h"

#include "core/io/OnnxImporter.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <algorithm>
#include <functional>
#include <set>

namespace neurino {

namespace onnximport {

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

namespace {

// A constant of the input's shape or one that broadcasts to it ((1, F), (F), (1, C, 1, 1), a scalar).
torch::Tensor sampleShaped(const torch::Tensor& t, const Shape& sample)
{
    torch::Tensor c = t.to(torch::kFloat32);
    while (c.dim() > static_cast<std::int64_t>(sample.size()) && c.size(0) == 1)
        c = c.squeeze(0);
    return c.expand(sample).contiguous().clone();
}

} // namespace

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

namespace {

std::string sanitizedId(const std::string& onnxName)
{
    std::string id;
    for (char c : onnxName)
        id += c == '/' || std::iscntrl(static_cast<unsigned char>(c)) ? '_' : c;
    const auto first = id.find_first_not_of("_ ");
    return first == std::string::npos || id == "." || id == ".." ? std::string() : id.substr(first);
}

} // namespace

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
