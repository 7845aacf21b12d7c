#include "core/analysis/LayerInspection.h"

#include "core/nn/EvalScope.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

bool isConvolution(const std::string& kind)
{
    return kind == "Conv1D" || kind == "Conv2D" || kind == "ConvTranspose2D";
}

std::vector<float> toVector(const torch::Tensor& t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Equal bins over the finite range of `t` (widened a little, as Histogram::ofValues does), with the
// values' mean, standard deviation and L2 norm. One pass over plain floats: this runs after every epoch,
// and a chain of tensor operations per parameter would cost more than the histograms are worth.
struct Binned {
    double low = 0, high = 1;
    std::vector<double> counts;
    double mean = 0, stdDev = 0, norm = 0;
};

Binned binValues(const torch::Tensor& t, int bins)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    const float* v = c.data_ptr<float>();
    const std::int64_t n = c.numel();
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sum2 = 0;
    std::int64_t finite = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i]))
            continue;
        lo = std::min<double>(lo, v[i]);
        hi = std::max<double>(hi, v[i]);
        sum += v[i];
        sum2 += static_cast<double>(v[i]) * v[i];
        ++finite;
    }
    Binned b;
    if (finite > 0) {
        const double pad = hi > lo ? (hi - lo) * 1e-6 : std::max(std::abs(lo) * 1e-3, 0.5);
        b.low = lo - (hi > lo ? 0 : pad);
        b.high = hi + pad;
        b.mean = sum / finite;
        b.stdDev
            = finite > 1 ? std::sqrt(std::max(0.0, (sum2 - finite * b.mean * b.mean) / (finite - 1))) : 0.0;
        b.norm = std::sqrt(sum2);
    }
    b.counts.assign(static_cast<std::size_t>(bins), 0.0);
    const double width = (b.high - b.low) / bins;
    for (std::int64_t i = 0; i < n; ++i) {
        if (std::isfinite(v[i]))
            b.counts[static_cast<std::size_t>(
                std::clamp(static_cast<int>((v[i] - b.low) / width), 0, bins - 1))]
                += 1;
    }
    return b;
}

} // namespace

float KernelSet::maxAbs() const
{
    float m = 0;
    for (float v : values)
        m = std::max(m, std::abs(v));
    return m;
}

std::vector<float> KernelSet::averagedOverInputs() const
{
    std::vector<float> out(static_cast<std::size_t>(outChannels) * tileSize(), 0.0f);
    if (inChannels == 0)
        return out;
    for (int o = 0; o < outChannels; ++o) {
        for (int i = 0; i < inChannels; ++i) {
            for (int k = 0; k < tileSize(); ++k)
                out[static_cast<std::size_t>(o) * tileSize() + k]
                    += values[(static_cast<std::size_t>(o) * inChannels + i) * tileSize() + k] / inChannels;
        }
    }
    return out;
}

std::vector<std::string> convolutionNodes(const ModelGraph& graph)
{
    std::vector<std::string> result;
    for (const std::string& id : graph.topologicalOrder()) {
        if (isConvolution(graph.node(id).layer.kind))
            result.push_back(id);
    }
    return result;
}

KernelSet kernelSet(GraphModule& module, const std::string& node)
{
    const std::string id = module->resolveNode(node);
    const std::string& kind = module->graph().node(id).layer.kind;
    if (!isConvolution(kind))
        throw ModelError("node '" + id + "' is a " + kind + " layer, not a convolution: it has no kernels");
    torch::Tensor weight;
    for (const auto& child : module->named_children()) {
        if (child.key() == id)
            weight = child.value()->named_parameters(/*recurse=*/false)["weight"];
    }
    if (!weight.defined())
        throw ModelError("node '" + id + "' has no weights");
    weight = weight.detach();
    if (kind == "ConvTranspose2D")
        weight = weight.transpose(0, 1); // stored (in, out, h, w)
    if (weight.dim() == 3)
        weight = weight.unsqueeze(2); // Conv1D: (out, in, 1, k)
    KernelSet set;
    set.node = id;
    set.kind = kind;
    set.outChannels = static_cast<int>(weight.size(0));
    set.inChannels = static_cast<int>(weight.size(1));
    set.height = static_cast<int>(weight.size(2));
    set.width = static_cast<int>(weight.size(3));
    set.values = toVector(weight);
    return set;
}

