#pragma once

#include "widgets/session/RunWorker.h"
#include "widgets/session/TrainedModel.h"
#include "widgets/session/TrainingTypes.h"

#include "core/run/RunSpec.h"

#include <memory>

namespace neurino {

// Trains one classifier run on the thread it lives on (RunScheduler moves it to a worker thread): makes
// or reads the data, builds a Trainer, fits, then evaluates the classifier for the views. Reports leave as
// RunWorker's signals, and more: for
// 2-D classification data it also sends the decision boundary after epochs, thinned likewise; for every
// model the kernels and the weight and gradient histograms, thinned likewise, and at the end a copy of the
// trained model.
class TrainingWorker : public RunWorker {
    Q_OBJECT

public:
    // The fewest milliseconds between two boundaryUpdated signals (5 per second at most).
    static constexpr int kBoundaryIntervalMs = 200;
    // The fewest milliseconds between two kernelsUpdated or histogramsUpdated signals.
    static constexpr int kInspectionIntervalMs = 200;

    using RunWorker::RunWorker;

    // Runs to the end; emits finished or failed exactly once. `folder`, when not empty, receives the run
    // folder that `neurino-batch train` writes (config.json, metrics.jsonl, checkpoints, summary.txt).
    void run(const RunSpec& spec, const QString& folder);

    // Called by the observer on the training thread.
    void reportBoundary(const DecisionBoundaryData& boundary);
    void reportInspection(const KernelsData& kernels, const HistogramsData& histograms);

signals:
    // After an epoch, for 2-D classification data: the model over the input plane (see kBoundaryIntervalMs).
    void boundaryUpdated(const neurino::DecisionBoundaryData& boundary);
    // After an epoch (see kInspectionIntervalMs): every convolution layer's kernels (none without one).
    void kernelsUpdated(const neurino::KernelsData& kernels);
    // After an epoch (see kInspectionIntervalMs): weight and last-batch gradient histograms.
    void histogramsUpdated(const neurino::HistogramsData& histograms);
    // After training, before finished: a copy of the model for the views that question it.
    void modelReady(std::shared_ptr<const neurino::TrainedModel> model);
    void finished(const neurino::TrainSummary& summary, const neurino::RunEvaluation& evaluation);
};

} // namespace neurino
