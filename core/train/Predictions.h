#pragma once

#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace neurino {

// What `neurino-batch evaluate --out` and `predict --out` write, and the GUI exports:
// an HDF5 file with /predictions (float32, N x k: probabilities or values), /predicted_class (int64 N,
// for classification), /targets (when known), and string attributes (checkpoint, data, class names...).
struct Predictions {
    torch::Tensor scores;
    torch::Tensor predictedClass; // undefined for regression
    torch::Tensor targets; // undefined when unknown
    std::vector<std::string> classNames;
    std::map<std::string, std::string> attributes;
};

// Written atomically; ".csv" writes a CSV table instead (one row per sample). Throws IoError.
void writePredictions(const std::string& path, const Predictions& predictions);

} // namespace neurino
