#include "core/run/Sweep.h"

#include "core/io/ReadLimits.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <random>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace neurino {

namespace {

std::vector<std::string> splitPath(const std::string& path)
{
    std::vector<std::string> parts;
    std::stringstream in(path);
    for (std::string part; std::getline(in, part, '.');)
        parts.push_back(part);
    return parts;
}

// One value of a setting for a random trial.
nlohmann::json draw(const nlohmann::json& domain, std::mt19937_64& random, const std::string& where)
{
    if (domain.is_array())
        return domain.at(std::uniform_int_distribution<std::size_t>(0, domain.size() - 1)(random));
    const auto range = [&](const char* kind) {
        const auto& r = domain.at(kind);
        if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number() || r[1] < r[0])
            throw TrainError(where + ": '" + kind + "' takes [low, high] with low <= high");
        return std::make_pair(r[0].get<double>(), r[1].get<double>());
    };
    if (domain.contains("uniform")) {
        const auto [low, high] = range("uniform");
        return std::uniform_real_distribution<double>(low, high)(random);
    }
    if (domain.contains("log_uniform")) {
        const auto [low, high] = range("log_uniform");
        if (low <= 0)
            throw TrainError(where + ": 'log_uniform' needs a positive range");
        return std::exp(std::uniform_real_distribution<double>(std::log(low), std::log(high))(random));
    }
    if (domain.contains("int")) {
        const auto [low, high] = range("int");
        return std::uniform_int_distribution<long long>(std::llround(low), std::llround(high))(random);
    }
    throw TrainError(
        where + " must be a list of values or {\"uniform\" | \"log_uniform\" | \"int\": [low, high]}");
}

std::string settingsText(const nlohmann::json& settings)
{
    std::string text;
    for (const auto& [key, value] : settings.items())
        text += (text.empty() ? "" : ", ") + key + "=" + value.dump();
    return text;
}

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string number(double value)
{
    std::ostringstream out;
    out << std::setprecision(8) << value;
    return out.str();
}

} // namespace

SweepSpec SweepSpec::load(const std::string& path)
{
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(readBoundedJsonText(path));
    } catch (const nlohmann::json::exception& e) {
        throw IoError("'" + path + "' is not valid JSON: " + e.what());
    }
    return fromJson(doc, "'" + path + "'", fs::path(path).parent_path().string());
}

SweepSpec SweepSpec::fromJson(const nlohmann::json& doc, const std::string& where, const std::string& baseDir)
{
    if (!doc.is_object())
        throw TrainError(where + " is not a JSON object");
    if (doc.value("format", std::string("neurino-sweep")) != "neurino-sweep")
        throw TrainError(
            where + " is not a neurino-sweep file: its format is '" + doc.value("format", "") + "'");
    for (const auto& item : doc.items())
        if (!std::set<std::string> {
                "format", "version", "base", "search", "trials", "seed", "parameters", "rank_by" }
                 .count(item.key()))
            throw TrainError(where + " has an unknown field '" + item.key() + "'");
    SweepSpec sweep;
    if (!doc.contains("base"))
        throw TrainError(where + " has no field 'base' (a run spec, or the path of one)");
    const nlohmann::json& base = doc.at("base");
    if (base.is_string()) {
        const fs::path file = fs::path(base.get<std::string>()).is_absolute()
            ? fs::path(base.get<std::string>())
            : fs::path(baseDir.empty() ? "." : baseDir) / base.get<std::string>();
        sweep.base = RunSpec::load(file.string()).toJson();
    } else {
        sweep.base = RunSpec::fromJson(base, where + ", field 'base'").toJson();
    }
    sweep.search = doc.value("search", std::string("grid"));
    if (sweep.search != "grid" && sweep.search != "random")
        throw TrainError(
            where + ": field 'search' must be \"grid\" or \"random\", not '" + sweep.search + "'");
    sweep.trials = doc.value("trials", 0);
    if (sweep.search == "random" && sweep.trials < 1)
        throw TrainError(where + ": a random search needs \"trials\": N with N >= 1");
    sweep.seed = doc.value("seed", std::uint64_t(1));
    sweep.rankBy = doc.value("rank_by", std::string("val_loss"));
    if (!doc.contains("parameters") || !doc.at("parameters").is_object() || doc.at("parameters").empty())
        throw TrainError(where + ": field 'parameters' must name at least one setting and its values");
    for (const auto& [key, values] : doc.at("parameters").items()) {
        if (sweep.search == "grid" && (!values.is_array() || values.empty()))
            throw TrainError(where + ", parameter '" + key + "': a grid takes a non-empty list of values");
        sweep.parameters.emplace_back(key, values);
    }
    return sweep;
}

bool SweepSpec::higherIsBetter() const
{
    for (const char* lower : { "loss", "mae", "mse", "error" })
        if (rankBy.find(lower) != std::string::npos)
            return false;
    return true;
}

