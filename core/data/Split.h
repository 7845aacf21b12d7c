#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

namespace neurino {

// How a dataset is divided. `test` is a fraction of all samples; `validation` a fraction of what remains
// after the test part, as Keras's validation_split takes it from the training data: the Higgs tutorial's
// "80/20 train/test, 20 % of training for validation" is {validation 0.2, test 0.2}.
struct SplitFractions {
    double validation = 0.0;
    double test = 0.0;
};

// Sample indices (int64, sorted ascending) of the three parts of a dataset. Sorted so that reading the
// parts from a file or a tensor walks memory forwards; batches are shuffled separately.
struct SplitIndices {
    torch::Tensor train;
    torch::Tensor validation;
    torch::Tensor test;

    std::int64_t trainSize() const { return train.defined() ? train.numel() : 0; }
    std::int64_t validationSize() const { return validation.defined() ? validation.numel() : 0; }
    std::int64_t testSize() const { return test.defined() ? test.numel() : 0; }
};

// A seeded random split of `n` samples: the same n, fractions and seed give the same parts on every
// machine. Part sizes are rounded to the nearest integer. Throws DataError for fractions outside [0, 1),
// fractions that leave no training sample, or a non-zero fraction that would be an empty part.
SplitIndices makeSplit(std::int64_t n, const SplitFractions& fractions, std::uint64_t seed);

// As makeSplit, but each class keeps its share in every part (stratified), for small or unbalanced
// classification sets. `targets` are class indices (N).
SplitIndices makeStratifiedSplit(
    const torch::Tensor& targets, const SplitFractions& fractions, std::uint64_t seed);

// Every index 0..n-1 as the training part: no validation or test.
SplitIndices wholeAsTraining(std::int64_t n);

// "800 train / 100 validation / 100 test" for logs.
std::string describeSplit(const SplitIndices& split);

} // namespace neurino
