#include "core/nn/GraphModule.h"

#include "core/graph/ConvGeometry.h"
#include "core/nn/BatchNormAxis.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <limits>

namespace neurino {

using nlohmann::json;
using Tensors = std::vector<torch::Tensor>;

struct GraphModuleImpl::Step {
    std::string id;
    std::string kind;
    std::vector<std::size_t> inputs; // step indices
    int inputSlot = -1;              // for Input nodes: which of forward()'s tensors
    std::function<torch::Tensor(const Tensors&)> body;
    std::string activation = "linear"; // applied after body
    std::shared_ptr<torch::nn::Module> weighted; // the layer with weights, for initialisation
    std::string initializer = "libtorch_default";
};

namespace {

// Sample axis (no batch) to tensor dimension (batch first), negative axes counted from the end.
std::int64_t tensorDim(std::int64_t axis, std::size_t sampleRank)
{
    return axis < 0 ? axis + static_cast<std::int64_t>(sampleRank) + 1 : axis + 1;
}

torch::Tensor applyActivation(const std::string& name, const torch::Tensor& x)
{
    if (name == "linear")
        return x;
    if (name == "relu")
        return torch::relu(x);
    if (name == "leaky_relu")
        return torch::leaky_relu(x, 0.3);
    if (name == "elu")
        return torch::elu(x);
    if (name == "tanh")
        return torch::tanh(x);
    if (name == "sigmoid")
        return torch::sigmoid(x);
    if (name == "softmax")
        return torch::softmax(x, 1);
    throw ModelError("unknown activation '" + name + "'");
}

void initialise(torch::nn::Module& module, const std::string& initializer)
{
    if (initializer == "libtorch_default")
        return;
    torch::NoGradGuard noGrad;
    for (auto& p : module.named_parameters(/*recurse=*/false)) {
        torch::Tensor t = p.value();
        if (p.key() == "bias") {
            t.zero_();
        } else if (initializer == "glorot_uniform") {
            torch::nn::init::xavier_uniform_(t);
        } else if (initializer == "glorot_normal") {
            torch::nn::init::xavier_normal_(t);
        } else if (initializer == "he_uniform") {
            torch::nn::init::kaiming_uniform_(t, 0, torch::kFanIn, torch::kReLU);
        } else if (initializer == "he_normal") {
            torch::nn::init::kaiming_normal_(t, 0, torch::kFanIn, torch::kReLU);
        } else if (initializer == "zeros") {
            t.zero_();
        }
    }
}

// Keras's "same" pooling ignores the padded cells: max pools pad with -inf, average pools divide by the
// number of real cells in each window, precomputed here.
torch::Tensor validCellCount(const Shape& in, const std::vector<std::int64_t>& kernel,
                             const std::vector<std::int64_t>& stride, const std::vector<AxisGeometry>& g)
{
    std::vector<std::int64_t> size{1, 1};
    std::vector<std::int64_t> pads;
    for (std::size_t i = 0; i < kernel.size(); ++i)
        size.push_back(in[1 + i]);
    for (std::size_t i = kernel.size(); i-- > 0;) {
        pads.push_back(g[i].padBefore);
        pads.push_back(g[i].padAfter);
    }
    torch::Tensor ones = torch::constant_pad_nd(torch::ones(size), pads, 0);
    if (kernel.size() == 1)
        return torch::avg_pool1d(ones, kernel, stride) * kernel[0];
    return torch::avg_pool2d(ones, kernel, stride) * (kernel[0] * kernel[1]);
}

struct Builder {
    GraphModuleImpl& module;
    const Node& node;
    const std::vector<Shape>& in;
    const Shape& out;
    const json& p;

    template <typename M>
    auto add(M layer)
    {
        return module.register_module(node.id, layer);
    }

