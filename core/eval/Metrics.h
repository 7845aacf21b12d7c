#pragma once

#include <torch/types.h>

namespace neurino {

// Fraction of samples classified correctly. `scores` are (N, C) class scores (logits or probabilities,
// the arg-max is taken) or (N) / (N, 1) probabilities of the positive class, thresholded at `threshold`.
// `targets` are class indices (N). Throws DataError when the sizes do not agree or N is 0.
double accuracy(const torch::Tensor& scores, const torch::Tensor& targets, double threshold = 0.5);

// The predicted class per sample, by the same rule as accuracy(): an int64 (N) tensor.
torch::Tensor predictedClasses(const torch::Tensor& scores, double threshold = 0.5);

// Mean absolute percentage error in percent, as Keras defines it: 100 * mean(|y - p| / max(|y|, eps)).
double meanAbsolutePercentageError(const torch::Tensor& predictions, const torch::Tensor& targets);

// The denominator floor of the percentage error, Keras's backend epsilon.
constexpr double kPercentageEpsilon = 1e-7;

} // namespace neurino
