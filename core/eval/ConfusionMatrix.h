#pragma once

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

// Counts of (true class, predicted class) pairs. Rows are the truth, columns the prediction, as
// scikit-learn's confusion_matrix lays them out.
class ConfusionMatrix {
public:
    // `classNames` may be empty (then "0", "1", ...) or hold one name per class.
    explicit ConfusionMatrix(std::int64_t classes, std::vector<std::string> classNames = {});

    // From class scores (N, C), or positive-class probabilities (N) / (N, 1) thresholded at 0.5, and
    // true class indices (N). `classes` 0 takes C (2 for probabilities).
    static ConfusionMatrix fromScores(const torch::Tensor& scores, const torch::Tensor& targets,
        std::int64_t classes = 0, std::vector<std::string> classNames = {});

    // Adds predicted and true class indices (N each). Throws DataError for an index out of range.
    void add(const torch::Tensor& predicted, const torch::Tensor& truth);
    void add(std::int64_t truth, std::int64_t predicted, std::int64_t count = 1);

    std::int64_t classes() const { return m_classes; }
    const std::vector<std::string>& classNames() const { return m_names; }
    std::int64_t count(std::int64_t truth, std::int64_t predicted) const;
    std::int64_t total() const;
    std::int64_t truthTotal(std::int64_t truth) const; // row sum
    std::int64_t predictedTotal(std::int64_t predicted) const; // column sum

    double accuracy() const;
    // Fraction of class `c` found (row-normalised diagonal); 0 when the class never occurs.
    double recall(std::int64_t c) const;
    // Fraction of predictions of `c` that are right; 0 when `c` is never predicted.
    double precision(std::int64_t c) const;
    // Rows divided by their sums (each row sums to 1, or is all 0 when the class never occurs).
    std::vector<std::vector<double>> normalizedByTruth() const;
    std::vector<std::vector<std::int64_t>> counts() const;

    // A text table with class names, for the terminal.
    std::string toString() const;
    // {"classes": [...names], "counts": [[...]], "accuracy": x}
    nlohmann::json toJson() const;

private:
    std::int64_t m_classes;
    std::vector<std::string> m_names;
    std::vector<std::int64_t> m_counts; // row-major, truth x predicted
};

} // namespace neurino
