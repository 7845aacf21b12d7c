#pragma once

#include <QMetaType>

#include <cstdint>
#include <vector>

// Plain values that a GAN run sends from the training thread to the window after each epoch. No tensors
// here: the worker turns core's GanSamples into these before they leave its thread.
namespace neurino {

// One 2-D image, row-major: for calorimeter showers rows run across the shower, columns along it.
struct ImageData {
    int rows = 0;
    int columns = 0;
    std::vector<float> values; // rows * columns

    bool empty() const { return values.empty(); }
    float at(int row, int column) const { return values[static_cast<std::size_t>(row * columns + column)]; }
};

// A GAN's state after one epoch: a few generated images beside real ones and, for 2-D images, the
// physics comparison of many generated showers with real ones (ShowerValidation's figures).
struct GanEpochData {
    int epoch = 0;
    std::vector<ImageData> generated; // empty when the samples are not 2-D images
    std::vector<ImageData> real;

    bool hasComparison = false;
    std::int64_t showersCompared = 0;
    ImageData realAverage, generatedAverage;
    std::vector<double> realTransverse, generatedTransverse; // average energy per row
    std::vector<double> realLongitudinal, generatedLongitudinal; // average energy per column
    std::vector<double> energyEdges; // bins of the energy-sum histograms (contents + 1 edges)
    std::vector<double> realEnergy, generatedEnergy; // contents, normalised to unit sum
    double chi2 = 0;
    int ndf = 0;
    double pValue = 1;
    double profileDeviation = 0; // largest |generated / real - 1| of the profiles in central bins
    double centralCellDeviation = 0;
    double spreadRowRatio = 1, spreadColumnRatio = 1; // generated / real average spread

    double chi2PerNdf() const { return ndf > 0 ? chi2 / ndf : 0.0; }
};

} // namespace neurino

Q_DECLARE_METATYPE(neurino::GanEpochData)
