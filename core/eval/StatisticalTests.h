#pragma once

#include <torch/types.h>

namespace neurino {

class Histogram;

// The two-sample Kolmogorov–Smirnov test: the largest distance D between the empirical distribution
// functions, and the probability of a distance at least as large when both samples come from one
// distribution. Used for the overtraining check (classifier output on train vs test).
struct KsResult {
    double statistic = 0;
    double pValue = 1;
    bool exact = false; // exact lattice-path probability (small samples) or the asymptotic distribution
};

// The largest n1 * n2 for which the p-value is computed exactly (as scipy's ks_2samp method="exact");
// above it the Kolmogorov distribution with Stephens' finite-size correction is used.
constexpr double kKsExactLimit = 1e6;

// NaN values are dropped. Throws DataError when a sample is empty.
KsResult ksTest(const torch::Tensor& a, const torch::Tensor& b);

// The Kolmogorov distribution's survival function Q(lambda) = 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2).
double kolmogorovSurvival(double lambda);

// How two histograms are compared.
enum class Chi2Comparison {
    Shape, // normalised to each other (ROOT's Chi2Test "UU", or "WW" when weighted); NDF = bins - 1
    Absolute // the contents as they are, errors sqrt(sum w^2) from both; NDF = bins
};

struct Chi2Result {
    double chi2 = 0;
    int ndf = 0;
    double pValue = 1;
    double chi2PerNdf() const { return ndf > 0 ? chi2 / ndf : 0.0; }
};

// chi^2 of two histograms with the same binning over the bins where either has entries.
// Throws DataError for different binnings or empty histograms.
Chi2Result chi2Test(
    const Histogram& a, const Histogram& b, Chi2Comparison comparison = Chi2Comparison::Shape);

// The upper tail of the chi^2 distribution, P(X >= chi2) for `ndf` degrees of freedom.
double chi2Survival(double chi2, double ndf);

} // namespace neurino
