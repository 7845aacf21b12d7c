#pragma once

#include "core/analysis/ImportanceReport.h"
#include "core/data/Task.h"
#include "core/nn/GraphModule.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

// What a network looks at (the importance maps of the Frankfurt lecture). For an image: how the class score
// moves with each pixel (the gradient) and what hiding a patch of it costs (occlusion). For tabular data: how
// much each feature counts on average (|gradient × input|) and what shuffling its column costs
// (permutation importance).
//
// The score of class c is the model's output before its final sigmoid or softmax (forwardLogits), column c;
// a model with one output (binary, regression) has only class 0. Inputs are what the model takes: samples
// already standardised as the run standardised them, so an input of 0 is the training mean, the baseline
// that gradient × input and occlusion measure against. Every function runs the module in evaluation mode,
// leaves no gradients on its parameters and restores its mode. Models with one Input node only.
namespace neurino {

// |∂score/∂x| for every element of every sample: (N, <sample shape>) in, the same shape out, on the CPU.
torch::Tensor gradientMap(GraphModule& module, const torch::Tensor& samples, std::int64_t classIndex);

// For one image sample ((C, H, W) or (H, W)): a patch of `patch` × `patch` cells (every channel) moved over
// the image by `stride` is set to `fill`, and each cell gets the mean fall of the score over the patches
// that cover it (a rise counts negative). (H, W) out, on the CPU. Cells no patch covers get 0.
torch::Tensor occlusionMap(GraphModule& module, const torch::Tensor& sample, std::int64_t classIndex,
    std::int64_t patch, std::int64_t stride, double fill = 0.0);

// For tabular samples (N, F): the mean over the samples of |∂score/∂x_f · x_f|, one value per feature.
std::vector<double> gradientTimesInput(
    GraphModule& module, const torch::Tensor& samples, std::int64_t classIndex);

// A figure of merit of the model's outputs (after its final activation) against the targets, larger is
// better: accuracy, AUC, or minus a loss.
using ScoreMetric = std::function<double(const torch::Tensor& outputs, const torch::Tensor& targets)>;

// For tabular samples (N, F): how much `metric` falls when feature f's column is shuffled across the
// samples, the mean over `repeats` seeded shuffles; one value per feature.
std::vector<double> permutationImportance(GraphModule& module, const torch::Tensor& samples,
    const torch::Tensor& targets, const ScoreMetric& metric, int repeats, std::uint64_t seed);

// gradientTimesInput and, when `targets` is defined, permutationImportance (3 seeded shuffles) of the
// task's metric (AUC for binary, accuracy for classes, −MAE for regression) over standardised tabular
// `samples`. A class index out of range becomes 0.
FeatureImportance featureImportance(GraphModule& module, const torch::Tensor& samples,
    const torch::Tensor& targets, Task task, std::vector<std::string> featureNames,
    std::int64_t classIndex = 0);

// The gradient and occlusion maps of one standardised image sample ((C, H, W) or (H, W)) for a class (-1:
// the predicted one), height × width each: the gradient's largest |∂score/∂x| over the channels, the
// occlusion with a patch of about an eighth of the image moved by half its size.
ImageImportance imageImportance(GraphModule& module, const torch::Tensor& sample, std::int64_t classIndex);

} // namespace neurino
