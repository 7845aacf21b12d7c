#pragma once

#include <torch/types.h>

namespace neurino {

// Squared difference per bin of each sample's reconstruction from the sample itself, (N, ...) like the
// inputs: the map that shows where a run differs from what an autoencoder learned to expect.
// Throws DataError when the two tensors do not hold the same number of values per sample.
torch::Tensor reconstructionErrorMap(const torch::Tensor& inputs, const torch::Tensor& reconstructions);

// The anomaly score of each sample (N, float64): the mean of its per-bin squared reconstruction error.
// An autoencoder trained on normal samples only reproduces those well; anything else scores high.
torch::Tensor anomalyScores(const torch::Tensor& inputs, const torch::Tensor& reconstructions);

} // namespace neurino
