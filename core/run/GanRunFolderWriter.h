#pragma once

#include "core/gan/GanObserver.h"

#include <memory>
#include <string>

namespace neurino {

class GanTrainer;
class RunFolderLock;

// The run folder of a GAN, kept up to date by observing its run, the same for the window and for
// `neurino-batch gan train` (RunFolder reads it back):
//   config.json        the GAN settings, both models and the data (when the run begins, not when resumed)
//   metrics.jsonl      one JSON object per epoch
//   generator.h5, discriminator.h5   both networks after the latest epoch (GanTrainer::save), the kept
//                      epoch's at the end with keep_best
//   summary.txt        how the run ended (summaryText)
// Every file is written atomically; `.lock` keeps a second process out while the run writes (RunFolderLock).
class GanRunFolderWriter : public GanObserver {
public:
    // Creates `dir` and, unless `resume`, writes config.json with `data` (a file or the generator's
    // description). Unless `resume` or `overwrite`, refuses (IoError) a folder that holds a GAN run.
    GanRunFolderWriter(std::string dir, GanTrainer& trainer, const std::string& data, bool resume = false,
        bool overwrite = false);
    ~GanRunFolderWriter() override;

    const std::string& dir() const { return m_dir; }
    // Empty, or that a lock left by a dead process was taken over.
    std::string lockNote() const;

    void onEpochEnd(const EpochStats& stats) override;
    void onFinished(const TrainSummary& summary) override;

private:
    std::string path(const char* file) const;

    std::string m_dir;
    std::unique_ptr<RunFolderLock> m_lock;
    GanTrainer& m_trainer;
};

} // namespace neurino
