#include "core/train/Evaluator.h"

#include "core/eval/AnomalyScore.h"
#include "core/eval/Metrics.h"
#include "core/eval/RocCurve.h"
#include "core/nn/EvalScope.h"
#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

std::vector<std::string> defaultMetrics(Task task)
{
    switch (task) {
    case Task::Binary:
        return { "accuracy", "auc" };
    case Task::Classification:
        return { "accuracy" };
    case Task::Regression:
    case Task::Images:
        return { "mae" };
    case Task::Reconstruction:
        return { "mse" };
    case Task::Unlabelled:
        return {};
    }
    return {};
}

std::map<std::string, double> computeMetrics(const std::vector<std::string>& names, Task task,
    const torch::Tensor& scores, const torch::Tensor& targets)
{
    std::map<std::string, double> out;
    if (!targets.defined() || scores.size(0) == 0)
        return out;
    const bool classes = task == Task::Binary || task == Task::Classification;
    for (const auto& name : names) {
        if (name == "accuracy" && classes) {
            out[name] = accuracy(scores, targets);
        } else if (name == "auc" && task == Task::Binary) {
            const torch::Tensor positive
                = scores.dim() == 2 && scores.size(1) == 2 ? scores.select(1, 1) : scores;
            const torch::Tensor labels = targets.reshape({ -1 });
            const std::int64_t signal = labels.sum().item<std::int64_t>();
            if (signal > 0 && signal < labels.numel())
                out[name] = rocAuc(positive, labels);
        } else if (!classes && (name == "mape" || name == "mae" || name == "mse")) {
            const torch::Tensor y = targets.to(scores.device(), torch::kFloat64).reshape(scores.sizes());
            const torch::Tensor p = scores.to(torch::kFloat64);
            if (name == "mape")
                out[name] = meanAbsolutePercentageError(p, y);
            else if (name == "mae")
                out[name] = (p - y).abs().mean().item<double>();
            else
                out[name] = (p - y).pow(2).mean().item<double>();
        }
    }
    return out;
}

Evaluation evaluateModel(GraphModule& module, const Loss& loss, const Dataset& data,
    const torch::Tensor& rowsIn, const Standardizer* standardizer, const EvaluationOptions& options)
{
    Evaluation result;
    const torch::Tensor rows = rowsIn.to(torch::kCPU, torch::kInt64);
    result.samples = rows.numel();
    if (result.samples == 0)
        return result;
    torch::NoGradGuard noGrad;
    const EvalScope evalScope(module);
    const bool reconstruction = data.info.task == Task::Reconstruction;
    const bool labelled = data.targets.defined() || reconstruction;
    torch::Tensor lossSum
        = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(options.device));
    std::vector<torch::Tensor> scores, targets;
    for (std::int64_t begin = 0; begin < result.samples; begin += options.batchSize) {
        const torch::Tensor index = rows.slice(0, begin, std::min(result.samples, begin + options.batchSize));
        torch::Tensor x = data.features.index_select(0, index).to(options.device);
        x = standardizer ? standardizer->apply(x) : x.to(torch::kFloat32);
        const torch::Tensor out = loss.usesLogits() ? module->forwardLogits(x) : module->forward(x);
        if (labelled) {
            const torch::Tensor y
                = reconstruction ? x : data.targets.index_select(0, index).to(options.device);
            lossSum += loss.compute(out, y).to(torch::kFloat64) * index.numel();
            targets.push_back(y);
        }
        scores.push_back(loss.scores(out).to(torch::kFloat32));
    }
    const torch::Tensor allScores = torch::cat(scores);
    const torch::Tensor allTargets = labelled ? torch::cat(targets) : torch::Tensor();
    if (labelled) {
        result.metrics["loss"] = lossSum.item<double>() / static_cast<double>(result.samples);
        const auto names = options.metrics.empty() ? defaultMetrics(data.info.task) : options.metrics;
        for (const auto& [name, value] : computeMetrics(names, data.info.task, allScores, allTargets))
            result.metrics[name] = value;
    }
    if (options.keepScores) {
        result.scores = allScores.to(torch::kCPU);
        result.targets = labelled ? allTargets.to(torch::kCPU) : torch::Tensor();
    }
    return result;
}

torch::Tensor predict(GraphModule& module, const torch::Tensor& features, const Standardizer* standardizer,
    const c10::Device& device, std::int64_t batchSize, const std::string& node)
{
    torch::NoGradGuard noGrad;
    const EvalScope evalScope(module);
    std::vector<torch::Tensor> out;
    const std::int64_t n = features.size(0);
    for (std::int64_t begin = 0; begin < n; begin += batchSize) {
        torch::Tensor x = features.slice(0, begin, std::min(n, begin + batchSize)).to(device);
        x = standardizer ? standardizer->apply(x) : x.to(torch::kFloat32);
        out.push_back((node.empty() ? module->forward(x) : module->activation(x, node)).to(torch::kCPU));
    }
    return out.empty() ? torch::empty({ 0 }) : torch::cat(out);
}

Reconstruction reconstruct(GraphModule& module, const torch::Tensor& features,
    const Standardizer* standardizer, const c10::Device& device, std::int64_t batchSize)
{
    Reconstruction out;
    out.inputs = standardizer ? standardizer->apply(features) : features.to(torch::kFloat32);
    out.outputs = predict(module, features, standardizer, device, batchSize).reshape(out.inputs.sizes());
    out.errorMap = reconstructionErrorMap(out.inputs, out.outputs);
    out.scores = out.errorMap.reshape({ out.errorMap.size(0), -1 }).mean(1);
    return out;
}

} // namespace neurino
