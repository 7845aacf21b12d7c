#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <tuple>
#include <vector>

namespace neurino {

// Adam with Nesterov momentum (Dozat 2016), the Higgs tutorial's optimizer. LibTorch has none, so this is
// one, with torch.optim.NAdam's semantics and defaults: the momentum schedule
// mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)) and L2 weight decay added to the gradient.
// (PyTorch 1.13's single-tensor NAdam multiplies mu_t into the next product twice; its multi-tensor path,
// later PyTorch releases and Keras use mu_product * mu_{t+1}, and so does this.)
struct NadamOptions : public torch::optim::OptimizerCloneableOptions<NadamOptions> {
    NadamOptions(double lr = 2e-3); // NOLINT: implicit like LibTorch's options
    TORCH_ARG(double, lr) = 2e-3;
    typedef std::tuple<double, double> betas_t;
    TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
    TORCH_ARG(double, eps) = 1e-8;
    TORCH_ARG(double, weight_decay) = 0;
    TORCH_ARG(double, momentum_decay) = 4e-3;

public:
    double get_lr() const override { return lr(); }
    void set_lr(const double value) override { lr(value); }
};

struct NadamParamState : public torch::optim::OptimizerCloneableParamState<NadamParamState> {
    TORCH_ARG(std::int64_t, step) = 0;
    TORCH_ARG(double, mu_product) = 1.0;
    TORCH_ARG(torch::Tensor, exp_avg);
    TORCH_ARG(torch::Tensor, exp_avg_sq);
};

class Nadam : public torch::optim::Optimizer {
public:
    explicit Nadam(std::vector<torch::optim::OptimizerParamGroup> groups, NadamOptions defaults = {});
    explicit Nadam(std::vector<torch::Tensor> params, NadamOptions defaults = {});

    torch::Tensor step(LossClosure closure = nullptr) override;
};

} // namespace neurino
