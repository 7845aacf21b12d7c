#include "core/run/RunFolderWriter.h"

#include "core/graph/ModelJson.h"
#include "core/run/RunFolder.h"
#include "core/run/RunFolderLock.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Device.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <iomanip>
#include <sstream>

#include <unistd.h>

namespace neurino {

namespace fs = std::filesystem;

namespace {

std::string metricsLine(const std::map<std::string, double>& metrics)
{
    std::ostringstream out;
    bool first = true;
    for (const auto& [name, value] : orderedMetrics(metrics)) {
        if (name == "seconds" || name == "samples_per_second")
            continue;
        out << (first ? "" : ", ") << name << " " << std::setprecision(5) << value;
        first = false;
    }
    return out.str();
}

} // namespace

void saveRunCheckpoint(const std::string& dir, const Checkpoint& checkpoint)
{
    const std::string current = (fs::path(dir) / kRunCheckpointFile).string();
    const std::string previous = (fs::path(dir) / kRunPreviousCheckpointFile).string();
    if (fs::exists(current)) {
        // A hard link keeps the old file's bytes under the second name at no cost; the rename makes it
        // atomic.
        writeFileAtomically(previous, [&](const std::string& tmp) {
            if (::link(current.c_str(), tmp.c_str()) == 0)
                return;
            std::error_code error;
            if (!fs::copy_file(current, tmp, fs::copy_options::overwrite_existing, error))
                throw IoError(writeFailure(tmp, error.value()));
        });
    }
    saveCheckpoint(current, checkpoint);
}

Checkpoint loadRunCheckpoint(const std::string& dir, std::string& note)
{
    const std::string current = (fs::path(dir) / kRunCheckpointFile).string();
    const std::string previous = (fs::path(dir) / kRunPreviousCheckpointFile).string();
    try {
        return loadCheckpoint(current);
    } catch (const IoError& latest) {
        if (!fs::exists(previous))
            throw;
        try {
            Checkpoint c = loadCheckpoint(previous);
            note = std::string(latest.what()) + "\nresuming from the previous checkpoint '" + previous
                + "' (epoch " + std::to_string(c.epoch) + ") instead";
            return c;
        } catch (const IoError& before) {
            throw IoError(std::string(latest.what())
                + "; the previous checkpoint cannot be used either: " + before.what());
        }
    }
}

void writeMetricsFile(const std::string& path, const History& history)
{
    std::string text;
    for (std::size_t i = 0; i < history.size(); ++i)
        text += history.epochLine(i) + "\n";
    writeTextFileAtomically(path, text);
}

RunFolderWriter::RunFolderWriter(std::string dir, Trainer& trainer, bool resume, bool overwrite)
    : m_dir(std::move(dir))
    , m_trainer(trainer)
{
    createRunFolder(m_dir);
    m_lock = std::make_unique<RunFolderLock>(m_dir);
    if (!resume && !overwrite && fs::exists(path(kRunCheckpointFile)))
        throw IoError("the run folder '" + m_dir
            + "' already holds a run (checkpoint.h5); continue it with "
              "--resume, choose another --out, or pass --overwrite");
}

RunFolderWriter::~RunFolderWriter() = default;

std::string RunFolderWriter::lockNote() const
{
    return m_lock ? m_lock->note() : std::string();
}

std::string RunFolderWriter::path(const std::string& file) const
{
    return (fs::path(m_dir) / file).string();
}

void RunFolderWriter::onStart(const TrainStart& start)
{
    if (!m_lock) // a second run of the same writer
        m_lock = std::make_unique<RunFolderLock>(m_dir);
    m_start = start;
    const Checkpoint c = m_trainer.checkpoint();
    nlohmann::json config = { { "format", "neurino-run" }, { "neurino_version", NEURINO_VERSION },
        { "libtorch", libtorchVersion() }, { "device", start.device }, { "parameters", start.parameters },
        { "model", modelToJson(m_trainer.graph()) }, { "training", m_trainer.config().toJson() },
        { "data", c.data.toJson() },
        { "split",
            { { "train", start.trainSamples }, { "validation", start.validationSamples },
                { "test", start.testSamples } } },
        { "standardized", m_trainer.standardizer().fitted() }, { "first_epoch", start.firstEpoch },
        { "cpu_threads", m_trainer.threadChoice().toJson() } };
    if (!m_source.is_null())
        config["source"] = m_source;
    writeTextFileAtomically(path(kRunConfigFile), config.dump(2) + "\n");
    writeMetricsFile(path(kRunMetricsFile), m_trainer.history());
}

void RunFolderWriter::onEpochEnd(const EpochStats& stats)
{
    writeMetricsFile(path(kRunMetricsFile), m_trainer.history());
    const Checkpoint c = m_trainer.checkpoint();
    // best.h5 first: a run stopped between the two resumes from the epoch before and writes both again.
    if (stats.improved)
        saveCheckpoint(path(kRunBestFile), c);
    saveRunCheckpoint(m_dir, c);
}

void RunFolderWriter::onFinished(const TrainSummary& summary)
{
    std::ostringstream out;
    const Trainer& t = m_trainer;
    const Checkpoint c = t.checkpoint();
    out << "Neurino training run (" << NEURINO_VERSION << ", " << libtorchVersion() << ")\n\n";
    out << "model:    " << t.graph().name() << ", " << formatCount(m_start.parameters) << " parameters\n";
    out << "data:     " << c.data.origin << " (" << c.data.size << " samples";
    if (!c.data.featuresPath.empty())
        out << "; features '" << c.data.featuresPath << "', targets '" << c.data.targetsPath << "'";
    out << ")\n";
    out << "split:    " << m_start.trainSamples << " train / " << m_start.validationSamples
        << " validation / " << m_start.testSamples << " test"
        << (t.standardizer().fitted() ? ", standardised on train" : "") << "\n";
    const TrainConfig& cfg = t.config();
    out << "training: " << cfg.optimizer.name << " lr " << cfg.optimizer.learningRate << ", loss "
        << t.loss().name() << ", batch " << cfg.batchSize << ", " << cfg.epochs << " epochs, seed "
        << cfg.seed << "\n";
    out << "device:   " << m_start.device << "\n\n";
    out << "result:   " << stopReasonName(summary.reason) << " after " << summary.epochsCompleted
        << " epoch(s) in " << std::fixed << std::setprecision(1) << summary.seconds << " s\n";
    if (!summary.message.empty())
        out << "          " << summary.message << "\n";
    out.unsetf(std::ios::fixed);
    if (!summary.finalMetrics.empty())
        out << "final:    " << metricsLine(summary.finalMetrics) << "\n";
    if (summary.bestEpoch > 0)
        out << "best:     epoch " << summary.bestEpoch << ": " << metricsLine(summary.bestMetrics)
            << (summary.restoredBestWeights ? " (weights restored)" : "") << "\n";
    if (!summary.testMetrics.empty())
        out << "test:     " << metricsLine(summary.testMetrics) << "\n";
    out << "\n" << t.graph().summary();
    try {
        writeTextFileAtomically(path(kRunSummaryFile), out.str());
    } catch (const IoError&) {
        // A failed run (often failed at writing: a full disk, a read-only folder) ends with its own error,
        // which this one would hide.
        if (summary.reason != StopReason::Failed)
            throw;
    }
    // The run is over (completed, stopped or failed): another may write here now.
    m_lock.reset();
}

} // namespace neurino
