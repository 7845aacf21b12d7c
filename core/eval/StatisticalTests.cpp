#include "core/eval/StatisticalTests.h"

#include "core/eval/Histogram.h"
#include "core/util/Error.h"
#include "core/util/LogGamma.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace neurino {

namespace {

// Iterations of the series and continued fraction of the incomplete gamma function.
constexpr int kGammaIterations = 1000;
// Relative precision those iterations stop at.
constexpr double kGammaEpsilon = 1e-15;

std::vector<double> sortedFinite(const torch::Tensor& t)
{
    const torch::Tensor v = t.detach().reshape({ -1 }).to(torch::kCPU, torch::kFloat64);
    const torch::Tensor kept = std::get<0>(torch::sort(v.index({ ~torch::isnan(v) }))).contiguous();
    return std::vector<double>(kept.data_ptr<double>(), kept.data_ptr<double>() + kept.numel());
}

// P(D >= d) for samples of sizes m and n without ties, by counting lattice paths (R's psmirnov2x).
double exactKsPValue(double d, std::int64_t m, std::int64_t n)
{
    if (m > n)
        std::swap(m, n);
    const double md = static_cast<double>(m), nd = static_cast<double>(n);
    // Paths whose distance reaches d are the ones counted against; q sits half a lattice step below d.
    const double q = (0.5 + std::floor(d * md * nd - 1e-7)) / (md * nd);
    std::vector<double> u(static_cast<std::size_t>(n + 1));
    for (std::int64_t j = 0; j <= n; ++j)
        u[j] = (static_cast<double>(j) / nd > q) ? 0.0 : 1.0;
    for (std::int64_t i = 1; i <= m; ++i) {
        const double w = static_cast<double>(i) / static_cast<double>(i + n);
        u[0] = (static_cast<double>(i) / md > q) ? 0.0 : w * u[0];
        for (std::int64_t j = 1; j <= n; ++j) {
            if (std::abs(static_cast<double>(i) / md - static_cast<double>(j) / nd) > q)
                u[j] = 0.0;
            else
                u[j] = w * u[j] + u[j - 1];
        }
    }
    return std::clamp(1.0 - u[static_cast<std::size_t>(n)], 0.0, 1.0);
}

// Regularised lower incomplete gamma P(a, x) by its series (x < a + 1).
double gammaSeries(double a, double x)
{
    double term = 1.0 / a, sum = term;
    for (int i = 1; i < kGammaIterations; ++i) {
        term *= x / (a + i);
        sum += term;
        if (std::abs(term) < std::abs(sum) * kGammaEpsilon)
            break;
    }
    return sum * std::exp(-x + a * std::log(x) - logGamma(a));
}

// Regularised upper incomplete gamma Q(a, x) by its continued fraction (x >= a + 1), Lentz's method.
double gammaContinuedFraction(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < kGammaIterations; ++i) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (std::abs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (std::abs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1.0) < kGammaEpsilon)
            break;
    }
    return std::exp(-x + a * std::log(x) - logGamma(a)) * h;
}

void requireSameBinning(const Histogram& a, const Histogram& b)
{
    if (a.bins() != b.bins() || a.low() != b.low() || a.high() != b.high())
        throw DataError("chi2 test: the histograms have different binnings (" + std::to_string(a.bins())
            + " bins over [" + std::to_string(a.low()) + ", " + std::to_string(a.high()) + ") and "
            + std::to_string(b.bins()) + " over [" + std::to_string(b.low()) + ", " + std::to_string(b.high())
            + "))");
}

bool isUnweighted(const Histogram& h)
{
    for (int i = 0; i < h.bins(); ++i)
        if (std::abs(h.sumOfSquaredWeights()[i] - h.content(i)) > 1e-9 * std::max(1.0, h.content(i)))
            return false;
    return true;
}

} // namespace

