#pragma once

#include "core/analysis/Inspection.h"
#include "core/nn/GraphModule.h"

#include <torch/types.h>

#include <string>
#include <vector>

// Looking inside a GraphModule: its convolution kernels, every layer's activations for one sample, its
// weights and gradients as histograms, and which samples a classifier gets wrong.
namespace neurino {

// The convolution nodes (Conv1D, Conv2D, ConvTranspose2D) in topological order.
std::vector<std::string> convolutionNodes(const ModelGraph& graph);

// The kernels of convolution node `node` (an id or a display name); throws ModelError for another kind.
KernelSet kernelSet(GraphModule& module, const std::string& node);
// Every convolution node's kernels, in topological order.
std::vector<KernelSet> kernelSets(GraphModule& module);

// Every node's output for one sample (a batch of one, already standardised as the model expects it), in
// topological order, the Input nodes included and the Output node left out. Runs in evaluation mode,
// without gradients; the module's mode is restored.
std::vector<LayerActivation> layerActivations(GraphModule& module, const torch::Tensor& sample);

// Histograms with `bins` equal bins over each parameter's range, weights and (when a backward pass left
// them) gradients, in the module's parameter order.
std::vector<ParameterHistogram> parameterHistograms(GraphModule& module, int bins);

// The rows whose predicted class differs from the target. `scores` as Loss::scores gives them: (n, k)
// class probabilities, or (n, 1) / (n) p(class 1) for a binary task; `targets` class indices (or 0/1);
// `rows` the dataset rows the scores belong to (may be undefined: positions are rows).
std::vector<Misclassification> misclassifications(
    const torch::Tensor& scores, const torch::Tensor& targets, const torch::Tensor& rows = {});

} // namespace neurino
