#include "core/train/Optimizers.h"

#include "core/train/Nadam.h"
#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(
    const OptimizerConfig& c, std::vector<torch::Tensor> params)
{
    const double eps = c.epsilonOrDefault();
    const double decay = c.weightDecayOrDefault();
    const auto betas = std::make_tuple(c.beta1, c.beta2);
    if (c.name == "sgd")
        return std::make_unique<torch::optim::SGD>(params,
            torch::optim::SGDOptions(c.learningRate)
                .momentum(c.momentum)
                .dampening(c.dampening)
                .nesterov(c.nesterov)
                .weight_decay(decay));
    if (c.name == "adam")
        return std::make_unique<torch::optim::Adam>(params,
            torch::optim::AdamOptions(c.learningRate)
                .betas(betas)
                .eps(eps)
                .weight_decay(decay)
                .amsgrad(c.amsgrad));
    if (c.name == "adamw")
        return std::make_unique<torch::optim::AdamW>(params,
            torch::optim::AdamWOptions(c.learningRate)
                .betas(betas)
                .eps(eps)
                .weight_decay(decay)
                .amsgrad(c.amsgrad));
    if (c.name == "rmsprop")
        return std::make_unique<torch::optim::RMSprop>(params,
            torch::optim::RMSpropOptions(c.learningRate)
                .alpha(c.alpha)
                .eps(eps)
                .weight_decay(decay)
                .momentum(c.momentum)
                .centered(c.centered));
    if (c.name == "adagrad")
        return std::make_unique<torch::optim::Adagrad>(params,
            torch::optim::AdagradOptions(c.learningRate)
                .lr_decay(c.learningRateDecay)
                .weight_decay(decay)
                .initial_accumulator_value(c.initialAccumulator)
                .eps(eps));
    if (c.name == "nadam")
        return std::make_unique<Nadam>(params,
            NadamOptions(c.learningRate)
                .betas(betas)
                .eps(eps)
                .weight_decay(decay)
                .momentum_decay(c.momentumDecay));
    throw TrainError("unknown optimizer '" + c.name + "'; use sgd, adam, adamw, rmsprop, adagrad or nadam");
}

double learningRate(const torch::optim::Optimizer& optimizer)
{
    return optimizer.param_groups().front().options().get_lr();
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr)
{
    for (auto& group : optimizer.param_groups())
        group.options().set_lr(lr);
}

} // namespace neurino
