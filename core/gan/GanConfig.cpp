#include "core/gan/GanConfig.h"

#include "core/util/Error.h"
#include "core/util/StructSchema.h"

#include <limits>

namespace neurino {

using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

SchemaWhere ganWhere()
{
    SchemaWhere where;
    where.style = SchemaWhere::Style::Setting;
    where.noun = "GAN setting";
    where.raise = [](const std::string& message) { throw TrainError(message); };
    return where;
}

ParamSpec halfOpen(ParamSpec spec)
{
    spec.maxOpen = true;
    return spec;
}

ParamSpec positive(ParamSpec spec)
{
    spec.minOpen = true;
    return spec;
}

StructSchema<GanConfig> makeGanSchema()
{
    using C = GanConfig;
    StructSchema<C> s;
    s.field(&C::loss, choiceParam("loss", "bce", { "bce", "wgan-gp" }, "bce (non-saturating) or wgan-gp"));
    s.field(&C::epochs, intParam("epochs", 20, 1, kInf, "Epochs"));
    s.field(&C::batchSize, intParam("batch_size", 128, 2, kInf, "Batch size"));
    s.nested(&C::generatorOptimizer, "generator_optimizer", optimizerConfigSchema());
    s.nested(&C::discriminatorOptimizer, "discriminator_optimizer", optimizerConfigSchema());
    s.nested(&C::schedule, "schedule", scheduleConfigSchema());
    s.field(&C::keepBest,
        textParam("keep_best", "",
            "Keep the networks of the epoch where this metric was lowest (energy_chi2_ndf, "
            "profile_deviation, ...), not the last"));
    s.field(&C::discriminatorSteps,
        intParam("discriminator_steps", 1, 1, kInf, "Discriminator updates per generator update"));
    s.field(&C::labelFlip,
        halfOpen(floatParam("label_flip", 0.05, 0, 0.5, "Fraction of discriminator labels flipped")));
    s.field(
        &C::labelSmoothing, halfOpen(floatParam("label_smoothing", 0.0, 0, 0.5, "Real labels are 1 - this")));
    s.field(&C::latentScaleLow,
        positive(
            floatParam("latent_scale_low", 1.0, 0, kInf, "Latent noise scaled per event by U(low, high)")));
    s.field(&C::latentScaleHigh,
        positive(
            floatParam("latent_scale_high", 5.0, 0, kInf, "Latent noise scaled per event by U(low, high)")));
    s.field(&C::gradientPenalty, floatParam("gradient_penalty", 10.0, 0, kInf, "Lambda of wgan-gp"));
    s.field(&C::physicsWeight,
        floatParam("physics_weight", 0.0, 0, kInf,
            "Weight of the physics term in the generator's loss (energy sums and profiles against the real "
            "batch's; images only); 0: off"));
    s.field(&C::conditional,
        boolParam("conditional", false, "Both networks take the per-event condition as their second input"));
    s.field(&C::conditionScale,
        floatParam(
            "condition_scale", 0.0, 0, kInf, "Conditions are multiplied by it; 0: 1 / max(condition)"));
    s.field(&C::validationShowers,
        intParam("validation_showers", 2000, 10, kInf, "Generated each epoch for the physics check"));
    s.field(
        &C::samplesShown, intParam("samples_shown", 16, 0, kInf, "Generated images attached to each epoch"));
    s.field(&C::device, textParam("device", "auto", "auto, cpu, cuda or cuda:N"));
    s.field(&C::threads, cpuThreadsParam());
    s.field(&C::seed, intParam("seed", 42, 0, kInf, "Seed"));
    return s;
}

} // namespace

const StructSchema<GanConfig>& ganConfigSchema()
{
    static const StructSchema<GanConfig> schema = makeGanSchema();
    return schema;
}

GanConfig::GanConfig()
{
    generatorOptimizer.name = "rmsprop";
    generatorOptimizer.learningRate = 1e-4;
    discriminatorOptimizer = generatorOptimizer;
}

json GanConfig::toJson() const
{
    return ganConfigSchema().toJson(*this);
}

GanConfig GanConfig::fromJson(const json& doc)
{
    const GanConfig c = ganConfigSchema().fromJson(doc, ganWhere());
    c.validate();
    return c;
}

void GanConfig::validate() const
{
    ganConfigSchema().validate(*this, ganWhere());
    if (latentScaleHigh < latentScaleLow)
        throw TrainError("GAN settings 'latent_scale_low/high' need 0 < low <= high");
    checkOptimizerCombination(generatorOptimizer, "GAN setting", "generator_optimizer.");
    checkOptimizerCombination(discriminatorOptimizer, "GAN setting", "discriminator_optimizer.");
    checkScheduleCombination(schedule, "GAN setting", "schedule.");
}

} // namespace neurino
