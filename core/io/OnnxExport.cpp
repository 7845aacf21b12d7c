#include "core/io/OnnxExport.h"

#include "core/graph/ConvGeometry.h"
#include "core/io/OnnxProto.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <functional>
#include <map>

namespace neurino {

namespace {

namespace onnxexport {

// What the writer of one node sees: its inputs' ONNX values and shapes (no batch), its own output shape,
// parameters and tensors, and the graph being filled.
struct Layer {
    const Node& node;
    const nlohmann::json& p;
    std::vector<std::string> args;
    std::vector<Shape> in;
    Shape out;
    const std::map<std::string, torch::Tensor>& tensors;
    onnx::GraphProto& graph;

    const std::string& id() const { return node.id; }
    const std::string& x() const { return args.at(0); }
};

void setFloats(onnx::TensorProto& t, const std::string& name, const torch::Tensor& values)
{
    const torch::Tensor v = values.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (std::int64_t s : v.sizes())
        t.add_dims(s);
    t.set_raw_data(v.data_ptr<float>(), static_cast<std::size_t>(v.numel()) * sizeof(float));
}

// Initializers are named "<node>.<param>", as the checkpoint's /weights/<node>/<param>.
std::string floats(const Layer& l, const std::string& param, const torch::Tensor& values)
{
    const std::string name = l.id() + "." + param;
    setFloats(*l.graph.add_initializer(), name, values);
    return name;
}

std::string ints(const Layer& l, const std::string& param, const std::vector<std::int64_t>& values)
{
    onnx::TensorProto* t = l.graph.add_initializer();
    const std::string name = l.id() + "." + param;
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (std::int64_t v : values)
        t->add_int64_data(v);
    return name;
}

std::string weight(const Layer& l, const std::string& param)
{
    const auto t = l.tensors.find(param);
    if (t == l.tensors.end())
        throw IoError("node '" + l.id() + "' (" + l.node.layer.kind + "): the checkpoint has no tensor '"
            + param + "'");
    return floats(l, param, t->second);
}

onnx::NodeProto& addNode(const Layer& l, const std::string& op, const std::string& name,
    const std::vector<std::string>& inputs, const std::string& output)
{
    onnx::NodeProto& n = *l.graph.add_node();
    n.set_op_type(op);
    n.set_name(name);
    for (const auto& i : inputs)
        n.add_input(i);
    n.add_output(output);
    return n;
}

void attr(onnx::NodeProto& n, const std::string& name, std::int64_t value)
{
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(value);
}

void attr(onnx::NodeProto& n, const std::string& name, double value)
{
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(static_cast<float>(value));
}

void attr(onnx::NodeProto& n, const std::string& name, const std::string& value)
{
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::STRING);
    a.set_s(value);
}

void attr(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& values)
{
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values)
        a.add_ints(v);
}

// A sample axis (no batch, negative from the end) as an ONNX tensor axis (batch first).
std::int64_t tensorAxis(const Layer& l, std::int64_t axis)
{
    const auto rank = static_cast<std::int64_t>(l.in.at(0).size());
    return axis < 0 ? axis + rank + 1 : axis + 1;
}

// The layer's own operator writes to `<node>/linear` when an activation follows, which then writes the
// node's value; GraphModule's activations (core/nn/GraphModule.cpp) by the 'activation' parameter's names.
std::string preActivation(const Layer& l)
{
    return paramString(l.p, "activation") == "linear" ? l.id() : l.id() + "/linear";
}

void activation(const Layer& l)
{
    const std::string name = paramString(l.p, "activation");
    const std::string pre = l.id() + "/linear";
    if (name == "linear")
        return;
    if (name == "relu")
        addNode(l, "Relu", l.id() + "/relu", { pre }, l.id());
    else if (name == "tanh")
        addNode(l, "Tanh", l.id() + "/tanh", { pre }, l.id());
    else if (name == "sigmoid")
        addNode(l, "Sigmoid", l.id() + "/sigmoid", { pre }, l.id());
    else if (name == "leaky_relu")
        attr(addNode(l, "LeakyRelu", l.id() + "/leaky_relu", { pre }, l.id()), "alpha", 0.3);
    else if (name == "elu")
        attr(addNode(l, "Elu", l.id() + "/elu", { pre }, l.id()), "alpha", 1.0);
    else if (name == "softmax")
        attr(addNode(l, "Softmax", l.id() + "/softmax", { pre }, l.id()), "axis", std::int64_t { 1 });
    else
        throw ModelError("node '" + l.id() + "': unknown activation '" + name + "'");
}

std::vector<std::string> withBias(const Layer& l, std::vector<std::string> inputs)
{
    inputs.push_back(weight(l, "weight"));
    if (paramBool(l.p, "use_bias"))
        inputs.push_back(weight(l, "bias"));
    return inputs;
}

// Gemm with transB takes LibTorch's (out, in) weight as it is.
void writeDense(const Layer& l)
{
    attr(addNode(l, "Gemm", l.id(), withBias(l, { l.x() }), preActivation(l)), "transB", std::int64_t { 1 });
    activation(l);
}

// A window's kernel, strides and Keras's padding as ONNX's pads (all begins, then all ends).
struct Window {
    std::vector<std::int64_t> kernel, strides, pads;
};

Window windowOf(const Layer& l, const std::string& sizeName)
{
    Window w;
    std::vector<std::string> padding;
    if (l.in.at(0).size() == 3) {
        const auto k = paramIntPair(l.p, sizeName);
        const auto s = paramIntPair(l.p, "strides");
        const auto pd = paramChoicePair(l.p, "padding");
        w.kernel = { k[0], k[1] };
        w.strides = { s[0] ? s[0] : k[0], s[1] ? s[1] : k[1] };
        padding = { pd[0], pd[1] };
    } else {
        const std::int64_t k = paramInt(l.p, sizeName);
        const std::int64_t s = paramInt(l.p, "strides");
        w.kernel = { k };
        w.strides = { s ? s : k };
        padding = { paramString(l.p, "padding") };
    }
    std::vector<std::int64_t> after;
    for (std::size_t i = 0; i < w.kernel.size(); ++i) {
        const AxisGeometry g = windowAxis(l.in[0][1 + i], w.kernel[i], w.strides[i], padding[i] == "same");
        w.pads.push_back(g.padBefore);
        after.push_back(g.padAfter);
    }
    w.pads.insert(w.pads.end(), after.begin(), after.end());
    return w;
}

void writeConv(const Layer& l)
{
    const Window w = windowOf(l, "kernel_size");
    onnx::NodeProto& n = addNode(l, "Conv", l.id(), withBias(l, { l.x() }), preActivation(l));
    attr(n, "kernel_shape", w.kernel);
    attr(n, "strides", w.strides);
    attr(n, "pads", w.pads);
    activation(l);
}

// Keras's "same" crops the full transposed output (ONNX's pads) or adds cells after it (output_padding).
void writeConvTranspose(const Layer& l)
{
    const auto k = paramIntPair(l.p, "kernel_size");
    const auto s = paramIntPair(l.p, "strides");
    const bool same = paramString(l.p, "padding") == "same";
    const TransposedAxisGeometry gh = transposedAxis(l.in[0][1], k[0], s[0], same);
    const TransposedAxisGeometry gw = transposedAxis(l.in[0][2], k[1], s[1], same);
    onnx::NodeProto& n = addNode(l, "ConvTranspose", l.id(), withBias(l, { l.x() }), preActivation(l));
    attr(n, "kernel_shape", std::vector<std::int64_t> { k[0], k[1] });
    attr(n, "strides", std::vector<std::int64_t> { s[0], s[1] });
    attr(n, "pads", std::vector<std::int64_t> { gh.cropBefore, gw.cropBefore, gh.cropAfter, gw.cropAfter });
    if (gh.extraAfter || gw.extraAfter)
        attr(n, "output_padding", std::vector<std::int64_t> { gh.extraAfter, gw.extraAfter });
    activation(l);
}

// Keras's "same" pools ignore the padded cells: ONNX's MaxPool does, and AveragePool with
// count_include_pad=0 divides by the real cells only.
void writePool(const Layer& l, bool max)
{
    const Window w = windowOf(l, "pool_size");
    onnx::NodeProto& n = addNode(l, max ? "MaxPool" : "AveragePool", l.id(), { l.x() }, l.id());
    attr(n, "kernel_shape", w.kernel);
    attr(n, "strides", w.strides);
    attr(n, "pads", w.pads);
    if (!max)
        attr(n, "count_include_pad", std::int64_t { 0 });
}

// Nearest neighbours with integer scales, asymmetric and floor: each cell repeated, as Neurino's upsampling.
void writeUpSampling(const Layer& l)
{
    const auto f = paramIntPair(l.p, "size");
    const std::string scales = floats(
        l, "scales", torch::tensor({ 1.0F, 1.0F, static_cast<float>(f[0]), static_cast<float>(f[1]) }));
    onnx::NodeProto& n = addNode(l, "Resize", l.id(), { l.x(), "", scales }, l.id());
    attr(n, "mode", std::string("nearest"));
    attr(n, "coordinate_transformation_mode", std::string("asymmetric"));
    attr(n, "nearest_mode", std::string("floor"));
}

void writeZeroPadding(const Layer& l)
{
    const auto pad = paramIntPair(l.p, "padding");
    addNode(
        l, "Pad", l.id(), { l.x(), ints(l, "pads", { 0, 0, pad[0], pad[1], 0, 0, pad[0], pad[1] }) }, l.id());
}

// ONNX's BatchNormalization normalises tensor axis 1; another axis is swapped there and back.
// Neurino's momentum is Keras's, which is ONNX's too (the old average's weight).
void writeBatchNorm(const Layer& l)
{
    const std::int64_t axis = tensorAxis(l, paramInt(l.p, "axis"));
    std::vector<std::int64_t> perm(l.in[0].size() + 1);
    for (std::size_t i = 0; i < perm.size(); ++i)
        perm[i] = static_cast<std::int64_t>(i);
    std::swap(perm[1], perm[static_cast<std::size_t>(axis)]);
    const bool moved = axis != 1;
    std::string x = l.x();
    if (moved) {
        attr(addNode(l, "Transpose", l.id() + "/to_axis_1", { x }, l.id() + "/axis_1"), "perm", perm);
        x = l.id() + "/axis_1";
    }
    const std::string y = moved ? l.id() + "/normalized" : l.id();
    onnx::NodeProto& n = addNode(l, "BatchNormalization", l.id(),
        { x, weight(l, "weight"), weight(l, "bias"), weight(l, "running_mean"), weight(l, "running_var") },
        y);
    attr(n, "epsilon", paramFloat(l.p, "epsilon"));
    attr(n, "momentum", paramFloat(l.p, "momentum"));
    if (moved)
        attr(addNode(l, "Transpose", l.id() + "/to_axis_" + std::to_string(axis), { y }, l.id()), "perm",
            perm);
}

void writeReshape(const Layer& l)
{
    std::vector<std::int64_t> shape { -1 };
    shape.insert(shape.end(), l.out.begin(), l.out.end());
    addNode(l, "Reshape", l.id(), { l.x(), ints(l, "shape", shape) }, l.id());
}

void writeAdd(const Layer& l)
{
    std::string sum = l.args.at(0);
    for (std::size_t i = 1; i < l.args.size(); ++i) {
        const bool last = i + 1 == l.args.size();
        const std::string name = l.args.size() == 2 ? l.id() : l.id() + "/" + std::to_string(i);
        const std::string out = last ? l.id() : l.id() + "/sum_" + std::to_string(i);
        addNode(l, "Add", name, { sum, l.args[i] }, out);
        sum = out;
    }
}

using Writer = std::function<void(const Layer&)>;

std::map<std::string, Writer> makeWriters()
{
    std::map<std::string, Writer> w;
    w["Dense"] = writeDense;
    w["Conv1D"] = w["Conv2D"] = writeConv;
    w["ConvTranspose2D"] = writeConvTranspose;
    w["MaxPool1D"] = w["MaxPool2D"] = [](const Layer& l) { writePool(l, true); };
    w["AvgPool1D"] = w["AvgPool2D"] = [](const Layer& l) { writePool(l, false); };
    w["UpSampling2D"] = writeUpSampling;
    w["ZeroPadding2D"] = writeZeroPadding;
    w["BatchNorm"] = writeBatchNorm;
    w["Flatten"] = [](const Layer& l) {
        attr(addNode(l, "Flatten", l.id(), { l.x() }, l.id()), "axis", std::int64_t { 1 });
    };
    w["Reshape"] = writeReshape;
    w["ReLU"] = [](const Layer& l) { addNode(l, "Relu", l.id(), { l.x() }, l.id()); };
    w["Tanh"] = [](const Layer& l) { addNode(l, "Tanh", l.id(), { l.x() }, l.id()); };
    w["Sigmoid"] = [](const Layer& l) { addNode(l, "Sigmoid", l.id(), { l.x() }, l.id()); };
    w["LeakyReLU"] = [](const Layer& l) {
        attr(addNode(l, "LeakyRelu", l.id(), { l.x() }, l.id()), "alpha", paramFloat(l.p, "alpha"));
    };
    w["ELU"] = [](const Layer& l) {
        attr(addNode(l, "Elu", l.id(), { l.x() }, l.id()), "alpha", paramFloat(l.p, "alpha"));
    };
    w["Softmax"] = [](const Layer& l) {
        attr(addNode(l, "Softmax", l.id(), { l.x() }, l.id()), "axis", tensorAxis(l, paramInt(l.p, "axis")));
    };
    w["Add"] = writeAdd;
    w["Concat"] = [](const Layer& l) {
        attr(addNode(l, "Concat", l.id(), l.args, l.id()), "axis", tensorAxis(l, paramInt(l.p, "axis")));
    };
    return w;
}

const std::map<std::string, Writer>& writers()
{
    static const std::map<std::string, Writer> w = makeWriters();
    return w;
}

void setValueInfo(onnx::ValueInfoProto& v, const std::string& name, const Shape& sample, std::int64_t batch)
{
    v.set_name(name);
    onnx::TypeProto_Tensor& t = *v.mutable_type()->mutable_tensor_type();
    t.set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto& shape = *t.mutable_shape();
    if (batch > 0)
        shape.add_dim()->set_dim_value(batch);
    else
        shape.add_dim()->set_dim_param("N");
    for (std::int64_t s : sample)
        shape.add_dim()->set_dim_value(s);
}

void addMetadata(onnx::ModelProto& model, const std::string& key, const std::string& value)
{
    onnx::StringStringEntryProto& e = *model.add_metadata_props();
    e.set_key(key);
    e.set_value(value);
}

} // namespace onnxexport

} // namespace

