#pragma once

#include "widgets/TrainingTypes.h"

#include <QString>

namespace neurino {

// Run folders as `neurino-batch train` and the training dock write them (config.json, metrics.jsonl,
// checkpoint.h5, best.h5, summary.txt), read back into the run list so that runs can be compared across
// sessions and with batch runs.
namespace RunFolder {

// Reads a run folder's settings and per-epoch metrics. Throws IoError for a folder that is not a run
// (no config.json) and Error naming the file and line for a damaged one.
RunRecord read(const QString& folder);

// Copies a run folder to `target` (created; must not hold a run already). Throws IoError.
void copy(const QString& folder, const QString& target);

} // namespace RunFolder

} // namespace neurino
