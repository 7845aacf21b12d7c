#include "core/eval/Histogram.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <cmath>

namespace neurino {

Histogram::Histogram(int bins, double low, double high)
    : m_low(low)
    , m_high(high)
{
    if (bins < 1)
        throw DataError("a histogram needs at least one bin, got " + std::to_string(bins));
    if (!std::isfinite(low) || !std::isfinite(high) || !(high > low))
        throw DataError("a histogram range must be finite with high > low, got [" + std::to_string(low) + ", "
            + std::to_string(high) + ")");
    m_contents.assign(static_cast<std::size_t>(bins), 0.0);
    m_sumw2.assign(static_cast<std::size_t>(bins), 0.0);
}

Histogram Histogram::ofValues(const torch::Tensor& values, int bins, const torch::Tensor& weights)
{
    const torch::Tensor v = values.detach().reshape({ -1 }).to(torch::kCPU, torch::kFloat64);
    const torch::Tensor finite = v.index({ torch::isfinite(v) });
    double lo = 0, hi = 1;
    if (finite.numel() > 0) {
        lo = finite.min().item<double>();
        hi = finite.max().item<double>();
    }
    // Widen so the maximum falls inside the last bin and a constant sample still has a range.
    const double pad = hi > lo ? (hi - lo) * 1e-6 : std::max(std::abs(lo) * 1e-3, 0.5);
    Histogram h(bins, lo - (hi > lo ? 0 : pad), hi + pad);
    h.fill(values, weights);
    return h;
}

int Histogram::findBin(double value) const
{
    if (value < m_low)
        return -1;
    if (value >= m_high)
        return bins();
    const int bin = static_cast<int>((value - m_low) / binWidth());
    return std::min(bin, bins() - 1);
}

void Histogram::fill(double value, double weight)
{
    if (std::isnan(value)) {
        ++m_nans;
        return;
    }
    ++m_entries;
    const int bin = findBin(value);
    if (bin < 0) {
        m_underflow += weight;
    } else if (bin >= bins()) {
        m_overflow += weight;
    } else {
        m_contents[static_cast<std::size_t>(bin)] += weight;
        m_sumw2[static_cast<std::size_t>(bin)] += weight * weight;
    }
    if (std::isfinite(value)) {
        m_sumW += weight;
        m_sumWX += weight * value;
        m_sumWX2 += weight * value * value;
    }
}

void Histogram::fill(const torch::Tensor& values, const torch::Tensor& weights)
{
    torch::Tensor v = values.detach().reshape({ -1 }).to(torch::kCPU, torch::kFloat64);
    torch::Tensor w = weights.defined() ? weights.detach().reshape({ -1 }).to(torch::kCPU, torch::kFloat64)
                                        : torch::ones_like(v);
    if (w.numel() != v.numel())
        throw DataError("histogram: " + std::to_string(v.numel()) + " values but " + std::to_string(w.numel())
            + " weights");
    const torch::Tensor nan = torch::isnan(v);
    m_nans += nan.sum().item<std::int64_t>();
    v = v.index({ ~nan });
    w = w.index({ ~nan });
    m_entries += v.numel();
    if (v.numel() == 0)
        return;

    const torch::Tensor below = v < m_low;
    const torch::Tensor above = v >= m_high;
    m_underflow += w.index({ below }).sum().item<double>();
    m_overflow += w.index({ above }).sum().item<double>();
    const torch::Tensor inside = ~(below | above);
    const torch::Tensor vi = v.index({ inside });
    const torch::Tensor wi = w.index({ inside });
    const torch::Tensor bin = ((vi - m_low) / binWidth()).floor().to(torch::kInt64).clamp(0, bins() - 1);
    const torch::Tensor sums = torch::zeros({ bins() }, torch::kFloat64).index_add_(0, bin, wi);
    const torch::Tensor sums2 = torch::zeros({ bins() }, torch::kFloat64).index_add_(0, bin, wi * wi);
    const double* s1 = sums.data_ptr<double>();
    const double* s2 = sums2.data_ptr<double>();
    for (std::size_t i = 0; i < m_contents.size(); ++i) {
        m_contents[i] += s1[i];
        m_sumw2[i] += s2[i];
    }
    const torch::Tensor finite = torch::isfinite(v);
    const torch::Tensor vf = v.index({ finite });
    const torch::Tensor wf = w.index({ finite });
    m_sumW += wf.sum().item<double>();
    m_sumWX += (wf * vf).sum().item<double>();
    m_sumWX2 += (wf * vf * vf).sum().item<double>();
}

void Histogram::add(const Histogram& other)
{
    if (other.bins() != bins() || other.m_low != m_low || other.m_high != m_high)
        throw DataError("cannot add histograms with different binning");
    for (std::size_t i = 0; i < m_contents.size(); ++i) {
        m_contents[i] += other.m_contents[i];
        m_sumw2[i] += other.m_sumw2[i];
    }
    m_underflow += other.m_underflow;
    m_overflow += other.m_overflow;
    m_entries += other.m_entries;
    m_nans += other.m_nans;
    m_sumW += other.m_sumW;
    m_sumWX += other.m_sumWX;
    m_sumWX2 += other.m_sumWX2;
}

double Histogram::error(int bin) const
{
    return std::sqrt(m_sumw2.at(static_cast<std::size_t>(bin)));
}

double Histogram::integral() const
{
    double sum = 0;
    for (double c : m_contents)
        sum += c;
    return sum;
}

double Histogram::mean() const
{
    return m_sumW != 0 ? m_sumWX / m_sumW : 0.0;
}

double Histogram::stdDev() const
{
    if (m_sumW == 0)
        return 0.0;
    const double m = mean();
    return std::sqrt(std::max(0.0, m_sumWX2 / m_sumW - m * m));
}

void Histogram::scale(double factor)
{
    for (std::size_t i = 0; i < m_contents.size(); ++i) {
        m_contents[i] *= factor;
        m_sumw2[i] *= factor * factor;
    }
    m_underflow *= factor;
    m_overflow *= factor;
}

Histogram Histogram::normalized(bool density) const
{
    Histogram out = *this;
    const double sum = integral();
    if (sum != 0)
        out.scale(1.0 / (density ? sum * binWidth() : sum));
    return out;
}

} // namespace neurino
