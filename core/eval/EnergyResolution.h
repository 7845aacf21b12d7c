#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

// The calorimeter physicist's view of an energy measurement: in bins of the true energy E, the bias
// <E_pred / E> - 1 and the relative resolution sigma(E_pred / E) / <E_pred / E> (the spread of the response
// divided by its mean, so that an estimator that reads 10 % low is not credited with a 10 % smaller
// spread), with the fit
// sigma/E = a/sqrt(E) (+) b: the stochastic term a (sampling fluctuations) added in quadrature to the
// constant term b (leakage, non-uniformities).

// One bin of true energy.
struct ResolutionBin {
    double low = 0, high = 0; // true-energy edges
    double meanEnergy = 0; // mean true energy of the bin's events: where the fit evaluates a/sqrt(E)
    std::int64_t count = 0;
    double bias = 0; // mean of E_pred / E, minus 1
    double biasError = 0; // its standard error
    double resolution = 0; // standard deviation of E_pred / E over its mean
    double resolutionError = 0; // resolution / sqrt(2 (n - 1)), the Gaussian approximation
};

// sigma/E = sqrt(a^2 / E + b^2), E in the unit of the energies (GeV: a is then "per sqrt(GeV)").
struct StochasticFit {
    bool valid = false; // false with fewer than two usable bins
    double a = 0;
    double b = 0;
    double chi2 = 0;
    int ndf = 0;

    double at(double energy) const; // the fitted sigma/E at `energy`
};

struct EnergyResolution {
    std::vector<ResolutionBin> bins;
    StochasticFit fit;
    double overallBias = 0; // over every event inside the bins
    double overallResolution = 0;
};

// One method's resolution as a view draws it: "CNN (MAPE)", "calibrated sum of cells".
struct ResolutionCurve {
    std::string label;
    EnergyResolution result;
};

// Bins `predicted` against `truth` (same length, positive truths) at `edges` (at least two, increasing;
// events outside are left out) and fits the stochastic term to the bins with at least two events. Throws
// DataError naming what is wrong when the sizes differ, the edges are not increasing or a truth is not
// positive.
EnergyResolution energyResolution(
    const std::vector<double>& truth, const std::vector<double>& predicted, const std::vector<double>& edges);

// `bins` equal bins over [low, high].
std::vector<double> equalEdges(double low, double high, int bins);

// Least squares of sigma^2 = a^2 / E + b^2 on the bins' points (E = meanEnergy), weighted by the errors of
// sigma^2; a term whose best value would be negative is fixed at zero and the other refitted.
StochasticFit fitStochasticTerm(const std::vector<ResolutionBin>& bins);

} // namespace neurino
