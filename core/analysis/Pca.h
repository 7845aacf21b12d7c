#pragma once

#include <torch/types.h>

namespace neurino {

// Principal component analysis by LibTorch's SVD of the centred data.
class Pca {
public:
    // Fits `components` principal axes to the rows of `data` (N x D, any float type; flattened beyond 2-D).
    // Throws DataError when there are fewer than two rows or more components than dimensions.
    Pca(const torch::Tensor& data, std::int64_t components);

    // Projects rows onto the principal axes: (N x D) -> (N x components), float32.
    torch::Tensor transform(const torch::Tensor& data) const;

    const torch::Tensor& mean() const { return m_mean; } // (D)
    const torch::Tensor& components() const { return m_components; } // (components x D), orthonormal rows
    // Fraction of the total variance along each component, largest first.
    const torch::Tensor& explainedVarianceRatio() const { return m_ratio; }

private:
    torch::Tensor m_mean, m_components, m_ratio;
};

} // namespace neurino
