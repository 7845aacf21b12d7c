#include "core/run/RunFolder.h"

#include "core/io/ReadLimits.h"
#include "core/train/EarlyStopping.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/JsonNumbers.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <limits>
#include <optional>
#include <regex>
#include <sstream>
#include <type_traits>

namespace neurino {

namespace fs = std::filesystem;

namespace {

std::string fileIn(const std::string& dir, const char* name)
{
    return (fs::path(dir) / name).string();
}

std::string existingFile(const std::string& dir, const char* name)
{
    const std::string path = fileIn(dir, name);
    return fs::exists(path) ? path : std::string();
}

// The optional fields of one JSON object of a run's file; every error names the file and the field.
class Fields {
public:
    Fields(const nlohmann::json& object, std::string file, std::string prefix = {})
        : m_object(&object)
        , m_file(std::move(file))
        , m_prefix(std::move(prefix))
    {
        if (!object.is_object())
            throw IoError("'" + m_file
                + "' is damaged: " + (m_prefix.empty() ? "it" : "field '" + m_prefix + "'")
                + " must be a JSON object, not " + object.dump());
    }

    template <typename T> T get(const std::string& key, T fallback) const
    {
        const auto it = m_object->find(key);
        if (it == m_object->end() || it->is_null())
            return fallback;
        const bool fits = std::is_same_v<T, std::string> ? it->is_string() : it->is_number();
        if (!fits)
            throw IoError("'" + m_file + "' is damaged: field '" + name(key) + "' is " + it->dump()
                + "; it must be " + (std::is_same_v<T, std::string> ? "a string" : "a number"));
        if constexpr (std::is_integral_v<T>) {
            const std::optional<T> whole = jsonInteger<T>(*it);
            if (!whole)
                throw IoError("'" + m_file + "' is damaged: field '" + name(key) + "' is " + it->dump()
                    + "; it must be a whole number from " + std::to_string(std::numeric_limits<T>::lowest())
                    + " to " + std::to_string(std::numeric_limits<T>::max()));
            return *whole;
        } else {
            return it->get<T>();
        }
    }

    // An absent child reads as an empty object.
    Fields child(const std::string& key) const
    {
        static const nlohmann::json kEmpty = nlohmann::json::object();
        const auto it = m_object->find(key);
        return Fields(it == m_object->end() ? kEmpty : *it, m_file, name(key));
    }

    const nlohmann::json& json() const { return *m_object; }

private:
    std::string name(const std::string& key) const { return m_prefix.empty() ? key : m_prefix + "." + key; }

