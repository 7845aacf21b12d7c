#include "core/eval/AnomalyScore.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <string>

namespace neurino {

torch::Tensor reconstructionErrorMap(const torch::Tensor& inputs, const torch::Tensor& reconstructions)
{
    if (!inputs.defined() || !reconstructions.defined() || inputs.dim() == 0 || reconstructions.dim() == 0)
        throw DataError(
            "a reconstruction error needs the inputs and their reconstructions, one row per sample");
    if (inputs.size(0) != reconstructions.size(0) || inputs.numel() != reconstructions.numel())
        throw DataError("the reconstructions (" + std::to_string(reconstructions.numel()) + " values in "
            + std::to_string(reconstructions.size(0)) + " samples) do not match the inputs ("
            + std::to_string(inputs.numel()) + " values in " + std::to_string(inputs.size(0))
            + " samples); the model's output must have its input's size");
    const torch::Tensor x = inputs.to(torch::kCPU, torch::kFloat64);
    const torch::Tensor r = reconstructions.to(torch::kCPU, torch::kFloat64).reshape(x.sizes());
    return (r - x).pow(2);
}

torch::Tensor anomalyScores(const torch::Tensor& inputs, const torch::Tensor& reconstructions)
{
    const torch::Tensor map = reconstructionErrorMap(inputs, reconstructions);
    return map.reshape({ map.size(0), -1 }).mean(1);
}

} // namespace neurino
