#include "core/analysis/Pca.h"

#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

namespace {

torch::Tensor asRows(const torch::Tensor& data)
{
    torch::Tensor x = data.to(torch::kDouble);
    return x.dim() == 1 ? x.unsqueeze(1) : x.flatten(1);
}

} // namespace

Pca::Pca(const torch::Tensor& data, std::int64_t components)
{
    const torch::Tensor x = asRows(data);
    if (x.size(0) < 2)
        throw DataError("PCA needs at least two samples, got " + std::to_string(x.size(0)));
    if (components < 1 || components > x.size(1))
        throw DataError("PCA cannot give " + std::to_string(components) + " components of " +
                        std::to_string(x.size(1)) + "-dimensional data");
    m_mean = x.mean(0);
    const torch::Tensor centred = x - m_mean;
    // The SVD of the D x D scatter matrix is as exact and far cheaper than that of N x D when N >> D.
    const auto [u, s, vh] = torch::linalg::svd(centred.t().mm(centred), /*full_matrices=*/false, c10::nullopt);
    m_components = u.t().slice(0, 0, components).contiguous();
    // Fix each axis's sign as scikit-learn does (largest |loading| positive), so results are reproducible.
    const torch::Tensor maxIndex = m_components.abs().argmax(1);
    const torch::Tensor signs = m_components.gather(1, maxIndex.unsqueeze(1)).sign();
    m_components = m_components * signs;
    const torch::Tensor total = s.sum();
    m_ratio = total.item<double>() > 0 ? (s / total).slice(0, 0, components) : torch::zeros({components});
    m_ratio = m_ratio.to(torch::kFloat);
}

torch::Tensor Pca::transform(const torch::Tensor& data) const
{
    const torch::Tensor x = asRows(data);
    if (x.size(1) != m_mean.size(0))
        throw DataError("PCA was fitted to " + std::to_string(m_mean.size(0)) + "-dimensional data but is given " +
                        std::to_string(x.size(1)) + " dimensions");
    return (x - m_mean).mm(m_components.t()).to(torch::kFloat);
}

} // namespace neurino