    const nlohmann::json* m_object;
    std::string m_file;
    std::string m_prefix;
};

nlohmann::json readJsonFile(const std::string& path)
{
    try {
        return nlohmann::json::parse(readBoundedJsonText(path));
    } catch (const nlohmann::json::exception& e) {
        throw IoError("'" + path + "' is damaged: " + e.what());
    }
}

void readClassifierConfig(const Fields& config, const std::string& path, RunFolder& run)
{
    run.kind = RunKind::Classifier;
    const Fields training = config.child("training");
    try {
        run.training = TrainConfig::fromJson(training.json(), "field 'training'");
    } catch (const Error& e) {
        throw IoError("'" + path + "' is damaged: " + e.what());
    }
    run.modelName = config.child("model").get<std::string>("name", "");
    run.data = config.child("data").get<std::string>("origin", "");
    run.start.parameters = config.get<std::int64_t>("parameters", 0);
    run.start.device = config.get<std::string>("device", "");
    run.start.epochs = run.training.epochs;
    run.start.firstEpoch = config.get<int>("first_epoch", 1);
    const Fields split = config.child("split");
    run.start.trainSamples = split.get<std::int64_t>("train", 0);
    run.start.validationSamples = split.get<std::int64_t>("validation", 0);
    run.start.testSamples = split.get<std::int64_t>("test", 0);
}

void readGanConfig(const Fields& config, const std::string& path, RunFolder& run)
{
    run.kind = RunKind::Gan;
    try {
        run.gan = GanConfig::fromJson(config.json().at("gan"));
    } catch (const Error& e) {
        throw IoError("'" + path + "' is damaged: field 'gan': " + e.what());
    }
    run.modelName = config.child("generator").get<std::string>("name", "") + " vs "
        + config.child("discriminator").get<std::string>("name", "");
    run.data = config.get<std::string>("data", "");
    run.start.epochs = run.gan.epochs;
    run.start.device = run.gan.device;
}

void readConfig(const std::string& path, RunFolder& run)
{
    const nlohmann::json doc = readJsonFile(path);
    const Fields config(doc, path);
    if (doc.contains("gan"))
        readGanConfig(config, path, run);
    else if (doc.contains("training") || config.get<std::string>("format", "") == "neurino-run")
        readClassifierConfig(config, path, run);
    else
        throw IoError("'" + path + "' is not a run's config: it has neither 'training' (a classifier run) "
            + "nor 'gan' (a GAN run)");
}

// One line of metrics.jsonl, as History::epochLine writes it.
EpochStats readEpoch(const std::string& line, const std::string& where, int expectedEpoch)
{
    nlohmann::json row;
    checkJsonDepth(line, where);
    try {
        row = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        throw IoError(where + " is not JSON (" + e.what() + "); each line holds one epoch's JSON object");
    }
    if (!row.is_object())
        throw IoError(where + " is " + row.dump() + ", not one epoch's JSON object");
    const auto epoch = row.find("epoch");
    if (epoch == row.end() || !epoch->is_number_integer() || jsonInteger<int>(*epoch) != expectedEpoch)
        throw IoError(where + ": field 'epoch' is " + (epoch == row.end() ? "missing" : epoch->dump())
            + "; the lines count the epochs from 1, so it must be " + std::to_string(expectedEpoch));
    EpochStats e;
    e.epoch = expectedEpoch;
    for (const auto& [key, value] : row.items()) {
        // null stands for a value that was not finite; the observer saw none.
        if (key == "epoch" || value.is_null())
            continue;
        if (!value.is_number())
            throw IoError(where + ": field '" + key + "' is " + value.dump() + "; it must be a number");
        const double number = value.get<double>();
        if (key == "seconds")
            e.seconds = number;
        else if (key == "samples_per_second")
            e.samplesPerSecond = number;
        else
            e.metrics[key] = number;
    }
    e.learningRate = e.metrics.count("lr") ? e.metrics.at("lr") : 0.0;
    return e;
}

std::vector<EpochStats> readMetrics(const std::string& path, int epochs)
{
    std::vector<EpochStats> out;
    if (!fs::exists(path))
        return out;
    std::istringstream lines(readBoundedTextFile(path));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const std::string where = "'" + path + "' line " + std::to_string(number);
        out.push_back(readEpoch(line, where, static_cast<int>(out.size()) + 1));
        out.back().epochs = epochs;
    }
    return out;
}

// Marks the improving epochs as EarlyStopping judged them while training.
void markBest(std::vector<EpochStats>& epochs, EarlyStoppingConfig monitor)
{
    if (epochs.empty() || monitor.monitor.empty())
        return;
    // Without a validation part the trainer follows the training loss.
    if (monitor.monitor.rfind("val_", 0) == 0 && !epochs.front().metrics.count(monitor.monitor))
        monitor.monitor = "loss";
    EarlyStopping early(monitor);
    for (EpochStats& e : epochs) {
        e.improved = e.metrics.count(early.monitor()) && early.update(e.epoch, e.metrics);
        e.bestEpoch = early.bestEpoch();
    }
}

StopReason stopReasonNamed(const std::string& name, const std::string& path)
{
    for (StopReason reason :
        { StopReason::Completed, StopReason::EarlyStopped, StopReason::Cancelled, StopReason::Failed }) {
        if (stopReasonName(reason) == name)
            return reason;
    }
    throw IoError("'" + path + "' is damaged: '" + name
        + "' is not how a run ends (completed, stopped early, cancelled or failed)");
}

// "result:   completed after 3 epoch(s) in 1.2 s" or "GAN run: completed after 3 epoch(s), 1.2 s".
bool readResult(const std::string& line, const std::string& path, TrainSummary& summary)
{
    static const std::regex kResult(R"(^(result:|GAN run:) *(.+) after (\d+) epoch\(s\)(,| in) (\S+) s)");
    // libstdc++'s regex recurses once per character it matches: a line of 30 KB overflowed the stack. The
    // result lines Neurino writes are short; a longer line is something else.
    constexpr std::size_t kMaxResultLine = 256;
    std::smatch match;
    if (line.size() > kMaxResultLine || !std::regex_search(line, match, kResult))
        return false;
    summary.reason = stopReasonNamed(match[2], path);
    try {
        summary.epochsCompleted = std::stoi(match[3]);
    } catch (const std::exception&) { // out of range: the pattern takes digits only
        throw IoError(
            "'" + path + "' is damaged: the number of epochs '" + match[3].str() + "' is too large");
    }
    try {
        summary.seconds = std::stod(match[5]);
    } catch (const std::exception&) {
        throw IoError("'" + path + "' is damaged: the run's time '" + match[5].str() + "' is not a number");
    }
    return true;
}

// "loss 0.31, accuracy 0.9" as RunFolderWriter writes a summary's metrics.
std::map<std::string, double> readMetricsLine(const std::string& text)
{
    std::map<std::string, double> out;
    std::istringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        std::istringstream pair(item);
        std::string name;
        double value = 0;
        if (pair >> name >> value)
            out[name] = value;
    }
    return out;
}

