#include "core/nn/BatchNormAxis.h"

#include <torch/torch.h>

namespace neurino {

BatchNormAxisImpl::BatchNormAxisImpl(
    std::int64_t features, std::int64_t dim, double kerasMomentum, double epsilon)
    : m_dim(dim)
    , m_momentum(1.0 - kerasMomentum)
    , m_epsilon(epsilon)
{
    weight = register_parameter("weight", torch::ones({ features }));
    bias = register_parameter("bias", torch::zeros({ features }));
    runningMean = register_buffer("running_mean", torch::zeros({ features }));
    runningVar = register_buffer("running_var", torch::ones({ features }));
}

torch::Tensor BatchNormAxisImpl::forward(const torch::Tensor& x)
{
    const bool moved = m_dim != 1;
    torch::Tensor in = moved ? x.movedim(m_dim, 1) : x;
    torch::Tensor out = torch::batch_norm(in, weight, bias, runningMean, runningVar, is_training(),
        m_momentum, m_epsilon, /*cudnn_enabled=*/true);
    return moved ? out.movedim(1, m_dim) : out;
}

} // namespace neurino
