#pragma once

#include "widgets/GanTypes.h"
#include "widgets/TrainingTypes.h"

#include "core/graph/ModelGraph.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <cstdint>
#include <memory>

namespace neurino {

class StopToken;
struct GanConfig;

// Trains one GAN run on the thread it lives on (TrainingSession moves it to its training thread, beside
// the classifier's TrainingWorker): makes or reads the real samples, builds a GanTrainer, trains. Reports
// leave as signals with plain values, like TrainingWorker's: batch reports thinned to one per
// kBatchIntervalMs, the epoch's samples and physics comparison to one per kSamplesIntervalMs (the last
// epoch's always).
class GanWorker : public QObject {
    Q_OBJECT

public:
    // The fewest milliseconds between two batchEnded signals.
    static constexpr int kBatchIntervalMs = 50;
    // The fewest milliseconds between two samplesReady signals.
    static constexpr int kSamplesIntervalMs = 200;

    explicit GanWorker(std::shared_ptr<StopToken> stop, QObject* parent = nullptr);

    // Runs to the end; emits finished or failed exactly once. `folder`, when not empty, receives what
    // `neurino-batch gan train` writes: config.json, metrics.jsonl, generator.h5, discriminator.h5,
    // summary.txt.
    void run(const ModelGraph& generator, const ModelGraph& discriminator, const DataChoice& data,
        const GanConfig& config, const QString& folder);

    std::int64_t batchesDone() const { return m_batchesDone.load(std::memory_order_relaxed); }
    void resetBatchCount() { m_batchesDone = 0; }

    // Called by the observer on the training thread.
    void reportStart(const TrainStart& start);
    void reportBatch(const BatchStats& stats);
    void reportEpoch(const EpochStats& stats);
    void reportSamples(const GanEpochData& samples);

signals:
    void status(const QString& text);
    void started(const neurino::TrainStart& start);
    void batchEnded(const neurino::BatchStats& stats, double smoothedLoss);
    void epochEnded(const neurino::EpochStats& stats);
    void samplesReady(const neurino::GanEpochData& samples);
    void finished(const neurino::TrainSummary& summary);
    void failed(const QString& message);

private:
    std::shared_ptr<StopToken> m_stop;
    std::atomic<std::int64_t> m_batchesDone { 0 };
    QElapsedTimer m_sinceBatch;
    double m_smoothed = 0;
    double m_smoothingWeight = 0;
};

} // namespace neurino
