#pragma once

#include "core/train/TrainConfig.h"

#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <memory>
#include <vector>

namespace neurino {

// Builds the optimizer a config names over `params`: LibTorch's SGD (momentum, Nesterov), Adam, AdamW,
// RMSprop, Adagrad, or Neurino's Nadam. Throws TrainError for an unknown name.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(
    const OptimizerConfig& config, std::vector<torch::Tensor> params);

// The learning rate of the first parameter group, and setting it on every group (for schedules).
double learningRate(const torch::optim::Optimizer& optimizer);
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

} // namespace neurino
