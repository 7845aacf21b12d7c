#include "core/train/TrainConfig.h"

#include "core/util/Error.h"
#include "core/util/StructSchema.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace neurino {

using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ParamSpec openBelow(ParamSpec spec)
{
    spec.minOpen = true;
    return spec;
}

SchemaWhere settingWhere(const std::string& source)
{
    SchemaWhere where;
    where.style = SchemaWhere::Style::Setting;
    where.owner = source;
    where.noun = "training setting";
    where.raise = [](const std::string& message) { throw TrainError(message); };
    return where;
}

StructSchema<OptimizerConfig> makeOptimizerSchema()
{
    using O = OptimizerConfig;
    StructSchema<O> s;
    s.field(&O::name, choiceParam("name", "adam", optimizerNames(), "Optimizer (PyTorch's algorithms)"));
    s.field(&O::learningRate, openBelow(floatParam("learning_rate", 1e-3, 0, kInf, "Learning rate")));
    s.field(&O::momentum, floatParam("momentum", 0.0, 0, 1, "Momentum (sgd, rmsprop)"));
    s.field(&O::nesterov, boolParam("nesterov", false, "Nesterov momentum (sgd)"));
    s.field(&O::dampening, floatParam("dampening", 0.0, -kInf, kInf, "Dampening of the momentum (sgd)"));
    s.field(&O::beta1, floatParam("beta1", 0.9, 0, 0.999999999, "First-moment decay (adam, adamw, nadam)"));
    s.field(
        &O::beta2, floatParam("beta2", 0.999, 0, 0.999999999, "Second-moment decay (adam, adamw, nadam)"));
    ParamSpec epsilon
        = floatParam("epsilon", nullptr, 0, kInf, "Term added for stability (1e-8; adagrad 1e-10)");
    epsilon.optional = true;
    s.field(&O::epsilon, epsilon, [](const O& o) { return nlohmann::json(o.epsilonOrDefault()); });
    ParamSpec decay = floatParam("weight_decay", nullptr, 0, kInf, "Weight decay (0; adamw 1e-2, decoupled)");
    decay.optional = true;
    s.field(&O::weightDecay, decay, [](const O& o) { return nlohmann::json(o.weightDecayOrDefault()); });
    s.field(&O::amsgrad, boolParam("amsgrad", false, "AMSGrad variant (adam, adamw)"));
    s.field(&O::alpha, floatParam("alpha", 0.99, 0, 1, "Smoothing constant (rmsprop)"));
    s.field(&O::centered, boolParam("centered", false, "Centered RMSprop"));
    s.field(&O::learningRateDecay,
        floatParam("learning_rate_decay", 0.0, -kInf, kInf, "Learning-rate decay (adagrad)"));
    s.field(&O::initialAccumulator,
        floatParam("initial_accumulator", 0.0, -kInf, kInf, "Initial accumulator value (adagrad)"));
    s.field(&O::momentumDecay, floatParam("momentum_decay", 4e-3, 0, kInf, "Momentum decay (nadam)"));
    return s;
}

StructSchema<ScheduleConfig> makeScheduleSchema()
{
    using C = ScheduleConfig;
    StructSchema<C> s;
    s.field(
        &C::kind, choiceParam("kind", "none", scheduleNames(), "Learning-rate schedule, stepped per epoch"));
    s.field(&C::stepSize, intParam("step_size", 10, -kInf, kInf, "step: epochs between decays"));
    s.field(&C::gamma,
        openBelow(floatParam("gamma", 0.1, 0, kInf, "step, exponential: factor per step or epoch")));
    s.field(&C::cosineEpochs,
        intParam("cosine_epochs", 0, 0, kInf, "cosine: T_max in epochs; 0: the run's epochs"));
    s.field(&C::minLearningRate,
        floatParam("min_learning_rate", 0.0, 0, kInf, "cosine: the rate at the end; plateau: the floor"));
    s.field(
        &C::factor, openBelow(floatParam("factor", 0.1, 0, 1, "plateau: the rate is multiplied by this")));
    s.field(&C::patience,
        intParam("patience", 10, 0, kInf, "plateau: epochs without improvement before a decay"));
    s.field(&C::threshold,
        floatParam("threshold", 1e-4, -kInf, kInf, "plateau: relative improvement that counts"));
    s.field(&C::cooldown, intParam("cooldown", 0, 0, kInf, "plateau: epochs to wait after a decay"));
    s.field(&C::monitor, textParam("monitor", "val_loss", "plateau: the value watched"));
    return s;
}

StructSchema<EarlyStoppingConfig> makeEarlyStoppingSchema()
{
    using C = EarlyStoppingConfig;
    StructSchema<C> s;
    s.field(&C::enabled, boolParam("enabled", false, "Stop when the monitored value stops improving"));
    s.field(&C::monitor,
        textParam("monitor", "val_loss", "The value watched (val_loss, val_accuracy, loss, ...)"));
    s.field(&C::mode,
        choiceParam("mode", "auto", { "auto", "min", "max" },
            "min, max, or auto: max for accuracy and auc, min otherwise"));
    s.field(&C::patience, intParam("patience", 5, 0, kInf, "Epochs without improvement before stopping"));
    s.field(
        &C::minDelta, floatParam("min_delta", 0.0, 0, kInf, "Smallest change that counts as improvement"));
    s.field(&C::restoreBestWeights,
        boolParam("restore_best_weights", true, "Keep the weights of the best epoch when stopping"));
    return s;
}