std::vector<KernelSet> kernelSets(GraphModule& module)
{
    std::vector<KernelSet> result;
    for (const std::string& id : convolutionNodes(module->graph()))
        result.push_back(kernelSet(module, id));
    return result;
}

std::vector<LayerActivation> layerActivations(GraphModule& module, const torch::Tensor& sample)
{
    const ModelGraph& graph = module->graph();
    std::vector<std::string> nodes;
    for (const std::string& id : graph.topologicalOrder()) {
        if (graph.node(id).layer.kind != "Output")
            nodes.push_back(id);
    }
    const EvalScope scope(module);
    torch::NoGradGuard noGrad;
    const auto values = module->activations({ sample }, nodes);
    std::vector<LayerActivation> result;
    for (const std::string& id : nodes) {
        const torch::Tensor t = values.at(id).select(0, 0);
        LayerActivation a;
        a.node = id;
        a.kind = graph.node(id).layer.kind;
        a.shape = t.sizes().vec();
        a.values = toVector(t);
        result.push_back(std::move(a));
    }
    return result;
}

std::vector<ParameterHistogram> parameterHistograms(GraphModule& module, int bins)
{
    std::vector<ParameterHistogram> result;
    torch::NoGradGuard noGrad;
    for (const auto& [name, tensor] : module->namedNodeParameters()) {
        ParameterHistogram h;
        const auto slash = name.find('/');
        h.node = name.substr(0, slash);
        h.param = slash == std::string::npos ? std::string() : name.substr(slash + 1);
        h.count = tensor.numel();
        const Binned w = binValues(tensor, bins);
        h.low = w.low;
        h.high = w.high;
        h.counts = w.counts;
        h.mean = w.mean;
        h.stdDev = w.stdDev;
        const torch::Tensor g = tensor.grad();
        if (g.defined()) {
            const Binned gradient = binValues(g, bins);
            h.hasGradient = true;
            h.gradientLow = gradient.low;
            h.gradientHigh = gradient.high;
            h.gradientCounts = gradient.counts;
            h.gradientNorm = gradient.norm;
        }
        result.push_back(std::move(h));
    }
    return result;
}

std::vector<Misclassification> misclassifications(
    const torch::Tensor& scores, const torch::Tensor& targets, const torch::Tensor& rows)
{
    const std::int64_t n = scores.size(0);
    if (targets.numel() != n)
        throw DataError("misclassifications: " + std::to_string(n) + " scores but "
            + std::to_string(targets.numel()) + " targets");
    torch::Tensor table = scores.detach().to(torch::kCPU, torch::kFloat).reshape({ n, -1 });
    if (table.size(1) == 1)
        table = torch::cat({ 1 - table, table }, /*dim=*/1); // p(class 1) -> both classes
    const torch::Tensor truth = targets.detach()
                                    .to(torch::kCPU)
                                    .reshape({ -1 })
                                    .to(torch::kDouble)
                                    .round()
                                    .to(torch::kLong)
                                    .contiguous();
    const torch::Tensor predicted = table.argmax(/*dim=*/1).contiguous();
    const torch::Tensor rowIndex
        = rows.defined() ? rows.to(torch::kCPU, torch::kLong).contiguous() : torch::arange(n, torch::kLong);
    table = table.contiguous();
    const auto p = table.accessor<float, 2>();
    const auto t = truth.accessor<std::int64_t, 1>();
    const auto k = predicted.accessor<std::int64_t, 1>();
    const auto r = rowIndex.accessor<std::int64_t, 1>();
    const std::int64_t classes = table.size(1);
    std::vector<Misclassification> result;
    for (std::int64_t i = 0; i < n; ++i) {
        if (t[i] == k[i])
            continue;
        Misclassification m;
        m.row = r[i];
        m.position = static_cast<int>(i);
        m.truth = static_cast<int>(t[i]);
        m.predicted = static_cast<int>(k[i]);
        m.probability = p[i][k[i]];
        m.truthProbability = t[i] >= 0 && t[i] < classes ? p[i][t[i]] : 0.0f;
        result.push_back(m);
    }
    return result;
}

} // namespace neurino
