#pragma once

#include "core/gan/ShowerValidation.h"
#include "core/train/TrainingObserver.h"

#include <torch/types.h>

namespace neurino {

// What a GAN shows after each epoch: a few generated images beside real ones, and for image data the
// physics comparison of many generated showers with real ones.
struct GanSamples {
    int epoch = 0;
    torch::Tensor generated; // (k, ...) on the CPU
    torch::Tensor real; // (k, ...) on the CPU, for a side-by-side grid
    torch::Tensor conditions; // (k) of the generated ones, undefined when unconditional
    bool hasShowerComparison = false; // false when samples are not 2-D images
    ShowerStats realStats, generatedStats;
    ShowerComparison comparison;
};

// The training observer of classifiers, plus the samples. Epoch metrics are d_loss, g_loss, d_real and
// d_fake (mean discriminator output on real and generated data) and, for images, energy_chi2_ndf,
// profile_deviation and central_cell_deviation.
class GanObserver : public TrainingObserver {
public:
    virtual void onSamples(const GanSamples& samples) { }
};

} // namespace neurino
