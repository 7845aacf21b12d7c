#pragma once

#include <cstdint>

namespace neurino {

// The seed every generator, split, initialisation and training run uses when the user gives none.
constexpr std::uint64_t kDefaultSeed = 42;

// Seeds LibTorch's CPU and CUDA generators, so that initialisation and dropout are reproducible.
void seedEverything(std::uint64_t seed);

} // namespace neurino
