#include "core/data/Standardizer.h"

#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

Standardizer::Standardizer(torch::Tensor mean, torch::Tensor scale)
    : m_mean(mean.to(torch::kCPU, torch::kFloat32).contiguous())
    , m_scale(scale.to(torch::kCPU, torch::kFloat32).contiguous())
{
    if (!m_mean.sizes().equals(m_scale.sizes()))
        throw DataError("standardizer: the mean and the scale have different shapes");
    if (!(m_scale > 0).all().item<bool>())
        throw DataError("standardizer: every scale must be positive");
}

Standardizer Standardizer::fit(const torch::Tensor& features, const torch::Tensor& indicesIn,
    const std::vector<std::string>& featureNames, std::int64_t chunkRows)
{
    if (!features.defined() || features.dim() < 1)
        throw DataError("standardizer: no features to fit on");
    const torch::Tensor indices
        = indicesIn.defined() ? indicesIn.to(torch::kCPU, torch::kInt64) : torch::Tensor();
    const std::int64_t rows = indices.defined() ? indices.numel() : features.size(0);
    if (rows == 0)
        throw DataError("standardizer: the training part is empty");
    const auto sampleShape = features.sizes().slice(1).vec();
    torch::Tensor sum = torch::zeros(sampleShape, torch::kFloat64);
    torch::Tensor sumSq = torch::zeros(sampleShape, torch::kFloat64);
    // Shifting by the first row keeps the float64 sums accurate for features far from zero.
    const torch::Tensor shift
        = (indices.defined() ? features.index_select(0, indices.slice(0, 0, 1)) : features.slice(0, 0, 1))
              .to(torch::kCPU, torch::kFloat64)[0];
    for (std::int64_t begin = 0; begin < rows; begin += chunkRows) {
        const std::int64_t end = std::min(rows, begin + chunkRows);
        torch::Tensor chunk = indices.defined()
            ? features.index_select(0, indices.slice(0, begin, end).to(features.device()))
            : features.slice(0, begin, end);
        chunk = chunk.to(torch::kCPU, torch::kFloat64) - shift;
        sum += chunk.sum(0);
        sumSq += (chunk * chunk).sum(0);
    }
    const double n = static_cast<double>(rows);
    const torch::Tensor centred = sum / n;
    const torch::Tensor variance = (sumSq / n - centred * centred).clamp_min(0.0);
    const torch::Tensor mean = centred + shift;
    const torch::Tensor bad = (~torch::isfinite(mean) | ~torch::isfinite(variance)).reshape({ -1 }).nonzero();
    if (bad.numel() > 0) {
        const std::int64_t i = bad[0][0].item<std::int64_t>();
        const std::string name = i < static_cast<std::int64_t>(featureNames.size())
            ? "feature " + std::to_string(i) + " ('" + featureNames[i] + "')"
            : "feature " + std::to_string(i);
        throw DataError("the training data's " + name + " holds NaN or infinite values ("
            + std::to_string(bad.size(0)) + " feature(s) affected); clean the dataset before training");
    }
    torch::Tensor scale = variance.sqrt();
    // Constant features would divide by zero; scikit-learn leaves them unscaled.
    scale = torch::where(scale < 1e-12 * (1.0 + mean.abs()), torch::ones_like(scale), scale);
    return Standardizer(mean, scale);
}

const std::pair<torch::Tensor, torch::Tensor>& Standardizer::on(const c10::Device& device) const
{
    if (!m_onDevice.first.defined() || m_onDevice.first.device() != device)
        m_onDevice = { m_mean.to(device), m_scale.to(device) };
    return m_onDevice;
}

torch::Tensor Standardizer::apply(const torch::Tensor& x) const
{
    if (!fitted())
        return x;
    if (!x.sizes().slice(1).equals(m_mean.sizes()))
        throw DataError("standardizer: samples of shape " + c10::str(x.sizes().slice(1))
            + " do not match the fitted shape " + c10::str(m_mean.sizes()));
    const auto& [mean, scale] = on(x.device());
    return (x.to(torch::kFloat32) - mean) / scale;
}

torch::Tensor Standardizer::invert(const torch::Tensor& x) const
{
    if (!fitted())
        return x;
    const auto& [mean, scale] = on(x.device());
    return x * scale + mean;
}

} // namespace neurino
