#include "core/gan/ShowerValidation.h"

#include "core/eval/Histogram.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

torch::Tensor asImages(const torch::Tensor& images)
{
    torch::Tensor x = images.detach().to(torch::kCPU, torch::kDouble);
    if (x.dim() == 4 && x.size(1) == 1)
        x = x.squeeze(1);
    if (x.dim() != 3 || x.size(0) == 0)
        throw DataError("shower validation needs a batch of 2-D images (N, 1, H, W), got shape "
            + std::to_string(x.dim()) + "-D with " + std::to_string(x.dim() ? x.size(0) : 0) + " samples");
    return x;
}

// Largest |b / a - 1| where a holds at least kCentralFraction of its maximum.
double centralDeviation(const torch::Tensor& a, const torch::Tensor& b)
{
    const torch::Tensor central = a >= a.max() * kCentralFraction;
    if (!central.any().item<bool>() || a.max().item<double>() <= 0)
        return 0;
    const torch::Tensor ratio = b.masked_select(central) / a.masked_select(central);
    return (ratio - 1).abs().max().item<double>();
}

} // namespace

ShowerStats showerStats(const torch::Tensor& images)
{
    const torch::Tensor x = asImages(images);
    const std::int64_t h = x.size(1), w = x.size(2);
    ShowerStats s;
    s.averageImage = x.mean(0);
    s.transverseProfile = s.averageImage.sum(1);
    s.longitudinalProfile = s.averageImage.sum(0);
    s.energySums = x.sum({ 1, 2 });
    const torch::Tensor total = s.energySums.clamp_min(1e-12);
    const torch::Tensor rows = torch::arange(h, torch::kDouble).view({ 1, h });
    const torch::Tensor cols = torch::arange(w, torch::kDouble).view({ 1, w });
    const torch::Tensor rowEnergy = x.sum(2), colEnergy = x.sum(1);
    s.meanRow = (rowEnergy * rows).sum(1) / total;
    s.meanColumn = (colEnergy * cols).sum(1) / total;
    s.spreadRow = ((rowEnergy * (rows - s.meanRow.unsqueeze(1)).pow(2)).sum(1) / total).sqrt();
    s.spreadColumn = ((colEnergy * (cols - s.meanColumn.unsqueeze(1)).pow(2)).sum(1) / total).sqrt();
    return s;
}

ShowerComparison compareShowers(const ShowerStats& real, const ShowerStats& generated, int energyBins)
{
    if (real.averageImage.sizes() != generated.averageImage.sizes())
        throw DataError("real and generated showers have different image sizes");
    ShowerComparison c;
    // Both histograms over the central part of the real sums, with what lies outside counted in the edge bins
    // for both samples alike: a few extreme real showers do not stretch the range (squeezing the bulk into a
    // few bins), and a generator that misses the range shows as an excess in the edge bins. Fewer bins for
    // small samples, so that every bin holds enough real showers for the chi2 to mean something.
    const torch::Tensor sums = real.energySums.to(torch::kDouble);
    const double low = torch::quantile(sums, kEnergyTail).item<double>();
    const double high = torch::quantile(sums, 1.0 - kEnergyTail).item<double>();
    const double margin = std::max(1e-9, 1e-6 * std::abs(high - low));
    const auto perBin = static_cast<int>(sums.size(0) / kRealShowersPerBin);
    const int bins = std::max(1, std::min(energyBins, perBin));
    Histogram hr(bins, low, high + margin), hg(bins, low, high + margin);
    hr.fill(sums.clamp(low, high));
    hg.fill(generated.energySums.to(torch::kDouble).clamp(low, high));
    c.energyChi2 = chi2Test(hr, hg, Chi2Comparison::Shape);
    for (int b = 0; b <= bins; ++b)
        c.binEdges.push_back(hr.binLow(0) + b * hr.binWidth());
    const Histogram nr = hr.normalized(), ng = hg.normalized();
    c.realEnergy = nr.contents();
    c.generatedEnergy = ng.contents();
    c.profileDeviation = std::max(centralDeviation(real.transverseProfile, generated.transverseProfile),
        centralDeviation(real.longitudinalProfile, generated.longitudinalProfile));
    c.centralCellDeviation = centralDeviation(real.averageImage, generated.averageImage);
    c.meanRowShift = generated.meanRow.mean().item<double>() - real.meanRow.mean().item<double>();
    c.meanColumnShift = generated.meanColumn.mean().item<double>() - real.meanColumn.mean().item<double>();
    c.spreadRowRatio
        = generated.spreadRow.mean().item<double>() / std::max(real.spreadRow.mean().item<double>(), 1e-12);
    c.spreadColumnRatio = generated.spreadColumn.mean().item<double>()
        / std::max(real.spreadColumn.mean().item<double>(), 1e-12);
    return c;
}

std::vector<ResponseBin> responseCurve(
    const torch::Tensor& energySums, const torch::Tensor& conditions, int bins)
{
    const torch::Tensor sums = energySums.detach().to(torch::kCPU, torch::kDouble).flatten();
    const torch::Tensor cond = conditions.detach().to(torch::kCPU, torch::kDouble).flatten();
    if (sums.size(0) != cond.size(0) || sums.size(0) == 0)
        throw DataError("the response curve needs one condition per shower");
    const double low = cond.min().item<double>(), high = cond.max().item<double>();
    std::vector<ResponseBin> curve;
    for (int b = 0; b < bins; ++b) {
        ResponseBin r;
        r.conditionLow = low + (high - low) * b / bins;
        r.conditionHigh = low + (high - low) * (b + 1) / bins;
        const torch::Tensor in
            = (cond >= r.conditionLow) & (b + 1 == bins ? cond <= r.conditionHigh : cond < r.conditionHigh);
        r.showers = in.sum().item<std::int64_t>();
        if (r.showers >= 2) {
            const torch::Tensor s = sums.masked_select(in), e = cond.masked_select(in);
            r.response = (s / e.clamp_min(1e-12)).mean().item<double>();
            r.resolution = s.std().item<double>() / std::max(s.mean().item<double>(), 1e-12);
        }
        curve.push_back(r);
    }
    return curve;
}

} // namespace neurino
