#include "widgets/RunFolder.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

namespace neurino::RunFolder {

namespace {

std::string native(const QString& path)
{
    return QDir::toNativeSeparators(path).toStdString();
}

// The epoch with the best monitored value, as the trainer's early stopping picks it.
void markBest(std::vector<EpochStats>& epochs, const TrainConfig& config)
{
    std::string monitor = config.earlyStopping.monitor;
    if (!epochs.empty() && !epochs.front().metrics.count(monitor))
        monitor = "loss";
    const bool maximise = config.earlyStopping.mode == "max"
        || (config.earlyStopping.mode == "auto"
            && (monitor.find("accuracy") != std::string::npos || monitor.find("auc") != std::string::npos));
    int best = 0;
    double bestValue = maximise ? -INFINITY : INFINITY;
    for (EpochStats& e : epochs) {
        auto it = e.metrics.find(monitor);
        if (it != e.metrics.end() && (maximise ? it->second > bestValue : it->second < bestValue)) {
            bestValue = it->second;
            best = e.epoch;
            e.improved = true;
        }
        e.bestEpoch = best;
    }
}

} // namespace

RunRecord read(const QString& folder)
{
    const QDir dir(folder);
    if (!QFileInfo::exists(dir.filePath("config.json")))
        throw IoError("'" + native(folder) + "' is not a run folder: it has no config.json (a run folder "
            + "holds config.json and metrics.jsonl, as neurino-batch train writes them)");
    RunRecord run;
    run.folder = dir.absolutePath();
    run.name = dir.dirName();
    const std::string configPath = native(dir.filePath("config.json"));
    try {
        const nlohmann::json config = nlohmann::json::parse(readTextFile(configPath));
        run.config = TrainConfig::fromJson(config.value("training", nlohmann::json::object()), configPath);
        run.modelName
            = QString::fromStdString(config.value("model", nlohmann::json::object()).value("name", ""));
        const nlohmann::json data = config.value("data", nlohmann::json::object());
        run.dataName = QFileInfo(QString::fromStdString(data.value("origin", ""))).fileName();
        run.start.parameters = config.value("parameters", std::int64_t(0));
        run.start.device = config.value("device", "");
        run.start.epochs = run.config.epochs;
        run.start.firstEpoch = config.value("first_epoch", 1);
        const nlohmann::json split = config.value("split", nlohmann::json::object());
        run.start.trainSamples = split.value("train", std::int64_t(0));
        run.start.validationSamples = split.value("validation", std::int64_t(0));
        run.start.testSamples = split.value("test", std::int64_t(0));
    } catch (const nlohmann::json::exception& e) {
        throw Error("'" + configPath + "' is damaged: " + e.what());
    }

    const std::string metricsPath = native(dir.filePath("metrics.jsonl"));
    if (QFileInfo::exists(dir.filePath("metrics.jsonl"))) {
        std::istringstream lines(readTextFile(metricsPath));
        std::string line;
        int number = 0;
        while (std::getline(lines, line)) {
            ++number;
            if (line.empty())
                continue;
            try {
                const nlohmann::json row = nlohmann::json::parse(line);
                EpochStats e;
                e.epoch = row.at("epoch").get<int>();
                e.epochs = run.config.epochs;
                for (const auto& [key, value] : row.items()) {
                    if (key != "epoch" && value.is_number())
                        e.metrics[key] = value.get<double>();
                }
                e.learningRate = e.metrics.count("lr") ? e.metrics.at("lr") : 0.0;
                run.epochs.push_back(std::move(e));
            } catch (const nlohmann::json::exception& e) {
                throw Error(
                    "'" + metricsPath + "' line " + std::to_string(number) + " is damaged: " + e.what());
            }
        }
    }
    markBest(run.epochs, run.config);
    run.summary.epochsCompleted = static_cast<int>(run.epochs.size());
    run.summary.bestEpoch = run.epochs.empty() ? 0 : run.epochs.back().bestEpoch;
    if (!run.epochs.empty())
        run.summary.finalMetrics = run.epochs.back().metrics;
    // How it ended is in summary.txt's "result:" line; a folder without one was interrupted.
    run.summary.reason = StopReason::Cancelled;
    if (QFileInfo::exists(dir.filePath("summary.txt"))) {
        std::istringstream summary(readTextFile(native(dir.filePath("summary.txt"))));
        std::string line;
        while (std::getline(summary, line)) {
            if (line.rfind("result:", 0) != 0)
                continue;
            for (StopReason reason : { StopReason::Completed, StopReason::EarlyStopped, StopReason::Cancelled,
                     StopReason::Failed }) {
                if (line.find(" " + stopReasonName(reason) + " ") != std::string::npos)
                    run.summary.reason = reason;
            }
            break;
        }
    }
    run.finished = true;
    return run;
}

void copy(const QString& folder, const QString& target)
{
    const QDir source(folder);
    QDir out(target);
    if (QFileInfo::exists(out.filePath("config.json")))
        throw IoError("'" + native(target) + "' holds a run already; choose an empty folder");
    if (!out.mkpath("."))
        throw IoError("cannot create the folder '" + native(target) + "'");
    for (const QFileInfo& file : source.entryInfoList(QDir::Files)) {
        const QString to = out.filePath(file.fileName());
        QFile::remove(to);
        if (!QFile::copy(file.absoluteFilePath(), to))
            throw IoError("cannot copy '" + native(file.absoluteFilePath()) + "' to '" + native(to) + "'");
    }
}

} // namespace neurino::RunFolder
