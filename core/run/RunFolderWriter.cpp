#include "core/run/RunFolderWriter.h"

#include "core/graph/ModelJson.h"
#include "core/run/RunFolder.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Device.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <iomanip>
#include <sstream>

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
    if (!resume && !overwrite && fs::exists(path(kRunCheckpointFile)))
        throw IoError("the run folder '" + m_dir
            + "' already holds a run (checkpoint.h5); continue it with "
              "--resume, choose another --out, or pass --overwrite");
}

std::string RunFolderWriter::path(const std::string& file) const
{
    return (fs::path(m_dir) / file).string();
}

void RunFolderWriter::onStart(const TrainStart& start)
{
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
    saveCheckpoint(path(kRunCheckpointFile), c);
    if (stats.improved)
        saveCheckpoint(path(kRunBestFile), c);
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
    writeTextFileAtomically(path(kRunSummaryFile), out.str());
}

} // namespace neurino
