#include "core/analysis/Importance.h"

#include "core/nn/EvalScope.h"
#include "core/train/Evaluator.h"
#include "core/util/Error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <string>

namespace neurino {

namespace {

// Samples per forward pass: bounded memory for any number of samples or occlusion patches.
constexpr std::int64_t kChunk = 256;

void checkOneInput(GraphModule& module, const std::string& what)
{
    const std::size_t inputs = module->graph().inputNodes().size();
    if (inputs != 1)
        throw ModelError(what + " needs a model with one Input node; '" + module->graph().name() + "' has "
            + std::to_string(inputs));
}

torch::Device deviceOf(GraphModule& module)
{
    const auto parameters = module->parameters();
    return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

// Column `classIndex` of the outputs before the final activation, one score per sample.
torch::Tensor classScores(GraphModule& module, const torch::Tensor& x, std::int64_t classIndex)
{
    const torch::Tensor out = module->forwardLogits(x).reshape({ x.size(0), -1 });
    if (classIndex < 0 || classIndex >= out.size(1))
        throw ModelError("class " + std::to_string(classIndex) + " does not exist: '" + module->graph().name()
            + "' has " + std::to_string(out.size(1)) + " output" + (out.size(1) == 1 ? "" : "s")
            + " (classes 0 to " + std::to_string(out.size(1) - 1) + ")");
    return out.select(1, classIndex);
}

// ∂score/∂x for every sample, on the CPU.
torch::Tensor scoreGradients(GraphModule& module, const torch::Tensor& samples, std::int64_t classIndex)
{
    checkOneInput(module, "an importance map");
    const EvalScope scope(module);
    const torch::AutoGradMode gradients(true);
    const torch::Device device = deviceOf(module);
    std::vector<torch::Tensor> parts;
    for (std::int64_t from = 0; from < samples.size(0); from += kChunk) {
        const torch::Tensor x
            = samples.slice(0, from, from + kChunk).to(device, torch::kFloat).detach().requires_grad_(true);
        const torch::Tensor score = classScores(module, x, classIndex).sum();
        // autograd::grad, not backward(): nothing accumulates on the module's parameters.
        parts.push_back(torch::autograd::grad({ score }, { x })[0].to(torch::kCPU));
    }
    return parts.empty() ? torch::zeros_like(samples, torch::kFloat) : torch::cat(parts);
}

void checkTabular(const torch::Tensor& samples, const std::string& what)
{
    if (samples.dim() != 2)
        throw DataError(what + " needs tabular samples (N, features); these have "
            + std::to_string(samples.dim()) + " axes");
}

// The outputs (after the final activation) for every sample, on the CPU, without gradients.
torch::Tensor outputs(GraphModule& module, const torch::Tensor& samples)
{
    const torch::NoGradGuard noGradients;
    const torch::Device device = deviceOf(module);
    std::vector<torch::Tensor> parts;
    for (std::int64_t from = 0; from < samples.size(0); from += kChunk)
        parts.push_back(
            module->forward(samples.slice(0, from, from + kChunk).to(device, torch::kFloat)).to(torch::kCPU));
    return torch::cat(parts);
}

// The first cell of every patch along an axis of `size` cells: every `stride`, and the last that fits.
std::vector<std::int64_t> patchStarts(std::int64_t size, std::int64_t patch, std::int64_t stride)
{
    std::vector<std::int64_t> starts;
    for (std::int64_t at = 0; at + patch <= size; at += stride)
        starts.push_back(at);
    if (starts.empty() || starts.back() != size - patch)
        starts.push_back(size - patch);
    return starts;
}

} // namespace

torch::Tensor gradientMap(GraphModule& module, const torch::Tensor& samples, std::int64_t classIndex)
{
    return scoreGradients(module, samples, classIndex).abs();
}

torch::Tensor occlusionMap(GraphModule& module, const torch::Tensor& sample, std::int64_t classIndex,
    std::int64_t patch, std::int64_t stride, double fill)
{
    checkOneInput(module, "an occlusion map");
    if (sample.dim() != 2 && sample.dim() != 3)
        throw DataError(
            "an occlusion map needs an image sample, (channels, height, width) or (height, width); "
            "this one has "
            + std::to_string(sample.dim()) + " axes");
    const std::int64_t height = sample.size(-2), width = sample.size(-1);
    if (patch < 1 || stride < 1 || patch > std::min(height, width))
        throw DataError("an occlusion patch of " + std::to_string(patch) + " cells moved by "
            + std::to_string(stride) + " does not fit a " + std::to_string(height) + "×"
            + std::to_string(width) + " image: the patch must be 1 to "
            + std::to_string(std::min(height, width)) + " cells and the stride at least 1");
    const EvalScope scope(module);
    const torch::NoGradGuard noGradients;
    const torch::Device device = deviceOf(module);
    const torch::Tensor image = sample.to(device, torch::kFloat).unsqueeze(0);
    const double base = classScores(module, image, classIndex).item<double>();

    std::vector<std::pair<std::int64_t, std::int64_t>> corners;
    for (std::int64_t y : patchStarts(height, patch, stride))
        for (std::int64_t x : patchStarts(width, patch, stride))
            corners.emplace_back(y, x);
    torch::Tensor fall = torch::zeros({ height, width }, torch::kDouble);
    torch::Tensor covered = torch::zeros({ height, width }, torch::kDouble);
    for (std::size_t from = 0; from < corners.size(); from += kChunk) {
        const std::size_t count = std::min<std::size_t>(kChunk, corners.size() - from);
        std::vector<std::int64_t> batchShape(image.sizes().begin(), image.sizes().end());
        batchShape[0] = static_cast<std::int64_t>(count);
        torch::Tensor batch = image.expand(batchShape).clone();
        for (std::size_t i = 0; i < count; ++i) {
            const auto [y, x] = corners[from + i];
            batch[static_cast<std::int64_t>(i)].narrow(-2, y, patch).narrow(-1, x, patch).fill_(fill);
        }
        const torch::Tensor scores = classScores(module, batch, classIndex).to(torch::kCPU, torch::kDouble);
        for (std::size_t i = 0; i < count; ++i) {
            const auto [y, x] = corners[from + i];
            fall.narrow(0, y, patch)
                .narrow(1, x, patch)
                .add_(base - scores[static_cast<std::int64_t>(i)].item<double>());
            covered.narrow(0, y, patch).narrow(1, x, patch).add_(1);
        }
    }
    return (fall / covered.clamp_min(1)).to(torch::kFloat);
}

std::vector<double> gradientTimesInput(
    GraphModule& module, const torch::Tensor& samples, std::int64_t classIndex)
{
    checkTabular(samples, "gradient × input");
    const torch::Tensor gradients = scoreGradients(module, samples, classIndex);
    const torch::Tensor mean
        = (gradients * samples.to(torch::kCPU, torch::kFloat)).abs().mean(0).to(torch::kDouble).contiguous();
    return std::vector<double>(mean.data_ptr<double>(), mean.data_ptr<double>() + mean.numel());
}

std::vector<double> permutationImportance(GraphModule& module, const torch::Tensor& samples,
    const torch::Tensor& targets, const ScoreMetric& metric, int repeats, std::uint64_t seed)
{
    checkOneInput(module, "permutation importance");
    checkTabular(samples, "permutation importance");
    if (targets.size(0) != samples.size(0))
        throw DataError("permutation importance needs one target per sample: "
            + std::to_string(samples.size(0)) + " samples, " + std::to_string(targets.size(0)) + " targets");
    if (repeats < 1)
        throw DataError(
            "permutation importance needs at least one shuffle per feature, not " + std::to_string(repeats));
    const EvalScope scope(module);
    const torch::Tensor x = samples.to(torch::kCPU, torch::kFloat).contiguous();
    const double base = metric(outputs(module, x), targets);
    torch::Generator generator = at::detail::createCPUGenerator(seed);
    std::vector<double> importance;
    for (std::int64_t f = 0; f < x.size(1); ++f) {
        double fall = 0;
        for (int r = 0; r < repeats; ++r) {
            const torch::Tensor order = torch::randperm(x.size(0), generator, torch::kLong);
            torch::Tensor shuffled = x.clone();
            shuffled.select(1, f).copy_(x.select(1, f).index_select(0, order));
            fall += base - metric(outputs(module, shuffled), targets);
        }
        importance.push_back(fall / repeats);
    }
    return importance;
}

std::vector<std::size_t> FeatureImportance::ranking() const
{
    const std::vector<double>& measure = permutation.empty() ? gradientTimesInput : permutation;
    std::vector<std::size_t> order(measure.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(
        order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return measure[a] > measure[b]; });
    return order;
}

double FeatureImportance::share(const std::vector<std::int64_t>& features) const
{
    const std::vector<double>& measure = permutation.empty() ? gradientTimesInput : permutation;
    double part = 0, total = 0;
    for (std::size_t f = 0; f < measure.size(); ++f) {
        const double value = std::max(measure[f], 0.0);
        total += value;
        if (std::find(features.begin(), features.end(), std::int64_t(f)) != features.end())
            part += value;
    }
    return total > 0 ? part / total : 0.0;
}

FeatureImportance featureImportance(GraphModule& module, const torch::Tensor& samples,
    const torch::Tensor& targets, Task task, std::vector<std::string> featureNames, std::int64_t classIndex)
{
    checkTabular(samples, "feature importance");
    FeatureImportance result;
    result.samples = static_cast<int>(samples.size(0));
    {
        const EvalScope scope(module);
        const torch::NoGradGuard noGradients;
        result.outputs = static_cast<int>(
            module->forward(samples.slice(0, 0, 1).to(deviceOf(module), torch::kFloat)).numel());
    }
    result.classIndex = classIndex >= 0 && classIndex < result.outputs ? static_cast<int>(classIndex) : 0;
    result.gradientTimesInput = gradientTimesInput(module, samples, result.classIndex);
    result.featureNames = std::move(featureNames);
    result.featureNames.resize(std::min(result.featureNames.size(), result.gradientTimesInput.size()));
    for (std::size_t i = result.featureNames.size(); i < result.gradientTimesInput.size(); ++i)
        result.featureNames.push_back("feature " + std::to_string(i));
    if (!targets.defined())
        return result;
    const std::string name = task == Task::Binary ? "auc" : task == Task::Classification ? "accuracy" : "mae";
    result.metric = task == Task::Binary ? "AUC" : task == Task::Classification ? "accuracy" : "−MAE";
    const ScoreMetric metric = [task, name](const torch::Tensor& scores, const torch::Tensor& truth) {
        const auto values = computeMetrics({ name }, task, scores, truth);
        const auto it = values.find(name);
        const double value = it == values.end() ? 0.0 : it->second;
        return name == "mae" ? -value : value;
    };
    result.permutation = permutationImportance(module, samples, targets.to(torch::kCPU), metric, 3, 7);
    return result;
}

ImageImportance imageImportance(GraphModule& module, const torch::Tensor& sample, std::int64_t classIndex)
{
    ImageImportance result;
    const torch::Tensor x = sample.unsqueeze(0).to(torch::kCPU, torch::kFloat);
    torch::Tensor out;
    {
        const EvalScope scope(module);
        out = outputs(module, x).flatten();
    }
    result.outputs = static_cast<int>(out.numel());
    result.predicted = out.numel() == 1 ? (out[0].item<float>() >= 0.5f ? 1 : 0)
                                        : static_cast<int>(out.argmax().item<std::int64_t>());
    result.classIndex = out.numel() == 1              ? 0
        : classIndex >= 0 && classIndex < out.numel() ? static_cast<int>(classIndex)
                                                      : result.predicted;
    result.height = sample.size(-2);
    result.width = sample.size(-1);
    // A patch of about an eighth of the image, moved by half its size: 15 × 15 positions on 32 × 32.
    result.patch = std::max<std::int64_t>(2, std::min(result.height, result.width) / 8);
    const torch::Tensor gradient = gradientMap(module, x, result.classIndex)[0];
    const torch::Tensor map = (gradient.dim() == 3 ? std::get<0>(gradient.max(0)) : gradient).contiguous();
    result.gradient.assign(map.data_ptr<float>(), map.data_ptr<float>() + map.numel());
    const torch::Tensor occluded
        = occlusionMap(module, x[0], result.classIndex, result.patch, result.patch / 2).contiguous();
    result.occlusion.assign(occluded.data_ptr<float>(), occluded.data_ptr<float>() + occluded.numel());
    return result;
}

} // namespace neurino
