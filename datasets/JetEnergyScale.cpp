#include "datasets/JetEnergyScale.h"

#include "core/util/Error.h"
#include "datasets/HiggsEvents.h"

#include <torch/torch.h>

#include <string>

namespace neurino::datasets {

const std::vector<std::int64_t>& jetEnergyColumns()
{
    static const std::vector<std::int64_t> columns = { 5, 9, 13, 17, 21, 22, 25, 26 };
    return columns;
}

torch::Tensor scaleJetEnergy(const torch::Tensor& features, const torch::Tensor& scale)
{
    if (features.dim() != 2 || features.size(1) != higgs::kFeatures)
        throw DataError("a jet energy scale applies to the 'higgs' generator's "
            + std::to_string(higgs::kFeatures) + " features per event; got a tensor of "
            + std::to_string(features.dim()) + " dimension(s) with "
            + std::to_string(features.dim() == 2 ? features.size(1) : 0) + " columns");
    if (scale.numel() != 1 && scale.numel() != features.size(0))
        throw DataError("a jet energy scale needs one factor or one per event ("
            + std::to_string(features.size(0)) + "), not " + std::to_string(scale.numel()));
    torch::Tensor shifted = features.clone();
    const torch::Tensor factor = scale.to(features.dtype()).reshape({ -1 });
    for (const std::int64_t column : jetEnergyColumns())
        shifted.select(1, column).mul_(factor);
    return shifted;
}

torch::Tensor scaleJetEnergy(const torch::Tensor& features, double scale)
{
    return scaleJetEnergy(features, torch::full({ 1 }, scale, torch::kFloat64));
}

} // namespace neurino::datasets
