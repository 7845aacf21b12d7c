#pragma once

#include "core/util/Seed.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace neurino {

template <typename S> class StructSchema; // core/util/StructSchema.h
struct ParamSpec; // core/util/ParamSchema.h

// Optimizer and its hyper-parameters; names and defaults as PyTorch's (Nadam as torch.optim.NAdam).
struct OptimizerConfig {
    std::string name = "adam"; // sgd | adam | adamw | rmsprop | adagrad | nadam
    double learningRate = 1e-3;
    double momentum = 0.0; // sgd, rmsprop
    bool nesterov = false; // sgd
    double dampening = 0.0; // sgd
    double beta1 = 0.9; // adam, adamw, nadam
    double beta2 = 0.999;
    std::optional<double> epsilon; // default per optimizer: 1e-8, adagrad 1e-10
    std::optional<double> weightDecay; // default 0, adamw 1e-2 (decoupled)
    bool amsgrad = false; // adam, adamw
    double alpha = 0.99; // rmsprop smoothing constant
    bool centered = false; // rmsprop
    double learningRateDecay = 0.0; // adagrad
    double initialAccumulator = 0.0; // adagrad
    double momentumDecay = 4e-3; // nadam

    double epsilonOrDefault() const;
    double weightDecayOrDefault() const;
};

// Learning-rate schedule, stepped once per epoch.
struct ScheduleConfig {
    std::string kind = "none"; // none | step | exponential | cosine | plateau
    int stepSize = 10; // step: epochs between decays
    double gamma = 0.1; // step, exponential: factor per step or epoch
    int cosineEpochs = 0; // cosine: T_max in epochs; 0 takes the run's epochs
    double minLearningRate = 0.0; // cosine: eta_min; plateau: the floor
    double factor = 0.1; // plateau: lr *= factor
    int patience = 10; // plateau: epochs without improvement before a decay
    double threshold = 1e-4; // plateau: relative improvement that counts
    int cooldown = 0; // plateau: epochs to wait after a decay
    std::string monitor = "val_loss";
};

// Stop when the monitored value has not improved for `patience` epochs.
struct EarlyStoppingConfig {
    bool enabled = false;
    std::string monitor = "val_loss";
    std::string mode = "auto"; // min | max | auto (max for accuracy and auc, min otherwise)
    int patience = 5;
    double minDelta = 0.0;
    bool restoreBestWeights = true;
};

// Everything a training run needs besides the model and the data. Saved in config.json and in every
// checkpoint; the same config, model, data and seed give the same run on CPU.
struct TrainConfig {
    OptimizerConfig optimizer;
    std::string loss = "auto"; // auto | cross_entropy | binary_cross_entropy | mse | mae | mape | huber
    double huberDelta = 1.0;
    std::vector<std::string> metrics; // accuracy, auc, mape, mae, mse; empty: chosen from the task
    int epochs = 10;
    std::int64_t batchSize = 32;
    bool shuffle = true;
    ScheduleConfig schedule;
    EarlyStoppingConfig earlyStopping;
    double l1 = 0.0; // penalty l1 * sum |w| over layer weights (not biases), as Keras's regularizers
    double l2 = 0.0; // penalty l2 * sum w^2
    double clipNorm = 0.0; // clip the global gradient norm to this; 0: off
    double clipValue = 0.0; // clip every gradient element to [-v, v]; 0: off
    std::string device = "auto";
    std::uint64_t seed = kDefaultSeed;
    int threads = 0; // CPU threads for LibTorch; 0 ("auto"): the fastest count, measured (ThreadTuning.h)
    double validationSplit = 0.2; // fraction of the data left after the test part
    double testSplit = 0.0; // fraction of all data
    bool stratify = false; // keep class shares in every part
    std::string standardize = "auto"; // auto (flat features only) | on | off

    // Throws TrainError naming the field and the allowed values when something is out of range (checks
    // generated from trainConfigSchema()) or when settings do not go together.
    void validate() const;

    nlohmann::json toJson() const;
    // Missing keys keep their defaults; unknown keys and wrong types throw TrainError naming `source`
    // and the key, so a typo in a config file is not silently ignored.
    static TrainConfig fromJson(const nlohmann::json& doc, const std::string& source = "training config");
};

// The settings and their JSON keys, types, defaults, ranges and help: toJson, fromJson, the range checks of
// validate(), neurino-batch's options and the forms are generated from them. Every member has an entry
// (tests/core/train/TestConfigSchema.cpp checks).
const StructSchema<OptimizerConfig>& optimizerConfigSchema();
const StructSchema<ScheduleConfig>& scheduleConfigSchema();
// The "threads" field of training configs: 0 is "auto", a few steps of the run's networks timed at each
// thread count and the fastest kept (ThreadTuning.h).
ParamSpec cpuThreadsParam();
const StructSchema<EarlyStoppingConfig>& earlyStoppingConfigSchema();
const StructSchema<TrainConfig>& trainConfigSchema();

// The checks of settings that must go together, which a schema cannot express. `noun` and `prefix` name
// the settings in errors: "training setting 'optimizer.nesterov'", "GAN setting
// 'generator_optimizer.nesterov'".
void checkOptimizerCombination(
    const OptimizerConfig& optimizer, const std::string& noun, const std::string& prefix);
void checkScheduleCombination(
    const ScheduleConfig& schedule, const std::string& noun, const std::string& prefix);

// The optimizers, losses, metrics and schedules TrainConfig accepts.
const std::vector<std::string>& optimizerNames();
const std::vector<std::string>& lossNames();
const std::vector<std::string>& metricNames();
const std::vector<std::string>& scheduleNames();

} // namespace neurino