StructSchema<TrainConfig> makeTrainSchema()
{
    using C = TrainConfig;
    StructSchema<C> s;
    s.nested(&C::optimizer, "optimizer", optimizerConfigSchema());
    s.field(&C::loss, choiceParam("loss", "auto", lossNames(), "Loss (auto: from the task)"));
    s.field(&C::huberDelta, openBelow(floatParam("huber_delta", 1.0, 0, kInf, "Delta of the huber loss")));
    s.field(&C::metrics, choiceListParam("metrics", metricNames(), "Metrics (empty: from the task)"));
    s.field(&C::epochs, intParam("epochs", 10, 1, kInf, "Epochs to train"));
    s.field(&C::batchSize, intParam("batch_size", 32, 1, kInf, "Samples per batch"));
    s.field(&C::shuffle, boolParam("shuffle", true, "Shuffle the training samples every epoch"));
    s.nested(&C::schedule, "schedule", scheduleConfigSchema());
    s.nested(&C::earlyStopping, "early_stopping", earlyStoppingConfigSchema());
    s.field(&C::l1, floatParam("l1", 0.0, 0, kInf, "L1 penalty on layer weights"));
    s.field(&C::l2, floatParam("l2", 0.0, 0, kInf, "L2 penalty on layer weights"));
    s.field(&C::clipNorm, floatParam("clip_norm", 0.0, 0, kInf, "Clip the gradient norm to this (0: off)"));
    s.field(&C::clipValue,
        floatParam("clip_value", 0.0, 0, kInf, "Clip every gradient element to [-v, v] (0: off)"));
    s.field(&C::device, textParam("device", "auto", "auto, cpu, cuda or cuda:N"));
    s.field(&C::seed, intParam("seed", kDefaultSeed, 0, kInf, "Seed of initialisation, split and shuffling"));
    s.field(&C::threads, cpuThreadsParam());
    s.field(&C::validationSplit,
        floatParam("validation_split", 0.2, 0, 0.99, "Validation fraction of what the test part leaves"));
    s.field(&C::testSplit, floatParam("test_split", 0.0, 0, 0.99, "Test fraction of all samples"));
    s.field(&C::stratify, boolParam("stratify", false, "Keep class shares in every part"));
    s.field(&C::standardize,
        choiceParam(
            "standardize", "auto", { "auto", "on", "off" }, "Standardize features (auto: flat ones)"));
    return s;
}

} // namespace

ParamSpec cpuThreadsParam()
{
    ParamSpec p = intParam("threads", 0, 0, kInf,
        "CPU threads (auto: the fastest count, timed on a few steps of the model at the start)");
    p.zeroWord = "auto";
    return p;
}

const std::vector<std::string>& optimizerNames()
{
    static const std::vector<std::string> names { "sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam" };
    return names;
}

const std::vector<std::string>& lossNames()
{
    static const std::vector<std::string> names { "auto", "cross_entropy", "binary_cross_entropy", "mse",
        "mae", "mape", "huber" };
    return names;
}

const std::vector<std::string>& metricNames()
{
    static const std::vector<std::string> names { "accuracy", "auc", "mape", "mae", "mse" };
    return names;
}

const std::vector<std::string>& scheduleNames()
{
    static const std::vector<std::string> names { "none", "step", "exponential", "cosine", "plateau" };
    return names;
}

double OptimizerConfig::epsilonOrDefault() const
{
    return epsilon ? *epsilon : (name == "adagrad" ? 1e-10 : 1e-8);
}

double OptimizerConfig::weightDecayOrDefault() const
{
    return weightDecay ? *weightDecay : (name == "adamw" ? 1e-2 : 0.0);
}

const StructSchema<OptimizerConfig>& optimizerConfigSchema()
{
    static const StructSchema<OptimizerConfig> schema = makeOptimizerSchema();
    return schema;
}

const StructSchema<ScheduleConfig>& scheduleConfigSchema()
{
    static const StructSchema<ScheduleConfig> schema = makeScheduleSchema();
    return schema;
}

const StructSchema<EarlyStoppingConfig>& earlyStoppingConfigSchema()
{
    static const StructSchema<EarlyStoppingConfig> schema = makeEarlyStoppingSchema();
    return schema;
}

const StructSchema<TrainConfig>& trainConfigSchema()
{
    static const StructSchema<TrainConfig> schema = makeTrainSchema();
    return schema;
}

void checkOptimizerCombination(
    const OptimizerConfig& optimizer, const std::string& noun, const std::string& prefix)
{
    if (optimizer.nesterov && (optimizer.momentum <= 0 || optimizer.dampening != 0))
        throw TrainError(noun + " '" + prefix + "nesterov' needs a momentum > 0 and zero dampening");
}

void checkScheduleCombination(
    const ScheduleConfig& schedule, const std::string& noun, const std::string& prefix)
{
    if (schedule.kind == "step" && schedule.stepSize < 1)
        throw TrainError(noun + " '" + prefix + "step_size' must be >= 1 for the step schedule");
}

void TrainConfig::validate() const
{
    trainConfigSchema().validate(*this, settingWhere(""));
    checkOptimizerCombination(optimizer, "training setting", "optimizer.");
    checkScheduleCombination(schedule, "training setting", "schedule.");
}

json TrainConfig::toJson() const
{
    return trainConfigSchema().toJson(*this);
}

TrainConfig TrainConfig::fromJson(const json& doc, const std::string& source)
{
    const TrainConfig c = trainConfigSchema().fromJson(doc, settingWhere(source));
    c.validate();
    return c;
}

} // namespace neurino
