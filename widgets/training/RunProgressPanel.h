#pragma once

#include "widgets/session/RunScheduler.h"

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace neurino {

// The progress of the run the scheduler is training: a bar over all its batches, a line with the epoch,
// the loss, samples per second and the time left, and a status line (queued, paused, stopping, the
// result, or an error in red).
class RunProgressPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunProgressPanel(RunScheduler* session, QWidget* parent = nullptr);

    QProgressBar* progressBar() const { return m_progress; }
    QLabel* progressLabel() const { return m_progressLabel; }
    // Shows `text` in red on the status line and says that nothing started; emits message(text, true).
    void showError(const QString& text);

signals:
    // A run started, ended or failed.
    void message(const QString& text, bool error);

private:
    void onStateChanged();
    void onStarted(int runId, const TrainStart& start);
    void onBatch(int runId, const BatchStats& stats);
    void onEpoch(int runId, const EpochStats& stats);
    void onFinished(const RunRecord& run);
    // The fraction of the run's batches done and the time left at that pace.
    QString timeLeft(std::int64_t done) const;

    RunScheduler* m_session;
    QProgressBar* m_progress;
    QLabel* m_progressLabel;
    QLabel* m_statusLabel;
    int m_currentRun = 0; // the run the progress shows
    TrainStart m_start;
    QElapsedTimer m_clock;
};

} // namespace neurino
