#include "core/train/Nadam.h"

#include "core/train/OptimizerState.h"

#include <torch/torch.h>

#include <cmath>

namespace neurino {

NadamOptions::NadamOptions(double lr)
    : lr_(lr)
{
}

Nadam::Nadam(std::vector<torch::optim::OptimizerParamGroup> groups, NadamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<NadamOptions>(defaults))
{
    TORCH_CHECK(defaults.lr() >= 0, "Invalid learning rate: ", defaults.lr());
    TORCH_CHECK(defaults.eps() >= 0, "Invalid epsilon value: ", defaults.eps());
    TORCH_CHECK(defaults.weight_decay() >= 0, "Invalid weight_decay value: ", defaults.weight_decay());
    TORCH_CHECK(defaults.momentum_decay() >= 0, "Invalid momentum_decay value: ", defaults.momentum_decay());
}

Nadam::Nadam(std::vector<torch::Tensor> params, NadamOptions defaults)
    : Nadam(std::vector<torch::optim::OptimizerParamGroup> { torch::optim::OptimizerParamGroup(
                std::move(params)) },
        defaults)
{
}

torch::Tensor Nadam::step(LossClosure closure)
{
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    for (auto& group : param_groups_) {
        const auto& options = static_cast<const NadamOptions&>(group.options());
        const double lr = options.lr();
        const double beta1 = std::get<0>(options.betas());
        const double beta2 = std::get<1>(options.betas());
        for (auto& p : group.params()) {
            if (!p.grad().defined())
                continue;
            torch::Tensor grad = p.grad();
            TORCH_CHECK(!grad.is_sparse(), "Nadam does not support sparse gradients");
            auto& slot = state_[optimizerStateKey(p)];
            if (!slot) {
                auto fresh = std::make_unique<NadamParamState>();
                fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                slot = std::move(fresh);
            }
            auto& s = static_cast<NadamParamState&>(*slot);
            s.step(s.step() + 1);
            const double t = static_cast<double>(s.step());
            if (options.weight_decay() != 0)
                grad = grad.add(p, options.weight_decay());
            const double mu = beta1 * (1.0 - 0.5 * std::pow(0.96, t * options.momentum_decay()));
            const double muNext = beta1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * options.momentum_decay()));
            s.mu_product(s.mu_product() * mu);
            const double muProductNext = s.mu_product() * muNext;
            s.exp_avg().mul_(beta1).add_(grad, 1.0 - beta1);
            s.exp_avg_sq().mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
            const double biasCorrection2 = 1.0 - std::pow(beta2, t);
            const torch::Tensor denom = s.exp_avg_sq().div(biasCorrection2).sqrt_().add_(options.eps());
            p.addcdiv_(grad, denom, -lr * (1.0 - mu) / (1.0 - s.mu_product()));
            p.addcdiv_(s.exp_avg(), denom, -lr * muNext / (1.0 - muProductNext));
        }
    }
    return loss;
}

} // namespace neurino