bool onnxAvailable()
{
    return true;
}

std::vector<std::string> onnxRuntimeCautions(const ModelGraph& graph)
{
    std::vector<std::string> cautions;
    for (const Node& n : graph.nodes()) {
        if (n.layer.kind != "MaxPool2D")
            continue;
        for (const std::string& from : graph.inputsOf(n.id))
            if (graph.node(from).layer.kind == "ZeroPadding2D")
                cautions.push_back("ONNX Runtime's default graph optimisation fuses the zero padding of '"
                    + from + "' into the max pooling '" + n.id
                    + "', which pads with -inf instead of 0 (microsoft/onnxruntime#18136): its outputs "
                      "differ "
                      "where a border window holds only negative values, and it refuses padding as wide as "
                      "the "
                      "window; run this file in ONNX Runtime with graph optimisation disabled");
    }
    return cautions;
}

std::vector<std::string> onnxExportKinds()
{
    std::vector<std::string> kinds { "Input", "Output", "Dropout" };
    for (const auto& [kind, writer] : onnxexport::writers())
        kinds.push_back(kind);
    return kinds;
}

std::string exportOnnx(
    const Checkpoint& checkpoint, const std::string& source, const OnnxExportOptions& options)
{
    namespace ox = onnxexport;
    if (options.opset < kOnnxMinOpset || options.opset > kOnnxMaxOpset)
        throw ModelError("ONNX opset " + std::to_string(options.opset) + " is not written: choose one from "
            + std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset));
    if (options.batch < 0)
        throw ModelError(
            "the batch size must be positive (or dynamic), not " + std::to_string(options.batch));
    const ModelGraph& graph = checkpoint.graph;
    // Checks the graph, and the checkpoint's weights against it, naming the node and parameter.
    GraphModule module(graph);
    loadWeights(module, checkpoint.weights, "'" + source + "'");
    const auto tensors = module->nodeTensors();
    const auto& shapes = module->shapes();
    const std::vector<std::string> inputs = graph.inputNodes();
    const Standardizer& standardizer = checkpoint.standardizer;
    if (standardizer.fitted() && inputs.size() != 1)
        throw ModelError("model '" + graph.name() + "' has " + std::to_string(inputs.size())
            + " Input nodes but the checkpoint standardises one input");

    onnx::ModelProto model;
    // IR 7 is what opset 13 came with; later opsets need IR 8.
    model.set_ir_version(options.opset <= 13 ? 7 : 8);
    model.set_producer_name("Neurino");
    model.set_producer_version(NEURINO_VERSION);
    model.set_doc_string(graph.description());
    onnx::OperatorSetIdProto& opset = *model.add_opset_import();
    opset.set_domain("");
    opset.set_version(options.opset);
    ox::addMetadata(model, "neurino_version", NEURINO_VERSION);
    ox::addMetadata(model, "model_name", graph.name());
    ox::addMetadata(model, "source", source);
    ox::addMetadata(model, "epoch", std::to_string(checkpoint.epoch));
    ox::addMetadata(model, "output_activation", module->outputActivation());
    ox::addMetadata(model, "input_standardized", standardizer.fitted() ? "true" : "false");
    onnx::GraphProto& g = *model.mutable_graph();
    g.set_name(graph.name());

    static const std::map<std::string, torch::Tensor> kNone;
    std::map<std::string, std::string> value; // Neurino node -> the ONNX value of its output
    for (const std::string& id : graph.topologicalOrder()) {
        const Node& node = graph.node(id);
        const std::string& kind = node.layer.kind;
        const auto own = tensors.find(id);
        ox::Layer l { node, node.layer.params, {}, {}, shapes.at(id),
            own == tensors.end() ? kNone : own->second, g };
        for (const auto& from : graph.inputsOf(id)) {
            l.args.push_back(value.at(from));
            l.in.push_back(shapes.at(from));
        }
        if (kind == "Input") {
            ox::setValueInfo(*g.add_input(), id, shapes.at(id), options.batch);
            value[id] = id;
            if (standardizer.fitted()) {
                // The standardisation the run learned, so that the file takes raw features.
                const std::string mean = ox::floats(l, "input_mean", standardizer.mean());
                const std::string scale = ox::floats(l, "input_std", standardizer.scale());
                ox::addNode(l, "Sub", id + "/standardize_sub", { id, mean }, id + "/centered");
                ox::addNode(
                    l, "Div", id + "/standardize_div", { id + "/centered", scale }, id + "/standardized");
                value[id] = id + "/standardized";
            }
        } else if (kind == "Dropout") {
            value[id] = l.x(); // inference: the identity
        } else if (kind == "Output") {
            ox::addNode(l, "Identity", id, { l.x() }, id);
            value[id] = id;
        } else {
            const auto writer = ox::writers().find(kind);
            if (writer == ox::writers().end())
                throw ModelError("node '" + id + "' (" + kind + "): this layer kind has no ONNX form");
            writer->second(l);
            value[id] = id;
        }
    }
    const std::string out = graph.outputNode();
    ox::setValueInfo(*g.add_output(), value.at(out), shapes.at(out), options.batch);

    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw IoError("cannot serialise the ONNX model of '" + source + "' (over protobuf's 2 GiB limit?)");
    return bytes;
}

void writeOnnxFile(const std::string& bytes, const std::string& path)
{
    writeFileAtomically(path, [&](const std::string& tmp) { writeBytes(tmp, bytes.data(), bytes.size()); });
}

} // namespace neurino
