#include "core/nn/GraphModule.h"

#include "core/nn/LayerBuildContext.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>

namespace neurino {

using Tensors = std::vector<torch::Tensor>;

struct GraphModuleImpl::Step {
    std::string id;
    std::string kind;
    std::vector<std::size_t> inputs; // step indices
    int inputSlot = -1; // for Input nodes: which of forward()'s tensors
    LayerBody body;
    std::string activation = "linear"; // applied after body
    std::shared_ptr<torch::nn::Module> weighted; // the layer with weights, for initialisation
    std::string initializer = "libtorch_default";
};

namespace {

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

// The kind's LibTorch builder; analyze() has checked the kind, and the registry that every kind has one.
const LayerBuilder& builderOf(const Node& node)
{
    const LayerKind* kind = LayerRegistry::instance().find(node.layer.kind);
    if (!kind || !kind->build)
        throw ModelError("node '" + node.id + "': GraphModule cannot build layer kind '" + node.layer.kind
            + "': " + (kind ? "the layer registry gives it no LibTorch builder" : "no such kind"));
    return kind->build;
}

} // namespace

GraphModuleImpl::GraphModuleImpl(const ModelGraph& graph)
    : m_graph(graph)
{
    const GraphAnalysis analysis = graph.analyze();
    if (!analysis.ok())
        throw ModelError(
            "model '" + graph.name() + "' cannot be built:\n" + formatIssues(graph, analysis.issues));
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
        const auto slot = std::find(inputIds.begin(), inputIds.end(), id);
        if (slot != inputIds.end())
            step->inputSlot = static_cast<int>(slot - inputIds.begin());
        LayerBuildContext context(*this, node, inShapes, m_shapes.at(id));
        builderOf(node)(context);
        step->body = std::move(context.body);
        step->activation = std::move(context.activation);
        step->weighted = std::move(context.weighted);
        step->initializer = std::move(context.initializer);
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

std::vector<torch::Tensor> GraphModuleImpl::run(
    const std::vector<torch::Tensor>& inputs, std::size_t lastStep, bool logits)
{
    const std::size_t expected = m_graph.inputNodes().size();
    if (inputs.size() != expected)
        throw ModelError("model '" + m_graph.name() + "' has " + std::to_string(expected)
            + " input(s) but was given " + std::to_string(inputs.size()));
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
    throw ModelError(
        "model '" + m_graph.name() + "' has no layer '" + idOrName + "'; its layers are: " + known);
}

std::map<std::string, torch::Tensor> GraphModuleImpl::activations(
    const std::vector<torch::Tensor>& inputs, const std::vector<std::string>& nodes)
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
    return activations({ input }, { node }).at(node);
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