    void build(GraphModuleImpl::Step& s);
    void conv(GraphModuleImpl::Step& s, bool twoD);
    void convTranspose(GraphModuleImpl::Step& s);
    void pool(GraphModuleImpl::Step& s, bool twoD, bool max);
};

void Builder::conv(GraphModuleImpl::Step& s, bool twoD)
{
    const std::int64_t filters = paramInt(p, "filters");
    const bool bias = paramBool(p, "use_bias");
    std::vector<std::int64_t> kernel, stride;
    std::vector<std::string> padding;
    if (twoD) {
        const auto k = paramIntPair(p, "kernel_size");
        const auto st = paramIntPair(p, "strides");
        const auto pd = paramChoicePair(p, "padding");
        kernel = {k[0], k[1]};
        stride = {st[0], st[1]};
        padding = {pd[0], pd[1]};
    } else {
        kernel = {paramInt(p, "kernel_size")};
        stride = {paramInt(p, "strides")};
        padding = {paramString(p, "padding")};
    }
    std::vector<std::int64_t> pads; // F.pad order: last axis first
    bool symmetric = true;
    std::vector<std::int64_t> symmetricPad;
    for (std::size_t i = kernel.size(); i-- > 0;) {
        const AxisGeometry g = windowAxis(in[0][1 + i], kernel[i], stride[i], padding[i] == "same");
        pads.push_back(g.padBefore);
        pads.push_back(g.padAfter);
        symmetric = symmetric && g.padBefore == g.padAfter;
    }
    for (std::size_t i = 0; i < kernel.size(); ++i)
        symmetricPad.push_back(pads[2 * (kernel.size() - 1 - i)]);
    const bool anyPad = std::any_of(pads.begin(), pads.end(), [](std::int64_t v) { return v != 0; });
    // Symmetric padding is the convolution's own (fast); asymmetric "same" pads explicitly, as Keras does.
    std::function<torch::Tensor(const torch::Tensor&)> prePad = [](const torch::Tensor& x) { return x; };
    if (anyPad && !symmetric) {
        prePad = [pads](const torch::Tensor& x) { return torch::constant_pad_nd(x, pads, 0); };
        symmetricPad.assign(kernel.size(), 0);
    }
    if (twoD) {
        auto layer = add(torch::nn::Conv2d(torch::nn::Conv2dOptions(in[0][0], filters, kernel)
                                               .stride(stride)
                                               .padding(symmetricPad)
                                               .bias(bias)));
        s.weighted = layer;
        s.body = [layer, prePad](const Tensors& x) { return layer->forward(prePad(x[0])); };
    } else {
        auto layer = add(torch::nn::Conv1d(torch::nn::Conv1dOptions(in[0][0], filters, kernel[0])
                                               .stride(stride[0])
                                               .padding(symmetricPad[0])
                                               .bias(bias)));
        s.weighted = layer;
        s.body = [layer, prePad](const Tensors& x) { return layer->forward(prePad(x[0])); };
    }
    s.activation = paramString(p, "activation");
    s.initializer = paramString(p, "kernel_initializer");
}

void Builder::convTranspose(GraphModuleImpl::Step& s)
{
    const auto k = paramIntPair(p, "kernel_size");
    const auto st = paramIntPair(p, "strides");
    const bool same = paramString(p, "padding") == "same";
    const TransposedAxisGeometry gh = transposedAxis(in[0][1], k[0], st[0], same);
    const TransposedAxisGeometry gw = transposedAxis(in[0][2], k[1], st[1], same);
    auto layer = add(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(in[0][0], paramInt(p, "filters"), {k[0], k[1]})
            .stride({st[0], st[1]})
            .output_padding({gh.extraAfter, gw.extraAfter})
            .bias(paramBool(p, "use_bias"))));
    s.weighted = layer;
    const std::int64_t outH = gh.out, outW = gw.out, cropH = gh.cropBefore, cropW = gw.cropBefore;
    s.body = [layer, outH, outW, cropH, cropW](const Tensors& x) {
        torch::Tensor y = layer->forward(x[0]);
        if (y.size(2) != outH || y.size(3) != outW)
            y = y.narrow(2, cropH, outH).narrow(3, cropW, outW);
        return y;
    };
    s.activation = paramString(p, "activation");
    s.initializer = paramString(p, "kernel_initializer");
}

void Builder::pool(GraphModuleImpl::Step& s, bool twoD, bool max)
{
    std::vector<std::int64_t> kernel, stride;
    std::vector<std::string> padding;
    if (twoD) {
        const auto k = paramIntPair(p, "pool_size");
        const auto st = paramIntPair(p, "strides");
        const auto pd = paramChoicePair(p, "padding");
        kernel = {k[0], k[1]};
        stride = {st[0] ? st[0] : k[0], st[1] ? st[1] : k[1]};
        padding = {pd[0], pd[1]};
    } else {
        kernel = {paramInt(p, "pool_size")};
        stride = {paramInt(p, "strides") ? paramInt(p, "strides") : kernel[0]};
        padding = {paramString(p, "padding")};
    }
    std::vector<AxisGeometry> geometry;
    std::vector<std::int64_t> pads;
    for (std::size_t i = 0; i < kernel.size(); ++i)
        geometry.push_back(windowAxis(in[0][1 + i], kernel[i], stride[i], padding[i] == "same"));
    for (std::size_t i = kernel.size(); i-- > 0;) {
        pads.push_back(geometry[i].padBefore);
        pads.push_back(geometry[i].padAfter);
    }
    const bool anyPad = std::any_of(pads.begin(), pads.end(), [](std::int64_t v) { return v != 0; });
    if (max) {
        const double fill = -std::numeric_limits<double>::infinity();
        s.body = [kernel, stride, pads, anyPad, twoD, fill](const Tensors& x) {
            torch::Tensor t = anyPad ? torch::constant_pad_nd(x[0], pads, fill) : x[0];
            return twoD ? torch::max_pool2d(t, kernel, stride) : torch::max_pool1d(t, kernel, stride);
        };
        return;
    }
    torch::Tensor area;
    if (anyPad) {
        const double cells = twoD ? static_cast<double>(kernel[0] * kernel[1]) : static_cast<double>(kernel[0]);
        area = validCellCount(in[0], kernel, stride, geometry) / cells; // fraction of real cells per window
    }
    s.body = [kernel, stride, pads, anyPad, twoD, area](const Tensors& x) {
        torch::Tensor t = anyPad ? torch::constant_pad_nd(x[0], pads, 0) : x[0];
        torch::Tensor y = twoD ? torch::avg_pool2d(t, kernel, stride) : torch::avg_pool1d(t, kernel, stride);
        return anyPad ? y / area.to(y.device()) : y;
    };
}

void Builder::build(GraphModuleImpl::Step& s)
{
    const std::string& kind = node.layer.kind;
    const std::size_t rank = in.empty() ? out.size() : in[0].size();
    if (kind == "Input") {
        const Shape shape = out;
        const std::string id = node.id;
        s.body = [shape, id](const Tensors& x) {
            const auto sizes = x[0].sizes();
            bool fits = static_cast<std::size_t>(x[0].dim()) == shape.size() + 1;
            for (std::size_t i = 0; fits && i < shape.size(); ++i)
                fits = sizes[i + 1] == shape[i];
            if (!fits)
                throw ModelError("input '" + id + "' expects samples of shape " + formatShape(shape) +
                                 " but the data has batches of shape " + formatShape(sizes.vec()) +
                                 " (batch first); check the dataset or the Input's shape");
            return x[0];
        };
    } else if (kind == "Output") {
        s.body = [](const Tensors& x) { return x[0]; };
    } else if (kind == "Dense") {
        auto layer = add(torch::nn::Linear(
            torch::nn::LinearOptions(in[0][0], paramInt(p, "units")).bias(paramBool(p, "use_bias"))));
        s.weighted = layer;
        s.body = [layer](const Tensors& x) { return layer->forward(x[0]); };
        s.activation = paramString(p, "activation");
        s.initializer = paramString(p, "kernel_initializer");
    } else if (kind == "Conv1D" || kind == "Conv2D") {
        conv(s, kind == "Conv2D");
    } else if (kind == "ConvTranspose2D") {
        convTranspose(s);
    } else if (kind == "MaxPool1D" || kind == "MaxPool2D" || kind == "AvgPool1D" || kind == "AvgPool2D") {
        pool(s, kind.back() == 'D' && kind[kind.size() - 2] == '2', kind.rfind("Max", 0) == 0);
    } else if (kind == "UpSampling2D") {
        const auto f = paramIntPair(p, "size");
        s.body = [f](const Tensors& x) { return x[0].repeat_interleave(f[0], 2).repeat_interleave(f[1], 3); };
    } else if (kind == "ZeroPadding2D") {
        const auto pad = paramIntPair(p, "padding");
        const std::vector<std::int64_t> pads{pad[1], pad[1], pad[0], pad[0]};
        s.body = [pads](const Tensors& x) { return torch::constant_pad_nd(x[0], pads, 0); };
    } else if (kind == "BatchNorm") {
        const std::int64_t dim = tensorDim(paramInt(p, "axis"), rank);
        auto layer = add(BatchNormAxis(in[0][dim - 1], dim, paramFloat(p, "momentum"), paramFloat(p, "epsilon")));
        s.body = [layer](const Tensors& x) { return layer->forward(x[0]); };
    } else if (kind == "Dropout") {
        auto layer = add(torch::nn::Dropout(torch::nn::DropoutOptions(paramFloat(p, "rate"))));
        s.body = [layer](const Tensors& x) { return layer->forward(x[0]); };
    } else if (kind == "Flatten") {
        s.body = [](const Tensors& x) { return x[0].flatten(1); };
    } else if (kind == "Reshape") {
        const Shape target = out;
        s.body = [target](const Tensors& x) {
            std::vector<std::int64_t> sizes{x[0].size(0)};
            sizes.insert(sizes.end(), target.begin(), target.end());
            return x[0].reshape(sizes);
        };
    } else if (kind == "ReLU" || kind == "Tanh" || kind == "Sigmoid") {
        s.body = [](const Tensors& x) { return x[0]; };
        s.activation = kind == "ReLU" ? "relu" : kind == "Tanh" ? "tanh" : "sigmoid";
    } else if (kind == "LeakyReLU") {
        const double alpha = paramFloat(p, "alpha");
        s.body = [alpha](const Tensors& x) { return torch::leaky_relu(x[0], alpha); };
    } else if (kind == "ELU") {
        const double alpha = paramFloat(p, "alpha");
        s.body = [alpha](const Tensors& x) { return torch::elu(x[0], alpha); };
    } else if (kind == "Softmax") {
        const std::int64_t dim = tensorDim(paramInt(p, "axis"), rank);
        if (dim == 1) {
            s.body = [](const Tensors& x) { return x[0]; };
            s.activation = "softmax";
        } else {
            s.body = [dim](const Tensors& x) { return torch::softmax(x[0], dim); };
        }
    } else if (kind == "Add") {
        s.body = [](const Tensors& x) {
            torch::Tensor sum = x[0];
            for (std::size_t i = 1; i < x.size(); ++i)
                sum = sum + x[i];
            return sum;
        };
    } else if (kind == "Concat") {
        const std::int64_t dim = tensorDim(paramInt(p, "axis"), rank);
        s.body = [dim](const Tensors& x) { return torch::cat(x, dim); };
    } else {
        throw ModelError("node '" + node.id + "': GraphModule cannot build layer kind '" + kind + "'");
    }
}

} // namespace

