#include "core/eval/EnergyResolution.h"

#include "core/util/Error.h"

#include <cmath>
#include <string>

namespace neurino {

namespace {

struct FitPoint {
    double x; // 1 / E
    double y; // sigma^2
    double w; // 1 / error(sigma^2)^2
};

// Weighted least squares of y = A x + B; `fixA` / `fixB` hold that term at zero.
void solve(const std::vector<FitPoint>& points, bool fixA, bool fixB, double& A, double& B)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const FitPoint& p : points) {
        sw += p.w;
        sx += p.w * p.x;
        sy += p.w * p.y;
        sxx += p.w * p.x * p.x;
        sxy += p.w * p.x * p.y;
    }
    A = B = 0;
    if (fixA && !fixB)
        B = sy / sw;
    else if (fixB && !fixA)
        A = sxy / sxx;
    else if (!fixA && !fixB) {
        const double det = sw * sxx - sx * sx;
        A = (sw * sxy - sx * sy) / det;
        B = (sxx * sy - sx * sxy) / det;
    }
}

} // namespace

double StochasticFit::at(double energy) const
{
    return std::sqrt(a * a / energy + b * b);
}

std::vector<double> equalEdges(double low, double high, int bins)
{
    if (!(high > low) || bins < 1)
        throw DataError("energy bins: need at least one bin over a range with high > low");
    std::vector<double> edges(std::size_t(bins) + 1);
    for (int i = 0; i <= bins; ++i)
        edges[std::size_t(i)] = low + (high - low) * i / bins;
    return edges;
}

EnergyResolution energyResolution(
    const std::vector<double>& truth, const std::vector<double>& predicted, const std::vector<double>& edges)
{
    if (truth.size() != predicted.size())
        throw DataError("energy resolution: " + std::to_string(predicted.size()) + " predicted energies but "
            + std::to_string(truth.size()) + " true ones");
    if (edges.size() < 2)
        throw DataError("energy resolution: need at least two bin edges");
    for (std::size_t i = 1; i < edges.size(); ++i)
        if (!(edges[i] > edges[i - 1]))
            throw DataError("energy resolution: bin edges must increase (edge " + std::to_string(i) + ")");

    const std::size_t nBins = edges.size() - 1;
    std::vector<double> sumE(nBins), sumR(nBins), sumRR(nBins);
    std::vector<std::int64_t> counts(nBins);
    double allR = 0, allRR = 0;
    std::int64_t all = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const double e = truth[i];
        if (!(e > 0))
            throw DataError("energy resolution: true energy " + std::to_string(e) + " of event "
                + std::to_string(i) + " is not positive");
        if (e < edges.front() || e > edges.back())
            continue;
        std::size_t bin = 0;
        while (bin + 1 < nBins && e >= edges[bin + 1])
            ++bin;
        const double r = (predicted[i] - e) / e;
        sumE[bin] += e;
        sumR[bin] += r;
        sumRR[bin] += r * r;
        ++counts[bin];
        allR += r;
        allRR += r * r;
        ++all;
    }

    // The standard deviation with Bessel's correction, from sums (r is of order 0.1: no cancellation).
    auto spread = [](double s, double ss, std::int64_t n) {
        return n > 1 ? std::sqrt(std::max(0.0, (ss - s * s / double(n)) / double(n - 1))) : 0.0;
    };
    EnergyResolution out;
    for (std::size_t b = 0; b < nBins; ++b) {
        ResolutionBin bin;
        bin.low = edges[b];
        bin.high = edges[b + 1];
        bin.count = counts[b];
        if (bin.count > 0) {
            const double n = double(bin.count);
            bin.meanEnergy = sumE[b] / n;
            bin.bias = sumR[b] / n;
            const double sigma = spread(sumR[b], sumRR[b], bin.count);
            bin.biasError = sigma / std::sqrt(n);
            bin.resolution = 1 + bin.bias > 0 ? sigma / (1 + bin.bias) : sigma;
            bin.resolutionError = bin.count > 1 ? bin.resolution / std::sqrt(2.0 * (n - 1)) : 0.0;
        } else {
            bin.meanEnergy = 0.5 * (bin.low + bin.high);
        }
        out.bins.push_back(bin);
    }
    if (all > 0) {
        out.overallBias = allR / double(all);
        const double sigma = spread(allR, allRR, all);
        out.overallResolution = 1 + out.overallBias > 0 ? sigma / (1 + out.overallBias) : sigma;
    }
    out.fit = fitStochasticTerm(out.bins);
    return out;
}

StochasticFit fitStochasticTerm(const std::vector<ResolutionBin>& bins)
{
    std::vector<FitPoint> points;
    for (const ResolutionBin& bin : bins) {
        if (bin.count < 2 || !(bin.meanEnergy > 0))
            continue;
        const double y = bin.resolution * bin.resolution;
        // error(sigma^2) = 2 sigma error(sigma); a bin with no spread at all gets a tiny error, not zero.
        const double error = std::max(2.0 * bin.resolution * bin.resolutionError, 1e-12);
        points.push_back({ 1.0 / bin.meanEnergy, y, 1.0 / (error * error) });
    }
    StochasticFit fit;
    if (points.size() < 2)
        return fit;
    double A = 0, B = 0;
    solve(points, false, false, A, B);
    if (A < 0)
        solve(points, true, false, A, B);
    else if (B < 0)
        solve(points, false, true, A, B);
    A = std::max(A, 0.0);
    B = std::max(B, 0.0);
    fit.valid = true;
    fit.a = std::sqrt(A);
    fit.b = std::sqrt(B);
    for (const FitPoint& p : points) {
        const double d = p.y - (A * p.x + B);
        fit.chi2 += d * d * p.w;
    }
    fit.ndf = int(points.size()) - 2;
    return fit;
}

} // namespace neurino
