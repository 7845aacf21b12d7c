#pragma once

#include "core/train/TrainingObserver.h"

#include <chrono>
#include <ostream>

namespace neurino::batch {

// Shows a run's progress on the terminal: on a TTY a live bar (batch, throughput, ETA, running loss)
// redrawn in place a few times a second; otherwise one plain line per epoch, as logs and CI want.
class ProgressPrinter : public TrainingObserver {
public:
    ProgressPrinter(std::ostream& out, bool interactive);

    void onStart(const TrainStart& start) override;
    void onBatchEnd(const BatchStats& stats) override;
    void onEpochEnd(const EpochStats& stats) override;
    void onFinished(const TrainSummary& summary) override;

private:
    void clearLine();
    double remainingSeconds(int epoch, double epochFraction, double epochSeconds) const;

    std::ostream& m_out;
    bool m_interactive;
    TrainStart m_start;
    std::chrono::steady_clock::time_point m_lastDraw {};
    double m_doneEpochSeconds = 0; // wall time of the epochs finished in this process
    int m_doneEpochs = 0;
    bool m_lineOpen = false;
};

// "1:02:03" or "2:03".
std::string formatDuration(double seconds);
// "41.2k" for 41234.
std::string formatRate(double perSecond);

} // namespace neurino::batch
