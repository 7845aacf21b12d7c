#pragma once

#include "core/train/TrainingObserver.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace neurino {

class History;
class RunFolderLock;
class Trainer;

// Writes metrics.jsonl: one line per epoch of `history`, atomically.
void writeMetricsFile(const std::string& path, const History& history);

// The run folder of a classifier, kept up to date by observing its run (RunFolder reads it back):
//   config.json     the model, the training config, the data (and its source) and the environment
//   metrics.jsonl   one JSON object per epoch (rewritten every epoch; a resumed run's earlier epochs kept)
//   checkpoint.h5   the state after the latest epoch (resumable)
//   checkpoint.prev.h5   the one before, for when checkpoint.h5 is found damaged
//   best.h5         the state at the best epoch so far of the monitored metric
//   .lock           while the run writes (RunFolderLock)
//   summary.txt     how the run ended, its best, final and test metrics, and the model summary
// Every file is written atomically, so a crash leaves the previous version in place; a failed write (a full
// disk, a read-only folder) ends the run with an IoError and the last good checkpoint kept.
class RunFolderWriter : public TrainingObserver {
public:
    // Creates `dir` if needed and locks it. Unless `resume` or `overwrite`, refuses (IoError) a folder that
    // already holds a run, so a finished run is not replaced by accident; refuses one another process writes.
    RunFolderWriter(std::string dir, Trainer& trainer, bool resume = false, bool overwrite = false);
    ~RunFolderWriter() override;

    std::string path(const std::string& file) const;
    // Where the data comes from, kept in config.json as "source" so that the run can be continued from
    // its folder alone (a generated dataset is made again).
    void setSource(nlohmann::json source) { m_source = std::move(source); }
    const std::string& dir() const { return m_dir; }
    // Empty, or that a lock left by a dead process was taken over.
    std::string lockNote() const;

    void onStart(const TrainStart& start) override;
    void onEpochEnd(const EpochStats& stats) override;
    void onFinished(const TrainSummary& summary) override;

private:
    std::string m_dir;
    std::unique_ptr<RunFolderLock> m_lock;
    Trainer& m_trainer;
    TrainStart m_start;
    nlohmann::json m_source;
};

} // namespace neurino
