#pragma once

#include "widgets/session/InspectionTypes.h"

#include "core/run/DataSource.h"
#include "core/train/TrainConfig.h"
#include "core/train/TrainingObserver.h"

#include <QMetaType>
#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Plain values that travel from the training thread to the window as queued signals, and that the views
// show. No tensors here: the worker turns core's results into these before they leave its thread.
namespace neurino {

struct ClassifierReport;

// A confusion matrix as counts, rows the truth and columns the prediction.
struct ConfusionData {
    std::vector<std::string> classNames;
    std::vector<std::vector<std::int64_t>> counts;
    QString part; // which samples: "validation", "test", "training"

    bool empty() const { return counts.empty(); }
    std::int64_t total() const;
};

// One ROC curve in the physicist's axes.
struct RocData {
    QString runName;
    std::vector<double> signalEfficiency;
    std::vector<double> backgroundRejection;
    double auc = 0;
    QString part;
};

// Classifier output for signal and background on the training part and on a held-out part, as
// normalised densities over equal bins, with the KS probabilities of train against held out (the
// overtraining check).
struct OutputDistributions {
    double low = 0;
    double high = 1;
    std::vector<double> trainSignal, trainBackground, testSignal, testBackground;
    double ksSignal = 1;
    double ksBackground = 1;
    QString testPart; // "validation" or "test"

    int bins() const { return static_cast<int>(trainSignal.size()); }
    bool empty() const { return trainSignal.empty(); }
};

// A classifier's answer over the input plane of a 2-D dataset: a grid of cells spanning the data plus a
// margin, row 0 at yMin and column 0 at xMin, and some training points on top. For two classes
// `probability` is p(class 1); for more, the probability of the predicted class.
struct DecisionBoundaryData {
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    int columns = 0, rows = 0;
    int classes = 2;
    std::vector<float> probability; // rows * columns, row-major
    std::vector<int> predicted; // rows * columns
    std::vector<float> pointX, pointY;
    std::vector<int> pointLabel;
    std::vector<std::string> classNames;
    int epoch = 0;

    bool empty() const { return probability.empty(); }
    // The cell that holds (x, y), clamped to the grid.
    int cellIndex(double x, double y) const;
    double probabilityAt(double x, double y) const { return probability[cellIndex(x, y)]; }
    int classAt(double x, double y) const { return predicted[cellIndex(x, y)]; }
    // The x of column `c`'s centre and the y of row `r`'s centre.
    double cellX(int c) const { return xMin + (c + 0.5) * (xMax - xMin) / columns; }
    double cellY(int r) const { return yMin + (r + 0.5) * (yMax - yMin) / rows; }
};

// What the window shows about a finished run's classifier.
struct RunEvaluation {
    ConfusionData confusion; // empty for regression
    std::optional<RocData> roc; // binary tasks
    std::optional<OutputDistributions> outputs; // binary tasks
    MisclassifiedData misclassified; // classifiers

    // The confusion matrix, ROC curve and output distributions of `report`, the ROC named `runName`;
    // the misclassified samples need the data and are left to the caller.
    static RunEvaluation fromReport(const ClassifierReport& report, const QString& runName);
};

// One entry of the run list: what was trained on what, how, and how it ended.
struct RunRecord {
    int id = 0;
    QString name;
    QString modelName;
    QString dataName;
    TrainConfig config;
    TrainStart start;
    std::vector<EpochStats> epochs;
    TrainSummary summary;
    RunEvaluation evaluation;
    bool queued = false; // waiting for the runs before it
    bool finished = false;
    std::int64_t batches = 0; // optimisation steps done
    // Steps done after the user asked to stop (the trainer looks between batches: 0 or 1); -1 when not.
    std::int64_t batchesAfterStop = -1;
    QString folder; // the run folder on disk, when it was saved or loaded
    bool gan = false; // a generator trained against a discriminator
    QString settings; // what settingsText() shows when `config` cannot hold the settings (GAN runs)

    // "adam, lr 0.001, batch 32, 10 epochs, seed 42".
    QString settingsText() const;
    // "val_accuracy 0.93, val_loss 0.21" from the final metrics.
    QString metricsText() const;
};

} // namespace neurino

Q_DECLARE_METATYPE(neurino::TrainStart)
Q_DECLARE_METATYPE(neurino::BatchStats)
Q_DECLARE_METATYPE(neurino::EpochStats)
Q_DECLARE_METATYPE(neurino::TrainSummary)
Q_DECLARE_METATYPE(neurino::RunEvaluation)
Q_DECLARE_METATYPE(neurino::DecisionBoundaryData)
