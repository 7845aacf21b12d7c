#pragma once

#include "widgets/TrainedModel.h"
#include "widgets/TrainingTypes.h"

#include "core/graph/ModelGraph.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <cstdint>
#include <memory>

namespace neurino {

class StopToken;

// Trains one run on the thread it lives on (TrainingSession moves it to a worker thread): makes or reads
// the data, builds a Trainer, fits, then evaluates the classifier for the views. Everything it reports
// leaves as signals carrying plain values, so a queued connection delivers them to the window. Batch
// reports are thinned to at most one per kBatchIntervalMs; the smoothed loss still sees every batch. For
// 2-D classification data it also sends the decision boundary after epochs, thinned likewise; for every
// model the kernels and the weight and gradient histograms, thinned likewise, and at the end a copy of the
// trained model.
class TrainingWorker : public QObject {
    Q_OBJECT

public:
    // The fewest milliseconds between two batchEnded signals (20 per second at most).
    static constexpr int kBatchIntervalMs = 50;
    // The fewest milliseconds between two boundaryUpdated signals (5 per second at most).
    static constexpr int kBoundaryIntervalMs = 200;
    // The fewest milliseconds between two kernelsUpdated or histogramsUpdated signals.
    static constexpr int kInspectionIntervalMs = 200;

    explicit TrainingWorker(std::shared_ptr<StopToken> stop, QObject* parent = nullptr);

    // Runs to the end; emits finished or failed exactly once. `folder`, when not empty, receives the run
    // folder that `neurino-batch train` writes (config.json, metrics.jsonl, checkpoints, summary.txt).
    void run(
        const ModelGraph& graph, const DataChoice& data, const TrainConfig& config, const QString& folder);

    // Optimisation steps of the current run so far; safe to read from any thread.
    std::int64_t batchesDone() const { return m_batchesDone.load(std::memory_order_relaxed); }
    // Before a run is queued, so that a stop arriving before it begins counts from zero.
    void resetBatchCount() { m_batchesDone = 0; }

    // Called by the observer on the training thread.
    void reportStart(const TrainStart& start);
    void reportBatch(const BatchStats& stats);
    void reportEpoch(const EpochStats& stats);
    void reportBoundary(const DecisionBoundaryData& boundary);
    void reportInspection(const KernelsData& kernels, const HistogramsData& histograms);

signals:
    void status(const QString& text);
    void started(const neurino::TrainStart& start);
    // `smoothedLoss` is an exponential moving average over every batch so far.
    void batchEnded(const neurino::BatchStats& stats, double smoothedLoss);
    void epochEnded(const neurino::EpochStats& stats);
    // After an epoch, for 2-D classification data: the model over the input plane (see kBoundaryIntervalMs).
    void boundaryUpdated(const neurino::DecisionBoundaryData& boundary);
    // After an epoch (see kInspectionIntervalMs): every convolution layer's kernels (none without one).
    void kernelsUpdated(const neurino::KernelsData& kernels);
    // After an epoch (see kInspectionIntervalMs): weight and last-batch gradient histograms.
    void histogramsUpdated(const neurino::HistogramsData& histograms);
    // After training, before finished: a copy of the model for the views that question it.
    void modelReady(std::shared_ptr<const neurino::TrainedModel> model);
    void finished(const neurino::TrainSummary& summary, const neurino::RunEvaluation& evaluation);
    void failed(const QString& message);

private:
    std::shared_ptr<StopToken> m_stop;
    std::atomic<std::int64_t> m_batchesDone { 0 };
    QElapsedTimer m_sinceBatch;
    double m_smoothed = 0;
    double m_smoothingWeight = 0; // 1 - beta^n, the EMA's bias correction
};

} // namespace neurino
