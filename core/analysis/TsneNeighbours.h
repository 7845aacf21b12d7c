#pragma once

#include <torch/types.h>

#include <cstdint>

namespace neurino {

// Each row's k nearest other rows: squared Euclidean distances (N x k, float32) and row indices (N x k,
// int64), nearest first.
struct TsneNeighbourLists {
    torch::Tensor distances;
    torch::Tensor indices;
};

// Exact neighbours of the rows of `x` (N x D), from all pairwise distances, row by row on `threads` threads
// (0: every core): O(N^2 D), the right choice up to some ten thousand rows. Written out rather than left to
// BLAS, whose matrix product is quick but whose k-smallest selection over N x N distances is not, and which
// runs on Debian's slow reference BLAS by default.
TsneNeighbourLists exactNeighbours(const torch::Tensor& x, std::int64_t k, int threads = 0);

// Approximate neighbours for large N: a forest of random-projection trees proposes the rows that share a
// leaf, then rounds of "a neighbour's neighbour is likely a neighbour" (the idea of NN-descent) repair what
// the trees missed. Seeded, so the same seed gives the same lists for any thread count.
TsneNeighbourLists approximateNeighbours(
    const torch::Tensor& x, std::int64_t k, std::uint64_t seed = 42, int threads = 0);

} // namespace neurino
