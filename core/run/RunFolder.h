#pragma once

#include "core/gan/GanConfig.h"
#include "core/train/TrainConfig.h"
#include "core/train/TrainingObserver.h"

#include <string>
#include <vector>

namespace neurino {

// The files of a run folder, as `neurino-batch train`, `neurino-batch gan train` and the window write them.
inline constexpr char kRunConfigFile[] = "config.json"; // the settings, the model(s) and the data
inline constexpr char kRunMetricsFile[] = "metrics.jsonl"; // one JSON object per epoch
inline constexpr char kRunSummaryFile[] = "summary.txt"; // how the run ended, for people
inline constexpr char kRunCheckpointFile[] = "checkpoint.h5"; // a classifier after its latest epoch
inline constexpr char kRunBestFile[] = "best.h5"; // a classifier at its best epoch
// The checkpoint before the latest, kept so that a damaged checkpoint.h5 does not lose the run.
inline constexpr char kRunPreviousCheckpointFile[] = "checkpoint.prev.h5";
// Held by the process writing the run (RunFolderLock): "<pid> <host> <time>".
inline constexpr char kRunLockFile[] = ".lock";
inline constexpr char kRunGeneratorFile[]
    = "generator.h5"; // a GAN's generator, as GanTrainer::save writes it
inline constexpr char kRunDiscriminatorFile[] = "discriminator.h5";

struct Checkpoint;

enum class RunKind { Classifier, Gan };

// Creates `dir` (and its parents) for a writer; throws IoError naming the folder when it cannot.
void createRunFolder(const std::string& dir);

// Saves a classifier's checkpoint.h5 in `dir`, first keeping the one it replaces as checkpoint.prev.h5; both
// are written atomically, so that at every moment one complete checkpoint.h5 is there. Throws IoError.
void saveRunCheckpoint(const std::string& dir, const Checkpoint& checkpoint);
// Loads the checkpoint.h5 of `dir` to continue the run; when it is damaged, the previous one, and then sets
// `note` to say why and which epoch the run goes back to. Throws IoError when neither loads.
Checkpoint loadRunCheckpoint(const std::string& dir, std::string& note);

// A run folder read back: what was trained, each epoch's metrics and how the run ended, so that a run can be
// compared with others or continued. RunFolderWriter and GanRunFolderWriter write what this reads.
struct RunFolder {
    std::string dir;
    RunKind kind = RunKind::Classifier;
    std::string modelName; // a GAN's is "generator vs discriminator"
    std::string data; // the dataset's origin (file or generator), a GAN's file or description
    TrainConfig training; // a classifier's settings
    GanConfig gan; // a GAN's settings
    // A classifier's split, parameters, device and first epoch as config.json records them; a GAN's epochs
    // and device.
    TrainStart start;
    // From metrics.jsonl: metrics as the observer saw them (no null values), lr, seconds and samples per
    // second; improved and bestEpoch judged as the trainer judges them (a GAN's only with keep_best).
    std::vector<EpochStats> epochs;
    // The reason, message, seconds, restored weights and test metrics from summary.txt; the final and best
    // metrics from the epochs. A folder without summary.txt was interrupted: Cancelled, with a message.
    TrainSummary summary;
    bool finished = false; // summary.txt exists
    // The checkpoints present: a classifier's checkpoint.h5 and best.h5, a GAN's generator.h5 and
    // discriminator.h5; empty where absent.
    std::string checkpoint, best, generator, discriminator;

    // Throws IoError for a folder that is not a run (no config.json) and for damaged files, naming the file,
    // the line of metrics.jsonl and the field.
    static RunFolder read(const std::string& dir);

    // Copies every file of the run folder `from` into `to` (created; must not hold a run already), each
    // atomically. Throws IoError.
    static void copy(const std::string& from, const std::string& to);
};

} // namespace neurino
