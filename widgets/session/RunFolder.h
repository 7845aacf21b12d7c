#pragma once

#include "widgets/session/TrainingTypes.h"

#include "core/run/RunFolder.h"

#include <QString>

namespace neurino {

// Makes `run` a GAN run of `config`: the run list's columns and the curves read `run.config`'s common fields,
// and settingsText() gives the GAN's own settings.
void setGanConfig(RunRecord& run, const GanConfig& config);

// A run folder (core's RunFolder: what `neurino-batch train` or `gan train` and the window write) as the
// run list holds it, so that runs can be compared across sessions and with batch runs.
RunRecord runRecord(const RunFolder& folder);

// Reads `folder` into a run record. Throws IoError as RunFolder::read does.
RunRecord readRunRecord(const QString& folder);

} // namespace neurino