// Beside the result line: a classifier's message (indented), restored weights and test metrics; a GAN's
// message (the lines that are not indented metrics).
void readSummaryDetails(std::istream& lines, RunKind kind, TrainSummary& summary)
{
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        if (kind == RunKind::Gan) {
            if (!line.empty() && line.rfind("  ", 0) != 0)
                summary.message += (summary.message.empty() ? "" : "\n") + line;
            continue;
        }
        if (first && line.rfind("          ", 0) == 0)
            summary.message = line.substr(line.find_first_not_of(' '));
        first = false;
        if (line.rfind("best:", 0) == 0)
            summary.restoredBestWeights = line.find("(weights restored)") != std::string::npos;
        if (line.rfind("test:", 0) == 0)
            summary.testMetrics = readMetricsLine(line.substr(5));
    }
}

void readSummary(const std::string& path, RunFolder& run)
{
    TrainSummary& s = run.summary;
    const std::vector<EpochStats>& epochs = run.epochs;
    s.epochsCompleted = epochs.empty() ? 0 : epochs.back().epoch;
    s.bestEpoch = epochs.empty() ? 0 : epochs.back().bestEpoch;
    if (!epochs.empty())
        s.finalMetrics = epochs.back().metrics;
    if (s.bestEpoch > 0)
        s.bestMetrics = epochs.at(static_cast<std::size_t>(s.bestEpoch - 1)).metrics;
    if (!fs::exists(path)) {
        s.reason = StopReason::Cancelled;
        s.message = "interrupted: the run folder has no summary.txt";
        return;
    }
    run.finished = true;
    std::istringstream lines(readBoundedTextFile(path));
    std::string line;
    while (std::getline(lines, line)) {
        if (readResult(line, path, s)) {
            readSummaryDetails(lines, run.kind, s);
            if (run.kind == RunKind::Gan)
                s.restoredBestWeights
                    = s.bestEpoch > 0 && s.bestEpoch != s.epochsCompleted && s.reason != StopReason::Failed;
            return;
        }
    }
    throw IoError("'" + path + "' is damaged: no line says how the run ended (\""
        + (run.kind == RunKind::Gan ? "GAN run: completed after" : "result:   completed after") + " ...\")");
}

} // namespace

RunFolder RunFolder::read(const std::string& dir)
{
    const std::string configPath = fileIn(dir, kRunConfigFile);
    if (!fs::exists(configPath))
        throw IoError("'" + dir + "' is not a run folder: it has no config.json (a run folder holds "
            + "config.json and metrics.jsonl, as neurino-batch train and gan train write them)");
    RunFolder run;
    run.dir = dir;
    readConfig(configPath, run);
    const bool gan = run.kind == RunKind::Gan;
    run.epochs = readMetrics(fileIn(dir, kRunMetricsFile), run.start.epochs);
    EarlyStoppingConfig monitor = run.training.earlyStopping;
    if (gan)
        monitor = EarlyStoppingConfig { false, run.gan.keepBest, "min", 0, 0.0, false };
    markBest(run.epochs, monitor);
    readSummary(fileIn(dir, kRunSummaryFile), run);
    run.checkpoint = gan ? std::string() : existingFile(dir, kRunCheckpointFile);
    run.best = gan ? std::string() : existingFile(dir, kRunBestFile);
    run.generator = gan ? existingFile(dir, kRunGeneratorFile) : std::string();
    run.discriminator = gan ? existingFile(dir, kRunDiscriminatorFile) : std::string();
    return run;
}

void RunFolder::copy(const std::string& from, const std::string& to)
{
    if (fs::exists(fileIn(to, kRunConfigFile)))
        throw IoError("'" + to + "' holds a run already; choose an empty folder");
    std::error_code error;
    fs::create_directories(to, error);
    if (error || !fs::is_directory(to))
        throw IoError("cannot create the folder '" + to
            + "': " + (error ? error.message() : std::string("a file of that name exists")));
    fs::directory_iterator files(from, error);
    if (error)
        throw IoError("cannot read the run folder '" + from + "': " + error.message());
    for (const fs::directory_entry& file : files) {
        // The lock (and a stale one moved aside) belongs to the process writing `from`.
        if (!file.is_regular_file() || file.path().filename().string().rfind(kRunLockFile, 0) == 0)
            continue;
        const std::string target = (fs::path(to) / file.path().filename()).string();
        writeFileAtomically(target, [&](const std::string& tmp) {
            std::error_code copyError;
            if (!fs::copy_file(file.path(), tmp, fs::copy_options::overwrite_existing, copyError))
                throw IoError(
                    "cannot copy '" + file.path().string() + "' to '" + target + "': " + copyError.message());
        });
    }
}

void createRunFolder(const std::string& dir)
{
    std::error_code error;
    fs::create_directories(dir, error);
    if (error || !fs::is_directory(dir))
        throw IoError("cannot create the run folder '" + dir
            + "': " + (error ? error.message() : std::string("a file of that name exists")));
}

} // namespace neurino
