#pragma once

#include "widgets/session/GanTypes.h"
#include "widgets/session/RunWorker.h"
#include "widgets/session/TrainingTypes.h"

#include "core/run/GanRun.h"

namespace neurino {

// Trains one GAN run on the thread it lives on (RunScheduler moves it to its training thread, beside
// the classifier's TrainingWorker): makes or reads the real samples, builds a GanTrainer, trains. Reports
// leave as RunWorker's signals, and the epoch's samples and physics comparison at most once per
// kSamplesIntervalMs (the last epoch's always).
class GanWorker : public RunWorker {
    Q_OBJECT

public:
    // The fewest milliseconds between two samplesReady signals.
    static constexpr int kSamplesIntervalMs = 200;

    using RunWorker::RunWorker;

    // Runs to the end; emits finished or failed exactly once. `folder`, when not empty, becomes the run's
    // folder, written by GanRunFolderWriter as `neurino-batch gan train` writes it.
    void run(const GanRunSpec& spec, const QString& folder);

    // Called by the observer on the training thread.
    void reportSamples(const GanEpochData& samples);

signals:
    void samplesReady(const neurino::GanEpochData& samples);
    void finished(const neurino::TrainSummary& summary);
};

} // namespace neurino
