#include "core/run/GanRunFolderWriter.h"

#include "core/gan/GanTrainer.h"
#include "core/graph/ModelJson.h"
#include "core/run/RunFolder.h"
#include "core/run/RunFolderLock.h"
#include "core/run/RunFolderWriter.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace neurino {

namespace fs = std::filesystem;

GanRunFolderWriter::GanRunFolderWriter(
    std::string dir, GanTrainer& trainer, const std::string& data, bool resume, bool overwrite)
    : m_dir(std::move(dir))
    , m_trainer(trainer)
{
    createRunFolder(m_dir);
    m_lock = std::make_unique<RunFolderLock>(m_dir);
    if (resume)
        return;
    if (!overwrite && fs::exists(path(kRunGeneratorFile)))
        throw IoError("'" + m_dir + "' already holds a GAN run (generator.h5); choose another --out, or "
            + "--resume or --overwrite");
    const nlohmann::json config
        = { { "gan", trainer.config().toJson() }, { "generator", modelToJson(trainer.generator()->graph()) },
              { "discriminator", modelToJson(trainer.discriminator()->graph()) }, { "data", data } };
    writeTextFileAtomically(path(kRunConfigFile), config.dump(2) + "\n");
}

GanRunFolderWriter::~GanRunFolderWriter() = default;

std::string GanRunFolderWriter::path(const char* file) const
{
    return (fs::path(m_dir) / file).string();
}

std::string GanRunFolderWriter::lockNote() const
{
    return m_lock ? m_lock->note() : std::string();
}

void GanRunFolderWriter::onEpochEnd(const EpochStats&)
{
    writeMetricsFile(path(kRunMetricsFile), m_trainer.history());
    m_trainer.save(m_dir);
}

void GanRunFolderWriter::onFinished(const TrainSummary& summary)
{
    // The checkpoints hold the last epoch's networks; the kept epoch's replace them.
    if (summary.restoredBestWeights)
        m_trainer.save(m_dir);
    try {
        writeTextFileAtomically(path(kRunSummaryFile), summaryText(summary));
    } catch (const IoError&) {
        // A failed run (often failed at writing: a full disk, a read-only folder) ends with its own error,
        // which this one would hide.
        if (summary.reason != StopReason::Failed)
            throw;
    }
    // The run is over: another may write here now.
    m_lock.reset();
}

} // namespace neurino