double kolmogorovSurvival(double lambda)
{
    if (lambda <= 0)
        return 1.0;
    if (lambda < 1.18) {
        // The series in exp(-pi^2 / lambda^2) converges fast for small lambda.
        const double y = std::exp(-M_PI * M_PI / (8.0 * lambda * lambda));
        double sum = 0;
        for (int k = 1; k < 20; k += 2)
            sum += std::pow(y, k * k);
        return std::clamp(1.0 - std::sqrt(2.0 * M_PI) / lambda * sum, 0.0, 1.0);
    }
    double sum = 0;
    for (int k = 1; k <= 100; ++k) {
        const double term = std::exp(-2.0 * k * k * lambda * lambda);
        sum += (k % 2 ? 1.0 : -1.0) * term;
        if (term < 1e-17)
            break;
    }
    return std::clamp(2.0 * sum, 0.0, 1.0);
}

KsResult ksTest(const torch::Tensor& a, const torch::Tensor& b)
{
    const std::vector<double> x = sortedFinite(a), y = sortedFinite(b);
    if (x.empty() || y.empty())
        throw DataError("KS test: both samples need at least one value (got " + std::to_string(x.size())
            + " and " + std::to_string(y.size()) + ")");
    const double n1 = static_cast<double>(x.size()), n2 = static_cast<double>(y.size());
    double d = 0;
    std::size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
        // Step past every copy of the smaller value in both samples, so ties move the two CDFs together.
        const double v = std::min(x[i], y[j]);
        while (i < x.size() && x[i] == v)
            ++i;
        while (j < y.size() && y[j] == v)
            ++j;
        d = std::max(d, std::abs(static_cast<double>(i) / n1 - static_cast<double>(j) / n2));
    }
    KsResult result;
    result.statistic = d;
    if (n1 * n2 <= kKsExactLimit) {
        result.exact = true;
        result.pValue = exactKsPValue(d, static_cast<std::int64_t>(n1), static_cast<std::int64_t>(n2));
    } else {
        const double en = std::sqrt(n1 * n2 / (n1 + n2));
        result.pValue = kolmogorovSurvival((en + 0.12 + 0.11 / en) * d);
    }
    return result;
}

double chi2Survival(double chi2, double ndf)
{
    if (ndf <= 0)
        return 1.0;
    if (chi2 <= 0)
        return 1.0;
    const double a = ndf / 2.0, x = chi2 / 2.0;
    if (x < a + 1.0)
        return std::clamp(1.0 - gammaSeries(a, x), 0.0, 1.0);
    return std::clamp(gammaContinuedFraction(a, x), 0.0, 1.0);
}

Chi2Result chi2Test(const Histogram& a, const Histogram& b, Chi2Comparison comparison)
{
    requireSameBinning(a, b);
    const double sumA = a.integral(), sumB = b.integral();
    if (sumA <= 0 || sumB <= 0)
        throw DataError("chi2 test: a histogram has no entries in its range");
    Chi2Result result;
    int used = 0;
    const bool unweighted = isUnweighted(a) && isUnweighted(b);
    for (int i = 0; i < a.bins(); ++i) {
        const double na = a.content(i), nb = b.content(i);
        const double va = a.sumOfSquaredWeights()[i], vb = b.sumOfSquaredWeights()[i];
        double numerator = 0, denominator = 0;
        if (comparison == Chi2Comparison::Absolute) {
            numerator = (na - nb) * (na - nb);
            denominator = va + vb;
        } else if (unweighted) {
            numerator = (sumB * na - sumA * nb) * (sumB * na - sumA * nb);
            denominator = sumA * sumB * (na + nb);
        } else {
            numerator = (sumA * nb - sumB * na) * (sumA * nb - sumB * na);
            denominator = sumA * sumA * vb + sumB * sumB * va;
        }
        if (denominator <= 0)
            continue;
        result.chi2 += numerator / denominator;
        ++used;
    }
    result.ndf = comparison == Chi2Comparison::Shape ? std::max(used - 1, 0) : used;
    result.pValue = chi2Survival(result.chi2, result.ndf);
    return result;
}

} // namespace neurino
