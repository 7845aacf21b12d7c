#pragma once

#include "core/graph/Shape.h"

#include <cstdint>
#include <string>
#include <vector>

// Plain values that describe what is inside a network: kernels, activations, parameter histograms and the
// samples it gets wrong. No tensors, so that views and other threads can hold and copy them.
namespace neurino {

// The weights of one convolution layer, as (output channel, input channel, row, column); a Conv1D
// kernel has one row, and a ConvTranspose2D's weights are reordered to the same layout.
struct KernelSet {
    std::string node;
    std::string kind;
    int outChannels = 0;
    int inChannels = 0;
    int height = 0;
    int width = 0;
    std::vector<float> values; // outChannels * inChannels * height * width, row-major

    bool empty() const { return values.empty(); }
    int tileSize() const { return height * width; }
    float at(int out, int in, int row, int column) const
    {
        return values[((static_cast<std::size_t>(out) * inChannels + in) * height + row) * width + column];
    }
    // The largest |weight|: the colour scale is symmetric about zero.
    float maxAbs() const;
    // One tile per output channel: the weights averaged over the input channels.
    std::vector<float> averagedOverInputs() const;
};

// One layer's output for one sample: (C, H, W) for images, (C, L) for sequences, (units) for dense layers.
struct LayerActivation {
    std::string node;
    std::string kind;
    Shape shape;
    std::vector<float> values;
};

// The weights (and, when there are any, the gradients) of one parameter tensor, as histograms.
struct ParameterHistogram {
    std::string node;
    std::string param; // "weight", "bias"
    std::int64_t count = 0; // values in the tensor
    double low = 0, high = 0; // the weights' bin range
    std::vector<double> counts;
    double mean = 0, stdDev = 0;
    bool hasGradient = false;
    double gradientLow = 0, gradientHigh = 0;
    std::vector<double> gradientCounts;
    double gradientNorm = 0; // L2 norm of the gradient tensor
};

// A held-out sample the classifier gets wrong.
struct Misclassification {
    std::int64_t row = 0; // in the dataset
    int position = 0; // in the evaluated rows
    int truth = 0;
    int predicted = 0;
    float probability = 0; // of the predicted class
    float truthProbability = 0; // of the true class
};

} // namespace neurino
