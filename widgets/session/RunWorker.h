#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace neurino {

class StopToken;
struct Dataset;

// What every training worker shares (TrainingWorker for classifiers, GanWorker for GANs): it belongs to the
// window's thread, runs on the session's training thread, and reports with signals carrying plain values,
// emitted on the window's thread (each report is posted there with postTo). Batch reports are thinned to at
// most one per kBatchIntervalMs; the smoothed loss still sees every batch.
class RunWorker : public QObject {
    Q_OBJECT

public:
    // The fewest milliseconds between two batchEnded signals (20 per second at most).
    static constexpr int kBatchIntervalMs = 50;

    explicit RunWorker(QObject* parent = nullptr);

    // The token the next run looks at between batches; set on the training thread before run().
    void setStopToken(std::shared_ptr<StopToken> stop) { m_stop = std::move(stop); }

    // Optimisation steps of the current run so far; safe to read from any thread.
    std::int64_t batchesDone() const { return m_batchesDone.load(std::memory_order_relaxed); }
    // Before a run is queued, so that a stop arriving before it begins counts from zero.
    void resetBatchCount() { m_batchesDone = 0; }

    // Called by the observer on the training thread.
    void reportStart(const TrainStart& start);
    void reportBatch(const BatchStats& stats);
    void reportEpoch(const EpochStats& stats);

signals:
    void status(const QString& text);
    // Something about the run the log keeps (the status line is overwritten): how its weights started.
    void note(const QString& text);
    void started(const neurino::TrainStart& start);
    // `smoothedLoss` is an exponential moving average over every batch so far.
    void batchEnded(const neurino::BatchStats& stats, double smoothedLoss);
    void epochEnded(const neurino::EpochStats& stats);
    void failed(const QString& message);

protected:
    // status, note and failed, emitted on the window's thread.
    void say(const QString& text);
    void tell(const QString& text);
    void fail(const QString& message);
    // Says that the run's data is being generated or read (status).
    void announceData(const DataSource& source);
    // The run's data, opened as every run opens it (openDataSource), with a status line meanwhile.
    std::shared_ptr<Dataset> loadData(const DataSource& source);
    // Runs `work`, turning what it throws into `failed` with a message for the user.
    void reportErrors(const std::function<void()>& work);

    std::shared_ptr<StopToken> m_stop;

private:
    std::atomic<std::int64_t> m_batchesDone { 0 };
    QElapsedTimer m_sinceBatch;
    double m_smoothed = 0;
    double m_smoothingWeight = 0; // 1 - beta^n, the EMA's bias correction
};

} // namespace neurino
