#include "core/train/OptimizerState.h"

#include "core/train/Nadam.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <sstream>

namespace neurino {

namespace {

[[maybe_unused]] std::string makeKey(const torch::Tensor& p, std::string*)
{
    // What LibTorch 1.x does: the address of the tensor's implementation, printed.
    std::ostringstream out;
    out << p.unsafeGetTensorImpl();
    return out.str();
}

[[maybe_unused]] void* makeKey(const torch::Tensor& p, void**)
{
    return p.unsafeGetTensorImpl();
}

torch::Tensor counter(std::int64_t value)
{
    return torch::tensor(value, torch::kInt64);
}

void put(std::map<std::string, torch::Tensor>& out, const char* name, const torch::Tensor& t)
{
    if (t.defined())
        out[name] = t.detach().to(torch::kCPU).clone();
}

class Restorer {
public:
    Restorer(
        const std::string& param, const torch::Tensor& p, const std::map<std::string, torch::Tensor>& saved)
        : m_param(param)
        , m_p(p)
        , m_saved(saved)
    {
    }

    torch::Tensor tensor(const char* name, bool required = true) const
    {
        const auto it = m_saved.find(name);
        if (it == m_saved.end()) {
            if (required)
                throw IoError("the checkpoint's optimizer state of '" + m_param + "' has no '" + name + "'");
            return {};
        }
        if (!it->second.sizes().equals(m_p.sizes()))
            throw IoError("the checkpoint's optimizer state '" + std::string(name) + "' of '" + m_param
                + "' has shape " + c10::str(it->second.sizes()) + ", the parameter " + c10::str(m_p.sizes()));
        return it->second.to(m_p.device(), m_p.scalar_type()).clone();
    }

    std::int64_t count(const char* name) const
    {
        const auto it = m_saved.find(name);
        return it == m_saved.end() ? 0 : it->second.item<std::int64_t>();
    }

    double real(const char* name, double fallback) const
    {
        const auto it = m_saved.find(name);
        return it == m_saved.end() ? fallback : it->second.item<double>();
    }

private:
    const std::string& m_param;
    const torch::Tensor& m_p;
    const std::map<std::string, torch::Tensor>& m_saved;
};

} // namespace

OptimizerStateKey optimizerStateKey(const torch::Tensor& parameter)
{
    return makeKey(parameter, static_cast<OptimizerStateKey*>(nullptr));
}

NamedOptimizerState exportOptimizerState(
    const torch::optim::Optimizer& optimizer, const NamedParameters& params)
{
    NamedOptimizerState out;
    const auto& states = optimizer.state();
    for (const auto& [name, p] : params) {
        const auto it = states.find(optimizerStateKey(p));
        if (it == states.end() || !it->second)
            continue;
        auto& s = out[name];
        const torch::optim::OptimizerParamState* state = it->second.get();
        if (auto* sgd = dynamic_cast<const torch::optim::SGDParamState*>(state)) {
            put(s, "momentum_buffer", sgd->momentum_buffer());
        } else if (auto* adam = dynamic_cast<const torch::optim::AdamParamState*>(state)) {
            s["step"] = counter(adam->step());
            put(s, "exp_avg", adam->exp_avg());
            put(s, "exp_avg_sq", adam->exp_avg_sq());
            put(s, "max_exp_avg_sq", adam->max_exp_avg_sq());
        } else if (auto* adamw = dynamic_cast<const torch::optim::AdamWParamState*>(state)) {
            s["step"] = counter(adamw->step());
            put(s, "exp_avg", adamw->exp_avg());
            put(s, "exp_avg_sq", adamw->exp_avg_sq());
            put(s, "max_exp_avg_sq", adamw->max_exp_avg_sq());
        } else if (auto* rms = dynamic_cast<const torch::optim::RMSpropParamState*>(state)) {
            s["step"] = counter(rms->step());
            put(s, "square_avg", rms->square_avg());
            put(s, "momentum_buffer", rms->momentum_buffer());
            put(s, "grad_avg", rms->grad_avg());
        } else if (auto* ada = dynamic_cast<const torch::optim::AdagradParamState*>(state)) {
            s["step"] = counter(ada->step());
            put(s, "sum", ada->sum());
        } else if (auto* nadam = dynamic_cast<const NadamParamState*>(state)) {
            s["step"] = counter(nadam->step());
            s["mu_product"] = torch::tensor(nadam->mu_product(), torch::kFloat64);
            put(s, "exp_avg", nadam->exp_avg());
            put(s, "exp_avg_sq", nadam->exp_avg_sq());
        }
    }
    return out;
}

void importOptimizerState(torch::optim::Optimizer& optimizer, const std::string& name,
    const NamedParameters& params, const NamedOptimizerState& state)
{
    auto& states = optimizer.state();
    states.clear();
    for (const auto& [param, p] : params) {
        const auto found = state.find(param);
        if (found == state.end())
            continue; // never stepped (e.g. no gradient yet): starts fresh, as in the original run
        const Restorer r(param, p, found->second);
        std::unique_ptr<torch::optim::OptimizerParamState> restored;
        if (name == "sgd") {
            auto s = std::make_unique<torch::optim::SGDParamState>();
            s->momentum_buffer(r.tensor("momentum_buffer", false));
            restored = std::move(s);
        } else if (name == "adam") {
            auto s = std::make_unique<torch::optim::AdamParamState>();
            s->step(r.count("step"));
            s->exp_avg(r.tensor("exp_avg"));
            s->exp_avg_sq(r.tensor("exp_avg_sq"));
            s->max_exp_avg_sq(r.tensor("max_exp_avg_sq", false));
            restored = std::move(s);
        } else if (name == "adamw") {
            auto s = std::make_unique<torch::optim::AdamWParamState>();
            s->step(r.count("step"));
            s->exp_avg(r.tensor("exp_avg"));
            s->exp_avg_sq(r.tensor("exp_avg_sq"));
            s->max_exp_avg_sq(r.tensor("max_exp_avg_sq", false));
            restored = std::move(s);
        } else if (name == "rmsprop") {
            auto s = std::make_unique<torch::optim::RMSpropParamState>();
            s->step(r.count("step"));
            s->square_avg(r.tensor("square_avg"));
            s->momentum_buffer(r.tensor("momentum_buffer", false));
            s->grad_avg(r.tensor("grad_avg", false));
            restored = std::move(s);
        } else if (name == "adagrad") {
            auto s = std::make_unique<torch::optim::AdagradParamState>();
            s->step(r.count("step"));
            s->sum(r.tensor("sum"));
            restored = std::move(s);
        } else if (name == "nadam") {
            auto s = std::make_unique<NadamParamState>();
            s->step(r.count("step"));
            s->mu_product(r.real("mu_product", 1.0));
            s->exp_avg(r.tensor("exp_avg"));
            s->exp_avg_sq(r.tensor("exp_avg_sq"));
            restored = std::move(s);
        } else {
            throw IoError("the checkpoint's optimizer '" + name + "' is not one Neurino knows");
        }
        states[optimizerStateKey(p)] = std::move(restored);
    }
}

} // namespace neurino
