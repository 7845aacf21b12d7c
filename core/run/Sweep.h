#pragma once

#include "core/run/RunSpec.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

// A search over run settings: a base RunSpec and, for each setting varied, the values to try. A setting is
// named by its path in the run spec's JSON ("training.optimizer.learning_rate", "training.batch_size",
// "seed") or, for a layer parameter, "model.<node id>.<parameter>" ("model.dense_1.units"). A grid tries
// every combination; a random search draws `trials` of them (a list is chosen from; {"uniform": [a, b]},
// {"log_uniform": [a, b]} and {"int": [a, b]} are drawn from), seeded.
//
// sweep.json: {"format": "neurino-sweep", "base": "run.json" or {run spec}, "search": "grid" | "random",
//              "trials": 8, "seed": 1, "parameters": {"training.optimizer.learning_rate": [1e-3, 1e-2], ...},
//              "rank_by": "val_loss"}
struct SweepSpec {
    nlohmann::json base; // a run spec's JSON
    std::string search = "grid";
    int trials = 0; // random search only
    std::uint64_t seed = 1;
    // In the order of their names (as JSON objects keep them); a grid varies the last one fastest.
    std::vector<std::pair<std::string, nlohmann::json>> parameters;
    std::string rankBy = "val_loss"; // lower is better for losses and errors, higher for the rest

    // Reads a sweep file; a "base" path is relative to the file. Errors name the file and the field.
    static SweepSpec load(const std::string& path);
    static SweepSpec fromJson(
        const nlohmann::json& doc, const std::string& where, const std::string& baseDir = ".");
    // Whether a larger value of rankBy is better (accuracy, AUC) rather than smaller (loss, mae, mse).
    bool higherIsBetter() const;
};

// One run of a sweep: its name (run-000, ...), the settings it tries, and the full spec.
struct SweepTrial {
    std::string name;
    nlohmann::json settings; // {"training.batch_size": 256, ...}
    RunSpec spec;
};

// The trials the sweep makes. Throws TrainError or ModelError naming the setting and the trial whose spec
// the setting makes invalid (an unknown node, a learning rate below zero).
std::vector<SweepTrial> expandSweep(const SweepSpec& sweep);

// Sets `path` ("training.optimizer.learning_rate", "model.<node>.<param>") in a run spec's JSON.
void applySetting(nlohmann::json& spec, const std::string& path, const nlohmann::json& value);

// What a finished (or failed) trial reached, read back from its run folder.
struct SweepResult {
    std::string name;
    nlohmann::json settings;
    int epochs = 0; // epochs in metrics.jsonl; 0 when it did not run
    int bestEpoch = 0;
    double score = 0; // the best rankBy value over its epochs
    bool scored = false;
    std::map<std::string, double> best; // that epoch's metrics
};

// Reads every trial's run folder under `dir` and orders them best first (unscored last).
std::vector<SweepResult> gatherSweep(
    const std::string& dir, const std::vector<SweepTrial>& trials, const SweepSpec& sweep);
// The results as CSV: run, every setting, epochs, best_epoch, then the best epoch's metrics. Written
// atomically.
void writeSweepTable(
    const std::string& path, const std::vector<SweepResult>& results, const SweepSpec& sweep);

} // namespace neurino