GraphModuleImpl::GraphModuleImpl(const ModelGraph& graph)
    : m_graph(graph)
{
    const GraphAnalysis analysis = graph.analyze();
    if (!analysis.ok())
        throw ModelError("model '" + graph.name() + "' cannot be built:\n" + formatIssues(graph, analysis.issues));
    m_shapes = analysis.shapes;
    const std::vector<std::string> inputIds = graph.inputNodes();

    for (const auto& id : analysis.order) {
        const Node& node = graph.node(id);
        auto step = std::make_shared<Step>();
        step->id = id;
        step->kind = node.layer.kind;
        std::vector<Shape> inShapes;
        for (const auto& in : graph.inputsOf(id)) {
            step->inputs.push_back(m_stepIndex.at(in));
            inShapes.push_back(m_shapes.at(in));
        }
        if (node.layer.kind == "Input")
            step->inputSlot = static_cast<int>(std::find(inputIds.begin(), inputIds.end(), id) - inputIds.begin());
        Builder{*this, node, inShapes, m_shapes.at(id), node.layer.params}.build(*step);
        m_stepIndex[id] = m_steps.size();
        m_steps.push_back(step);
    }

    m_outputId = graph.outputNode();
    std::size_t last = m_stepIndex.at(m_outputId);
    while (m_steps[last]->kind == "Output")
        last = m_steps[last]->inputs.at(0);
    m_logitStep = last;
    const std::string& act = m_steps[last]->activation;
    m_outputActivation = act == "sigmoid" || act == "softmax" ? act : "linear";
    resetParameters();
}

