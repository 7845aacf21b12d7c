#include "core/eval/Metrics.h"

#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

torch::Tensor predictedClasses(const torch::Tensor& scores, double threshold)
{
    if (scores.dim() == 2 && scores.size(1) > 1)
        return scores.argmax(1).to(torch::kInt64);
    return (scores.reshape({ scores.size(0) }) > threshold).to(torch::kInt64);
}

double accuracy(const torch::Tensor& scores, const torch::Tensor& targets, double threshold)
{
    if (scores.dim() == 0 || scores.size(0) == 0)
        throw DataError("accuracy of an empty set of predictions is not defined");
    if (targets.numel() != scores.size(0))
        throw DataError("accuracy: " + std::to_string(scores.size(0)) + " predictions but "
            + std::to_string(targets.numel()) + " targets");
    const torch::Tensor predicted = predictedClasses(scores.detach(), threshold);
    const torch::Tensor truth = targets.reshape({ -1 }).to(predicted.device(), torch::kInt64);
    return predicted.eq(truth).to(torch::kFloat64).mean().item<double>();
}

double meanAbsolutePercentageError(const torch::Tensor& predictions, const torch::Tensor& targets)
{
    if (predictions.numel() == 0)
        throw DataError("the percentage error of an empty set of predictions is not defined");
    if (predictions.numel() != targets.numel())
        throw DataError("percentage error: " + std::to_string(predictions.numel()) + " predicted values but "
            + std::to_string(targets.numel()) + " targets");
    const torch::Tensor y = targets.reshape({ -1 }).to(predictions.device(), torch::kFloat64);
    const torch::Tensor p = predictions.detach().reshape({ -1 }).to(torch::kFloat64);
    return ((y - p).abs() / y.abs().clamp_min(kPercentageEpsilon)).mean().item<double>() * 100.0;
}

} // namespace neurino
