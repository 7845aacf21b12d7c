#pragma once

#include "core/analysis/Inspection.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace at {
class Tensor;
} // namespace at

namespace neurino {

class ConfusionMatrix;
class Trainer;
struct Evaluation;

// Bins of the classifier output histograms over [0, 1].
constexpr int kOutputBins = 40;

// The ROC curve in the physicist's axes: signal efficiency against background rejection.
struct RocPoints {
    std::vector<double> signalEfficiency;
    std::vector<double> backgroundRejection;
    double auc = 0;
};

// The classifier output p(signal) for signal and background on the training part and on the held-out
// part, as densities over equal bins of [low, high], with the Kolmogorov-Smirnov probabilities of the
// training part against the held-out one: the overtraining check.
struct OutputHistograms {
    double low = 0;
    double high = 1;
    std::vector<double> trainSignal, trainBackground, heldOutSignal, heldOutBackground;
    double ksSignal = 1; // NaN when either sample is empty
    double ksBackground = 1;
};

// Everything the window, `neurino-batch evaluate` and the lessons show about a classifier's answers on
// one part of its data. Plain values, so views and other threads can hold and copy it.
struct ClassifierReport {
    std::string part; // which samples: "test", "validation", "training", or the caller's name for them
    std::int64_t samples = 0;
    double loss = 0; // NaN when the scores came without a loss
    double accuracy = 0;
    double auc = 0; // NaN without a ROC curve
    // One per class, or empty when the data names none (confusionMatrix() then numbers them).
    std::vector<std::string> classNames;
    std::vector<std::vector<std::int64_t>> confusion; // counts, rows the truth, columns the prediction
    std::optional<RocPoints> roc; // binary tasks with both classes present
    std::optional<OutputHistograms> outputs; // binary tasks judged on a part other than the training part
    std::vector<Misclassification> misclassified; // every wrong answer, in the order evaluated

    std::int64_t classes() const { return static_cast<std::int64_t>(confusion.size()); }
    std::int64_t confusionTotal() const;
    std::int64_t offDiagonal() const; // wrong answers counted by the confusion matrix
    // The class names, or "0", "1", ... when the data names none, as the confusion matrix labels them.
    std::vector<std::string> classLabels() const;
    // The counts as core/eval's matrix, for its text table and JSON.
    ConfusionMatrix confusionMatrix() const;
};

// What a report needs to know besides the scores.
struct ClassifierSetup {
    bool binary = false; // p(signal) scores and the physicist's views (ROC, output histograms)
    // The data's class names; used when there is one per class, else background/signal for binary tasks.
    std::vector<std::string> classNames;
    std::string part;
    int outputBins = kOutputBins;
};

// The one computation of a classifier report. `heldOut` holds the scores (as Loss::scores gives them:
// (n, k) class probabilities, or (n) / (n, 1) p(signal)), the targets (class indices) and, when known,
// the loss in its metrics; `rows` the dataset rows the scores belong to (undefined: their positions);
// `train` the training part's scores for the output histograms (null: none). The number of classes is
// the scores' width (2 for p(signal)), widened to the largest target.
ClassifierReport makeClassifierReport(
    const ClassifierSetup& setup, const Evaluation& heldOut, const at::Tensor& rows, const Evaluation* train);

// The report of a trained classifier on its held-out part: the test part when there is one, else the
// validation part, else the training data itself; binary tasks also get the training part's outputs.
// Throws DataError when the trainer's data is not a classification or binary task.
ClassifierReport classifierReport(Trainer& trainer);

} // namespace neurino