void GraphModuleImpl::resetParameters()
{
    for (const auto& step : m_steps) {
        if (step->weighted)
            initialise(*step->weighted, step->initializer);
    }
}

std::vector<torch::Tensor> GraphModuleImpl::run(const std::vector<torch::Tensor>& inputs, std::size_t lastStep,
                                                bool logits)
{
    const std::size_t expected = m_graph.inputNodes().size();
    if (inputs.size() != expected)
        throw ModelError("model '" + m_graph.name() + "' has " + std::to_string(expected) + " input(s) but was given " +
                         std::to_string(inputs.size()));
    std::vector<torch::Tensor> values(lastStep + 1);
    Tensors args;
    for (std::size_t i = 0; i <= lastStep; ++i) {
        const Step& s = *m_steps[i];
        args.clear();
        if (s.inputSlot >= 0) {
            args.push_back(inputs[static_cast<std::size_t>(s.inputSlot)]);
        } else {
            for (std::size_t in : s.inputs)
                args.push_back(values[in]);
        }
        torch::Tensor y = s.body(args);
        if (!(logits && i == m_logitStep))
            y = applyActivation(s.activation, y);
        values[i] = std::move(y);
    }
    return values;
}

torch::Tensor GraphModuleImpl::forward(const std::vector<torch::Tensor>& inputs)
{
    const std::size_t out = m_stepIndex.at(m_outputId);
    return run(inputs, out, false)[out];
}

