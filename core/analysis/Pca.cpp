#include "core/analysis/Pca.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>

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
        throw DataError("PCA cannot give " + std::to_string(components) + " components of "
            + std::to_string(x.size(1)) + "-dimensional data");
    m_mean = x.mean(0);
    const torch::Tensor centred = x - m_mean;
    torch::Tensor s;
    if (x.size(1) <= x.size(0)) {
        // The SVD of the D x D scatter matrix is as exact and far cheaper than that of N x D when N >> D.
        const auto [u, values, vh]
            = torch::linalg::svd(centred.t().mm(centred), /*full_matrices=*/false, c10::nullopt);
        s = values;
        m_components = u.t().slice(0, 0, components).contiguous();
    } else {
        // More dimensions than samples (a layer's activations): the N x N Gram matrix has the same non-zero
        // eigenvalues, and X^T u / sqrt(lambda) are the axes.
        const auto [u, values, vh]
            = torch::linalg::svd(centred.mm(centred.t()), /*full_matrices=*/false, c10::nullopt);
        s = values;
        const std::int64_t k = std::min(components, x.size(0));
        const torch::Tensor axes = centred.t().mm(u.slice(1, 0, k)).t();
        const torch::Tensor norms = axes.norm(2, /*dim=*/ { 1 }, /*keepdim=*/true).clamp_min(1e-300);
        m_components = torch::zeros({ components, x.size(1) }, torch::kDouble);
        m_components.slice(0, 0, k).copy_(axes / norms);
        if (s.size(0) < components)
            s = torch::cat({ s, torch::zeros({ components - s.size(0) }, torch::kDouble) });
    }
    // Fix each axis's sign as scikit-learn does (largest |loading| positive), so results are reproducible.
    const torch::Tensor maxIndex = m_components.abs().argmax(1);
    const torch::Tensor signs = m_components.gather(1, maxIndex.unsqueeze(1)).sign();
    m_components = m_components * signs;
    const torch::Tensor total = s.sum();
    m_ratio = total.item<double>() > 0 ? (s / total).slice(0, 0, components) : torch::zeros({ components });
    m_ratio = m_ratio.to(torch::kFloat);
}

torch::Tensor Pca::transform(const torch::Tensor& data) const
{
    const torch::Tensor x = asRows(data);
    if (x.size(1) != m_mean.size(0))
        throw DataError("PCA was fitted to " + std::to_string(m_mean.size(0))
            + "-dimensional data but is given " + std::to_string(x.size(1)) + " dimensions");
    return (x - m_mean).mm(m_components.t()).to(torch::kFloat);
}

} // namespace neurino
