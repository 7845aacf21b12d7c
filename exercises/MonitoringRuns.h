#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurino::exercises {

// The held-out runs of the data-quality lesson in plain values for a viewer: each run's monitoring map
// (rows x bins, row-major), its failure mode and, once the autoencoder has scored them, its reconstruction
// and anomaly score.
struct MonitoringRuns {
    int rows = 0; // pad rows
    int bins = 0; // drift-time bins
    std::vector<std::string> modeNames; // "good", "dead_region", ...
    std::vector<int> runNumbers; // position of each run in the generated period
    std::vector<int> failure; // index into modeNames
    std::vector<int> faultRowBegin, faultRowEnd; // the rows a failure affects; -1 when it has no region
    std::vector<float> maps; // runs * rows * bins
    std::vector<float> reconstructions; // as maps; empty before the scoring step
    std::vector<double> scores; // one per run; empty before the scoring step
    double threshold = 0; // the anomaly score above which a run is flagged (0 before scoring)

    std::size_t runs() const { return failure.size(); }
    std::size_t mapSize() const { return std::size_t(rows) * std::size_t(bins); }
    bool empty() const { return failure.empty(); }
    bool scored() const { return !scores.empty(); }
};

} // namespace neurino::exercises