torch::Tensor GraphModuleImpl::forwardLogits(const std::vector<torch::Tensor>& inputs)
{
    const std::size_t out = m_stepIndex.at(m_outputId);
    return run(inputs, out, true)[out];
}

std::string GraphModuleImpl::resolveNode(const std::string& idOrName) const
{
    if (m_graph.hasNode(idOrName))
        return idOrName;
    for (const auto& n : m_graph.nodes()) {
        if (n.name == idOrName)
            return n.id;
    }
    std::string known;
    for (const auto& n : m_graph.nodes())
        known += (known.empty() ? "" : ", ") + n.id;
    throw ModelError("model '" + m_graph.name() + "' has no layer '" + idOrName + "'; its layers are: " + known);
}

std::map<std::string, torch::Tensor> GraphModuleImpl::activations(const std::vector<torch::Tensor>& inputs,
                                                                  const std::vector<std::string>& nodes)
{
    std::vector<std::string> ids;
    std::size_t last = 0;
    for (const auto& n : nodes) {
        ids.push_back(resolveNode(n));
        last = std::max(last, m_stepIndex.at(ids.back()));
    }
    std::vector<torch::Tensor> values = run(inputs, last, false);
    std::map<std::string, torch::Tensor> result;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        result[nodes[i]] = values[m_stepIndex.at(ids[i])];
    return result;
}

torch::Tensor GraphModuleImpl::activation(const torch::Tensor& input, const std::string& node)
{
    return activations({input}, {node}).at(node);
}

std::map<std::string, std::map<std::string, torch::Tensor>> GraphModuleImpl::nodeTensors() const
{
    std::map<std::string, std::map<std::string, torch::Tensor>> out;
    for (const auto& child : named_children()) {
        for (const auto& p : child.value()->named_parameters())
            out[child.key()][p.key()] = p.value();
        for (const auto& b : child.value()->named_buffers())
            out[child.key()][b.key()] = b.value();
    }
    return out;
}

std::vector<std::pair<std::string, torch::Tensor>> GraphModuleImpl::namedNodeParameters() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : named_parameters()) {
        std::string name = p.key();
        const auto dot = name.find('.');
        if (dot != std::string::npos)
            name[dot] = '/';
        out.emplace_back(std::move(name), p.value());
    }
    return out;
}

} // namespace neurino
