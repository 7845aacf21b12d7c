#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// What core/analysis/Importance measures, as plain values without LibTorch: for views and lessons.
namespace neurino {

// Both tabular measures of every feature (see featureImportance).
struct FeatureImportance {
    std::vector<std::string> featureNames; // "feature 7" where the data names none
    std::vector<double> gradientTimesInput;
    std::vector<double> permutation; // empty without targets
    std::string metric; // what permutation measures the fall of: "accuracy", "AUC" or "−MAE"
    int samples = 0;
    int classIndex = 0;
    int outputs = 0;

    // Feature indices, most important first: by permutation importance, or by gradient × input without it.
    std::vector<std::size_t> ranking() const;
    // The share of the positive permutation importance (gradient × input without it) that `features` carry.
    double share(const std::vector<std::int64_t>& features) const;
};

// One image's gradient and occlusion maps (see imageImportance), height × width each, row-major.
struct ImageImportance {
    int classIndex = 0;
    int outputs = 0;
    int predicted = 0;
    std::int64_t height = 0, width = 0, patch = 0;
    std::vector<float> gradient, occlusion;
};

} // namespace neurino
