#pragma once

#include "core/eval/StatisticalTests.h"

#include <torch/types.h>

#include <vector>

namespace neurino {

// How physicists judge calorimeter showers, real or generated. Images are (N, 1, H, W) or (N, H, W): rows run
// across the shower (transverse), columns along it (longitudinal), as in the calorimeter exercise.
struct ShowerStats {
    torch::Tensor averageImage; // (H, W)
    torch::Tensor transverseProfile; // (H): average energy per row
    torch::Tensor longitudinalProfile; // (W): average energy per column
    torch::Tensor energySums; // (N): total deposited energy per shower
    torch::Tensor meanRow, meanColumn; // (N): energy-weighted centroid per shower, in cells
    torch::Tensor spreadRow, spreadColumn; // (N): energy-weighted standard deviation per shower, in cells
};

// Throws DataError for an empty batch or images that are not 2-D.
ShowerStats showerStats(const torch::Tensor& images);

// Real against generated showers.
struct ShowerComparison {
    Chi2Result energyChi2; // shape comparison of the total-energy histograms
    std::vector<double> binEdges; // of those histograms; the edge bins also hold the sums beyond them
    std::vector<double> realEnergy, generatedEnergy; // contents, normalised to unit sum
    double profileDeviation = 0; // largest |generated / real - 1| of both average profiles in central bins
    double centralCellDeviation = 0; // largest |generated / real - 1| of the average image's central cells
    double meanRowShift = 0, meanColumnShift = 0; // difference of the average centroids, in cells
    double spreadRowRatio = 1, spreadColumnRatio = 1; // generated / real average spread
};

// A bin or cell is central when it holds at least this fraction of the real average's maximum.
constexpr double kCentralFraction = 0.1;
// The energy-sum histograms span the real sums from this quantile to 1 minus it; sums outside count in the
// edge bins, for real and generated showers alike.
constexpr double kEnergyTail = 0.005;
// The energy-sum histograms have at most `energyBins` bins, and this many real showers per bin on average.
constexpr double kRealShowersPerBin = 20;

// Throws DataError for different image sizes.
ShowerComparison compareShowers(const ShowerStats& real, const ShowerStats& generated, int energyBins = 30);

// Response (mean sum / condition) and resolution (spread / mean of the sum) in bins of the condition, for a
// conditional GAN: the calorimeter's linearity and 1/sqrt(E) behaviour.
struct ResponseBin {
    double conditionLow = 0, conditionHigh = 0;
    std::int64_t showers = 0;
    double response = 0;
    double resolution = 0;
};

std::vector<ResponseBin> responseCurve(
    const torch::Tensor& energySums, const torch::Tensor& conditions, int bins = 8);

} // namespace neurino