void applySetting(nlohmann::json& spec, const std::string& path, const nlohmann::json& value)
{
    const std::vector<std::string> parts = splitPath(path);
    if (parts.empty())
        throw TrainError("an empty setting name");
    if (parts.front() == "model") {
        if (parts.size() != 3)
            throw TrainError("the setting '" + path + "' must read model.<node id>.<parameter>");
        for (auto& node : spec.at("model").at("nodes"))
            if (node.value("id", std::string()) == parts[1]) {
                node["params"][parts[2]] = value;
                return;
            }
        throw ModelError("the setting '" + path + "' names a node '" + parts[1] + "' the model has not");
    }
    nlohmann::json* at = &spec;
    for (const std::string& part : parts) {
        if (!at->is_object())
            throw TrainError("the setting '" + path + "' goes through a value that is not an object");
        at = &(*at)[part];
    }
    *at = value;
}

std::vector<SweepTrial> expandSweep(const SweepSpec& sweep)
{
    std::vector<nlohmann::json> combinations;
    if (sweep.search == "grid") {
        combinations.push_back(nlohmann::json::object());
        for (const auto& [key, values] : sweep.parameters) {
            std::vector<nlohmann::json> next;
            for (const auto& partial : combinations)
                for (const auto& value : values) {
                    nlohmann::json more = partial;
                    more[key] = value;
                    next.push_back(more);
                }
            combinations = std::move(next);
        }
    } else {
        std::mt19937_64 random(sweep.seed);
        for (int t = 0; t < sweep.trials; ++t) {
            nlohmann::json settings = nlohmann::json::object();
            for (const auto& [key, domain] : sweep.parameters)
                settings[key] = draw(domain, random, "parameter '" + key + "'");
            combinations.push_back(settings);
        }
    }
    std::vector<SweepTrial> trials;
    for (std::size_t i = 0; i < combinations.size(); ++i) {
        std::ostringstream name;
        name << "run-" << std::setw(3) << std::setfill('0') << i;
        nlohmann::json doc = sweep.base;
        for (const auto& [key, value] : combinations[i].items())
            applySetting(doc, key, value);
        doc["name"] = name.str();
        SweepTrial trial;
        trial.name = name.str();
        trial.settings = combinations[i];
        trial.spec = RunSpec::fromJson(
            doc, "sweep trial " + name.str() + " (" + settingsText(combinations[i]) + ")");
        trials.push_back(std::move(trial));
    }
    return trials;
}

std::vector<SweepResult> gatherSweep(
    const std::string& dir, const std::vector<SweepTrial>& trials, const SweepSpec& sweep)
{
    const bool higher = sweep.higherIsBetter();
    std::vector<SweepResult> results;
    for (const SweepTrial& trial : trials) {
        SweepResult r;
        r.name = trial.name;
        r.settings = trial.settings;
        std::ifstream in((fs::path(dir) / trial.name / "metrics.jsonl").string());
        for (std::string line; std::getline(in, line);) {
            if (line.empty())
                continue;
            const nlohmann::json epoch = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
            if (!epoch.is_object())
                continue;
            ++r.epochs;
            const auto value = epoch.find(sweep.rankBy);
            if (value == epoch.end() || !value->is_number())
                continue;
            const double v = value->get<double>();
            if (!r.scored || (higher ? v > r.score : v < r.score)) {
                r.scored = true;
                r.score = v;
                r.bestEpoch = epoch.value("epoch", r.epochs);
                r.best.clear();
                for (const auto& [key, x] : epoch.items())
                    if (x.is_number() && key != "epoch")
                        r.best[key] = x.get<double>();
            }
        }
        results.push_back(std::move(r));
    }
    std::stable_sort(results.begin(), results.end(), [higher](const SweepResult& a, const SweepResult& b) {
        if (a.scored != b.scored)
            return a.scored;
        return higher ? a.score > b.score : a.score < b.score;
    });
    return results;
}

void writeSweepTable(const std::string& path, const std::vector<SweepResult>& results, const SweepSpec& sweep)
{
    std::set<std::string> metricSet;
    for (const auto& r : results)
        for (const auto& [key, value] : r.best)
            metricSet.insert(key);
    std::ostringstream out;
    out << "rank,run";
    for (const auto& [key, values] : sweep.parameters)
        out << "," << csvField(key);
    out << ",epochs,best_epoch";
    for (const auto& key : metricSet)
        out << "," << csvField(key);
    out << "\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const SweepResult& r = results[i];
        out << (r.scored ? std::to_string(i + 1) : std::string()) << "," << csvField(r.name);
        for (const auto& [key, values] : sweep.parameters) {
            const auto value = r.settings.find(key);
            out << ","
                << csvField(value == r.settings.end() ? ""
                           : value->is_string()       ? value->get<std::string>()
                                                      : value->dump());
        }
        out << "," << r.epochs << "," << r.bestEpoch;
        for (const auto& key : metricSet) {
            const auto value = r.best.find(key);
            out << "," << (value == r.best.end() ? std::string() : number(value->second));
        }
        out << "\n";
    }
    writeTextFileAtomically(path, out.str());
}

} // namespace neurino
