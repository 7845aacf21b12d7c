#include "core/train/TrainConfig.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace neurino {

using nlohmann::json;

namespace {

std::string joined(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

void requireOneOf(const std::string& field, const std::string& value, const std::vector<std::string>& allowed)
{
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        throw TrainError(
            "training setting '" + field + "' is '" + value + "'; use one of " + joined(allowed));
}

void requireRange(const std::string& field, double value, double lo, double hi, bool loOpen = false)
{
    const bool ok = (loOpen ? value > lo : value >= lo) && value <= hi;
    if (!ok)
        throw TrainError("training setting '" + field + "' is " + std::to_string(value) + "; it must be "
            + (loOpen ? "> " : ">= ") + std::to_string(lo)
            + (hi < 1e300 ? " and <= " + std::to_string(hi) : std::string()));
}

// Reads the keys of one JSON object into fields, refusing unknown keys and wrong types.
class Reader {
public:
    Reader(const json& object, std::string source, std::string prefix)
        : m_object(object)
        , m_source(std::move(source))
        , m_prefix(std::move(prefix))
    {
        if (!object.is_object())
            throw TrainError(
                m_source + ": '" + (m_prefix.empty() ? "the config" : m_prefix) + "' must be a JSON object");
    }

    template <typename T> void read(const char* key, T& field)
    {
        m_known.insert(key);
        const auto it = m_object.find(key);
        if (it == m_object.end() || it->is_null())
            return;
        try {
            if constexpr (std::is_same_v<T, bool>) {
                if (!it->is_boolean())
                    throw json::type_error::create(302, "expected true or false", nullptr);
            } else if constexpr (std::is_arithmetic_v<T>) {
                if (!it->is_number())
                    throw json::type_error::create(302, "expected a number", nullptr);
                if (std::is_integral_v<T> && !it->is_number_integer() && !it->is_number_unsigned())
                    throw json::type_error::create(302, "expected a whole number", nullptr);
            }
            field = it->get<T>();
        } catch (const json::exception&) {
            throw TrainError(m_source + ": '" + name(key) + "' has the wrong type (" + it->dump() + ")");
        }
    }

    void read(const char* key, std::optional<double>& field)
    {
        double value = 0;
        const bool present = m_object.contains(key) && !m_object.at(key).is_null();
        read(key, value);
        if (present)
            field = value;
    }

    const json& child(const char* key)
    {
        m_known.insert(key);
        static const json empty = json::object();
        const auto it = m_object.find(key);
        return it == m_object.end() || it->is_null() ? empty : *it;
    }

    std::string name(const std::string& key) const { return m_prefix.empty() ? key : m_prefix + "." + key; }

    void finish() const
    {
        for (const auto& item : m_object.items())
            if (!m_known.count(item.key()))
                throw TrainError(m_source + ": unknown training setting '" + name(item.key())
                    + "'; known settings here are " + joined({ m_known.begin(), m_known.end() }));
    }

private:
    const json& m_object;
    std::string m_source;
    std::string m_prefix;
    std::set<std::string> m_known;
};

} // namespace

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

void TrainConfig::validate() const
{
    requireOneOf("optimizer.name", optimizer.name, optimizerNames());
    requireRange("optimizer.learning_rate", optimizer.learningRate, 0.0, 1e300, /*loOpen=*/true);
    requireRange("optimizer.momentum", optimizer.momentum, 0.0, 1.0);
    requireRange("optimizer.beta1", optimizer.beta1, 0.0, 0.999999999);
    requireRange("optimizer.beta2", optimizer.beta2, 0.0, 0.999999999);
    requireRange("optimizer.epsilon", optimizer.epsilonOrDefault(), 0.0, 1e300);
    requireRange("optimizer.weight_decay", optimizer.weightDecayOrDefault(), 0.0, 1e300);
    requireRange("optimizer.alpha", optimizer.alpha, 0.0, 1.0);
    requireRange("optimizer.momentum_decay", optimizer.momentumDecay, 0.0, 1e300);
    if (optimizer.nesterov && (optimizer.momentum <= 0 || optimizer.dampening != 0))
        throw TrainError("training setting 'optimizer.nesterov' needs a momentum > 0 and zero dampening");
    requireOneOf("loss", loss, lossNames());
    requireRange("huber_delta", huberDelta, 0.0, 1e300, true);
    for (const auto& m : metrics)
        requireOneOf("metrics", m, metricNames());
    if (epochs < 1)
        throw TrainError(
            "training setting 'epochs' is " + std::to_string(epochs) + "; train at least 1 epoch");
    if (batchSize < 1)
        throw TrainError(
            "training setting 'batch_size' is " + std::to_string(batchSize) + "; it must be >= 1");
    requireOneOf("schedule.kind", schedule.kind, scheduleNames());
    if (schedule.kind == "step" && schedule.stepSize < 1)
        throw TrainError("training setting 'schedule.step_size' must be >= 1");
    requireRange("schedule.gamma", schedule.gamma, 0.0, 1e300, true);
    requireRange("schedule.factor", schedule.factor, 0.0, 1.0, true);
    requireRange("schedule.min_learning_rate", schedule.minLearningRate, 0.0, 1e300);
    if (schedule.patience < 0 || schedule.cooldown < 0 || schedule.cosineEpochs < 0)
        throw TrainError(
            "training settings 'schedule.patience', 'cooldown' and 'cosine_epochs' must be >= 0");
    requireOneOf("early_stopping.mode", earlyStopping.mode, { "auto", "min", "max" });
    if (earlyStopping.patience < 0)
        throw TrainError("training setting 'early_stopping.patience' must be >= 0");
    requireRange("early_stopping.min_delta", earlyStopping.minDelta, 0.0, 1e300);
    requireRange("l1", l1, 0.0, 1e300);
    requireRange("l2", l2, 0.0, 1e300);
    requireRange("clip_norm", clipNorm, 0.0, 1e300);
    requireRange("clip_value", clipValue, 0.0, 1e300);
    if (threads < 0)
        throw TrainError("training setting 'threads' must be >= 0 (0: every usable core)");
    requireRange("validation_split", validationSplit, 0.0, 0.99);
    requireRange("test_split", testSplit, 0.0, 0.99);
    requireOneOf("standardize", standardize, { "auto", "on", "off" });
}

json TrainConfig::toJson() const
{
    json opt = { { "name", optimizer.name }, { "learning_rate", optimizer.learningRate },
        { "momentum", optimizer.momentum }, { "nesterov", optimizer.nesterov },
        { "dampening", optimizer.dampening }, { "beta1", optimizer.beta1 }, { "beta2", optimizer.beta2 },
        { "epsilon", optimizer.epsilonOrDefault() }, { "weight_decay", optimizer.weightDecayOrDefault() },
        { "amsgrad", optimizer.amsgrad }, { "alpha", optimizer.alpha }, { "centered", optimizer.centered },
        { "learning_rate_decay", optimizer.learningRateDecay },
        { "initial_accumulator", optimizer.initialAccumulator },
        { "momentum_decay", optimizer.momentumDecay } };
    json sched = { { "kind", schedule.kind }, { "step_size", schedule.stepSize }, { "gamma", schedule.gamma },
        { "cosine_epochs", schedule.cosineEpochs }, { "min_learning_rate", schedule.minLearningRate },
        { "factor", schedule.factor }, { "patience", schedule.patience }, { "threshold", schedule.threshold },
        { "cooldown", schedule.cooldown }, { "monitor", schedule.monitor } };
    json early = { { "enabled", earlyStopping.enabled }, { "monitor", earlyStopping.monitor },
        { "mode", earlyStopping.mode }, { "patience", earlyStopping.patience },
        { "min_delta", earlyStopping.minDelta },
        { "restore_best_weights", earlyStopping.restoreBestWeights } };
    return { { "optimizer", opt }, { "loss", loss }, { "huber_delta", huberDelta }, { "metrics", metrics },
        { "epochs", epochs }, { "batch_size", batchSize }, { "shuffle", shuffle }, { "schedule", sched },
        { "early_stopping", early }, { "l1", l1 }, { "l2", l2 }, { "clip_norm", clipNorm },
        { "clip_value", clipValue }, { "device", device }, { "seed", seed }, { "threads", threads },
        { "validation_split", validationSplit }, { "test_split", testSplit }, { "stratify", stratify },
        { "standardize", standardize } };
}

TrainConfig TrainConfig::fromJson(const json& doc, const std::string& source)
{
    TrainConfig c;
    Reader top(doc, source, "");
    {
        Reader r(top.child("optimizer"), source, "optimizer");
        r.read("name", c.optimizer.name);
        r.read("learning_rate", c.optimizer.learningRate);
        r.read("momentum", c.optimizer.momentum);
        r.read("nesterov", c.optimizer.nesterov);
        r.read("dampening", c.optimizer.dampening);
        r.read("beta1", c.optimizer.beta1);
        r.read("beta2", c.optimizer.beta2);
        r.read("epsilon", c.optimizer.epsilon);
        r.read("weight_decay", c.optimizer.weightDecay);
        r.read("amsgrad", c.optimizer.amsgrad);
        r.read("alpha", c.optimizer.alpha);
        r.read("centered", c.optimizer.centered);
        r.read("learning_rate_decay", c.optimizer.learningRateDecay);
        r.read("initial_accumulator", c.optimizer.initialAccumulator);
        r.read("momentum_decay", c.optimizer.momentumDecay);
        r.finish();
    }
    top.read("loss", c.loss);
    top.read("huber_delta", c.huberDelta);
    top.read("metrics", c.metrics);
    top.read("epochs", c.epochs);
    top.read("batch_size", c.batchSize);
    top.read("shuffle", c.shuffle);
    {
        Reader r(top.child("schedule"), source, "schedule");
        r.read("kind", c.schedule.kind);
        r.read("step_size", c.schedule.stepSize);
        r.read("gamma", c.schedule.gamma);
        r.read("cosine_epochs", c.schedule.cosineEpochs);
        r.read("min_learning_rate", c.schedule.minLearningRate);
        r.read("factor", c.schedule.factor);
        r.read("patience", c.schedule.patience);
        r.read("threshold", c.schedule.threshold);
        r.read("cooldown", c.schedule.cooldown);
        r.read("monitor", c.schedule.monitor);
        r.finish();
    }
    {
        Reader r(top.child("early_stopping"), source, "early_stopping");
        r.read("enabled", c.earlyStopping.enabled);
        r.read("monitor", c.earlyStopping.monitor);
        r.read("mode", c.earlyStopping.mode);
        r.read("patience", c.earlyStopping.patience);
        r.read("min_delta", c.earlyStopping.minDelta);
        r.read("restore_best_weights", c.earlyStopping.restoreBestWeights);
        r.finish();
    }
    top.read("l1", c.l1);
    top.read("l2", c.l2);
    top.read("clip_norm", c.clipNorm);
    top.read("clip_value", c.clipValue);
    top.read("device", c.device);
    top.read("seed", c.seed);
    top.read("threads", c.threads);
    top.read("validation_split", c.validationSplit);
    top.read("test_split", c.testSplit);
    top.read("stratify", c.stratify);
    top.read("standardize", c.standardize);
    top.finish();
    c.validate();
    return c;
}

} // namespace neurino
