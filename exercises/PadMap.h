#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurino::exercises {

// The TPC read-out plane as the krypton lesson sees it, in plain values for a viewer: for every pad
// (row-major, pad index = row * pads + pad) its class by eye-scan, by the network and in truth. Class indices
// refer to classNames; kNoClass marks a pad the eye-scan did not look at, or one not predicted yet.
struct PadMap {
    // No class: not eye-scanned, or not predicted yet.
    static constexpr int kNoClass = -1;

    int rows = 0;
    int pads = 0; // per row
    std::vector<std::string> classNames; // "good", "noisy", "dead", "gain_shifted"
    std::vector<int> eyeScan; // rows * pads
    std::vector<int> predicted; // rows * pads; all kNoClass before the prediction step
    std::vector<int> truth; // rows * pads

    std::size_t size() const { return std::size_t(rows) * std::size_t(pads); }
    bool empty() const { return size() == 0; }
    bool hasPrediction() const;
    // How many pads the classes array gives each class (kNoClass not counted), indexed like classNames.
    std::vector<std::int64_t> counts(const std::vector<int>& classes) const;
    // Pads where the network and the eye-scan both gave a class and differ.
    std::int64_t disagreements() const;
};

} // namespace neurino::exercises
