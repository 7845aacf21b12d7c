#pragma once

#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace neurino {

// The key LibTorch's optimizers file a parameter's state under (a string in LibTorch 1.x, a pointer in 2.x).
using OptimizerStateKey = std::decay_t<decltype(std::declval<torch::optim::Optimizer&>().state())>::key_type;
OptimizerStateKey optimizerStateKey(const torch::Tensor& parameter);

// Parameters by name, "node/param", in the module's order.
using NamedParameters = std::vector<std::pair<std::string, torch::Tensor>>;

// An optimizer's per-parameter state by parameter name, then by PyTorch's state name (exp_avg, step, ...);
// counters are 0-dim tensors. What a checkpoint stores under /optimizer.
using NamedOptimizerState = std::map<std::string, std::map<std::string, torch::Tensor>>;

// Copies the state out (to the CPU) of any optimizer makeOptimizer() builds.
NamedOptimizerState exportOptimizerState(
    const torch::optim::Optimizer& optimizer, const NamedParameters& params);

// Puts saved state back for the optimizer `name` (sgd, adam, ...), on each parameter's device. Throws
// IoError naming the parameter when a state tensor is missing or has the wrong shape.
void importOptimizerState(torch::optim::Optimizer& optimizer, const std::string& name,
    const NamedParameters& params, const NamedOptimizerState& state);

} // namespace neurino
