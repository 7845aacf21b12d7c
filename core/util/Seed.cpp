#include "core/util/Seed.h"

#include <torch/torch.h>

namespace neurino {

void seedEverything(std::uint64_t seed)
{
    torch::manual_seed(seed);
    if (torch::cuda::is_available())
        torch::cuda::manual_seed_all(seed);
}

} // namespace neurino
