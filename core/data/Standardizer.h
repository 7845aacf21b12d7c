#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

// Per-feature standardisation x' = (x - mean) / scale, as scikit-learn's StandardScaler: fitted on the
// training part only, stored in the checkpoint, and applied unchanged to validation, test and evaluation
// data. Features are every element of a sample: the mean and scale have the sample's shape.
class Standardizer {
public:
    // An identity transform, not fitted.
    Standardizer() = default;
    // From stored statistics (a checkpoint); both of the sample's shape.
    Standardizer(torch::Tensor mean, torch::Tensor scale);

    // Fits on the rows `indices` (int64, default all rows) of `features` (N, ...), reading them in chunks
    // of `chunkRows`, so the training part is never copied as a whole. Accumulates in float64. A constant
    // feature gets scale 1, as scikit-learn does. Throws DataError naming the feature (by `featureNames`
    // when given) when a value is NaN or infinite.
    static Standardizer fit(const torch::Tensor& features, const torch::Tensor& indices = {},
        const std::vector<std::string>& featureNames = {}, std::int64_t chunkRows = 65536);

    bool fitted() const { return m_mean.defined(); }
    const torch::Tensor& mean() const { return m_mean; } // float32, CPU, sample shape
    const torch::Tensor& scale() const { return m_scale; } // float32, CPU, sample shape

    // (x - mean) / scale for a batch (B, ...) on any device; x unchanged when not fitted.
    torch::Tensor apply(const torch::Tensor& x) const;
    // mean + x * scale.
    torch::Tensor invert(const torch::Tensor& x) const;

private:
    const std::pair<torch::Tensor, torch::Tensor>& on(const c10::Device& device) const;

    torch::Tensor m_mean;
    torch::Tensor m_scale;
    // The statistics on the last device a batch came from, so each batch does not copy them again.
    mutable std::pair<torch::Tensor, torch::Tensor> m_onDevice;
};

} // namespace neurino
