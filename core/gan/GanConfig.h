#pragma once

#include "core/train/TrainConfig.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace neurino {

// How a GAN is trained. Defaults are the calorimeter tutorial's: RMSprop, binary cross-entropy with the
// generator maximising log D, 5 % of the discriminator's labels flipped, latent noise N(0,1) scaled per
// event by U(1, 5).
struct GanConfig {
    std::string loss = "bce"; // bce (non-saturating) | wgan-gp (Wasserstein with gradient penalty)
    int epochs = 20;
    std::int64_t batchSize = 128;
    OptimizerConfig generatorOptimizer;
    OptimizerConfig discriminatorOptimizer;
    ScheduleConfig schedule; // both learning rates follow it, stepped once per epoch
    // An epoch metric (e.g. profile_deviation; lower is better): the generator and discriminator of the epoch
    // where it was lowest are restored when training ends. Empty: the last epoch's are kept.
    std::string keepBest;
    int discriminatorSteps = 1; // discriminator updates per generator update
    double labelFlip = 0.05; // fraction of discriminator labels swapped, to keep it from winning
    double labelSmoothing = 0.0; // real labels are 1 - smoothing
    double latentScaleLow = 1.0; // latent noise scaled per event by U(low, high); 1, 1: no scaling
    double latentScaleHigh = 5.0;
    double gradientPenalty = 10.0; // lambda of wgan-gp
    // Weight of a physics term added to the generator's loss for image samples, as calorimeter GANs add
    // energy constraints: the 1-D Wasserstein distance between the energy sums of the generated batch and
    // the real spectrum, plus the L1 distance of the batch's average transverse and longitudinal profiles to
    // the real ones, each relative to the real mean energy (see physicsLoss). 0: the generator learns from
    // the discriminator alone.
    double physicsWeight = 0.0;
    bool conditional = false; // both networks take the per-event condition as their second input
    double conditionScale = 0.0; // conditions are multiplied by it; 0: 1 / max(condition)
    std::int64_t validationShowers = 2000; // generated each epoch for the physics comparison
    std::int64_t samplesShown = 16; // generated images attached to each epoch's report
    std::string device = "auto";
    int threads = 0; // CPU threads; 0 ("auto"): the fastest count, measured (ThreadTuning.h)
    std::uint64_t seed = 42;

    GanConfig();
    nlohmann::json toJson() const;
    // Throws TrainError naming the field for unknown keys, wrong types, unknown losses or impossible values.
    static GanConfig fromJson(const nlohmann::json& doc);
    void validate() const;
};

// The settings with their JSON keys, types, defaults, ranges and help (see trainConfigSchema()).
const StructSchema<GanConfig>& ganConfigSchema();

} // namespace neurino
