#include "core/gan/GanConfig.h"

#include "core/util/Error.h"

#include <algorithm>

namespace neurino {

using nlohmann::json;

namespace {

// Optimizer settings go through TrainConfig's JSON so both files spell them the same way.
json optimizerToJson(const OptimizerConfig& optimizer)
{
    TrainConfig config;
    config.optimizer = optimizer;
    return config.toJson().at("optimizer");
}

OptimizerConfig optimizerFromJson(const json& doc, const std::string& field)
{
    return TrainConfig::fromJson(json{{"optimizer", doc}}, "GAN setting '" + field + "'").optimizer;
}

template <typename T>
void read(const json& doc, const char* key, T& value)
{
    if (!doc.contains(key))
        return;
    try {
        value = doc.at(key).get<T>();
    } catch (const json::exception&) {
        throw TrainError(std::string("GAN setting '") + key + "' has the wrong type: " + doc.at(key).dump());
    }
}

json scheduleToJson(const ScheduleConfig& schedule)
{
    TrainConfig config;
    config.schedule = schedule;
    return config.toJson().at("schedule");
}

ScheduleConfig scheduleFromJson(const json& doc)
{
    return TrainConfig::fromJson(json{{"schedule", doc}}, "GAN setting 'schedule'").schedule;
}

} // namespace

GanConfig::GanConfig()
{
    generatorOptimizer.name = "rmsprop";
    generatorOptimizer.learningRate = 1e-4;
    discriminatorOptimizer = generatorOptimizer;
}

json GanConfig::toJson() const
{
    return {{"loss", loss},
            {"epochs", epochs},
            {"batch_size", batchSize},
            {"generator_optimizer", optimizerToJson(generatorOptimizer)},
            {"discriminator_optimizer", optimizerToJson(discriminatorOptimizer)},
            {"schedule", scheduleToJson(schedule)},
            {"keep_best", keepBest},
            {"discriminator_steps", discriminatorSteps},
            {"label_flip", labelFlip},
            {"label_smoothing", labelSmoothing},
            {"latent_scale_low", latentScaleLow},
            {"latent_scale_high", latentScaleHigh},
            {"gradient_penalty", gradientPenalty},
            {"physics_weight", physicsWeight},
            {"conditional", conditional},
            {"condition_scale", conditionScale},
            {"validation_showers", validationShowers},
            {"samples_shown", samplesShown},
            {"device", device},
            {"threads", threads},
            {"seed", seed}};
}

GanConfig GanConfig::fromJson(const json& doc)
{
    if (!doc.is_object())
        throw TrainError("a GAN configuration must be a JSON object");
    static const std::vector<std::string> known = {
        "loss", "epochs", "batch_size", "generator_optimizer", "discriminator_optimizer", "schedule", "keep_best",
        "discriminator_steps",
        "label_flip", "label_smoothing", "latent_scale_low", "latent_scale_high", "gradient_penalty", "physics_weight",
        "conditional", "condition_scale", "validation_showers", "samples_shown", "device", "threads", "seed"};
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            throw TrainError("unknown GAN setting '" + it.key() + "'");
    }
    GanConfig c;
    read(doc, "loss", c.loss);
    read(doc, "epochs", c.epochs);
    read(doc, "batch_size", c.batchSize);
    if (doc.contains("generator_optimizer"))
        c.generatorOptimizer = optimizerFromJson(doc.at("generator_optimizer"), "generator_optimizer");
    if (doc.contains("discriminator_optimizer"))
        c.discriminatorOptimizer = optimizerFromJson(doc.at("discriminator_optimizer"), "discriminator_optimizer");
    if (doc.contains("schedule"))
        c.schedule = scheduleFromJson(doc.at("schedule"));
    read(doc, "keep_best", c.keepBest);
    read(doc, "discriminator_steps", c.discriminatorSteps);
    read(doc, "label_flip", c.labelFlip);
    read(doc, "label_smoothing", c.labelSmoothing);
    read(doc, "latent_scale_low", c.latentScaleLow);
    read(doc, "latent_scale_high", c.latentScaleHigh);
    read(doc, "gradient_penalty", c.gradientPenalty);
    read(doc, "physics_weight", c.physicsWeight);
    read(doc, "conditional", c.conditional);
    read(doc, "condition_scale", c.conditionScale);
    read(doc, "validation_showers", c.validationShowers);
    read(doc, "samples_shown", c.samplesShown);
    read(doc, "device", c.device);
    read(doc, "threads", c.threads);
    read(doc, "seed", c.seed);
    c.validate();
    return c;
}

void GanConfig::validate() const
{
    if (loss != "bce" && loss != "wgan-gp")
        throw TrainError("GAN setting 'loss' is '" + loss + "'; use bce or wgan-gp");
    if (epochs < 1)
        throw TrainError("GAN setting 'epochs' must be at least 1");
    if (batchSize < 2)
        throw TrainError("GAN setting 'batch_size' must be at least 2");
    if (discriminatorSteps < 1)
        throw TrainError("GAN setting 'discriminator_steps' must be at least 1");
    if (labelFlip < 0 || labelFlip >= 0.5)
        throw TrainError("GAN setting 'label_flip' must be in [0, 0.5)");
    if (labelSmoothing < 0 || labelSmoothing >= 0.5)
        throw TrainError("GAN setting 'label_smoothing' must be in [0, 0.5)");
    if (latentScaleLow <= 0 || latentScaleHigh < latentScaleLow)
        throw TrainError("GAN settings 'latent_scale_low/high' need 0 < low <= high");
    if (gradientPenalty < 0)
        throw TrainError("GAN setting 'gradient_penalty' must not be negative");
    if (physicsWeight < 0)
        throw TrainError("GAN setting 'physics_weight' must not be negative");
    if (validationShowers < 10)
        throw TrainError("GAN setting 'validation_showers' must be at least 10");
    TrainConfig check;
    check.schedule = schedule;
    check.optimizer = generatorOptimizer;
    check.validate();
    check.optimizer = discriminatorOptimizer;
    check.validate();
}

} // namespace neurino
