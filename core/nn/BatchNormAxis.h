#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace neurino {

// Batch normalisation along any one tensor dimension, as Keras's BatchNormalization(axis=...) does.
// LibTorch's BatchNorm layers only normalise dimension 1 (channels); the calorimeter GAN of the lectures
// normalises the image width, so this moves the chosen dimension to 1 and back.
class BatchNormAxisImpl : public torch::nn::Module {
public:
    // `dim` counts the batch as dimension 0; `kerasMomentum` is the weight of the old moving average.
    BatchNormAxisImpl(std::int64_t features, std::int64_t dim, double kerasMomentum, double epsilon);

    torch::Tensor forward(const torch::Tensor& x);

    // Weight of each new batch's statistics in the moving averages (LibTorch's convention); 1 / (i + 1) for
    // batch i gives their plain average over the batches since a reset.
    double momentum() const { return m_momentum; }
    void setMomentum(double momentum) { m_momentum = momentum; }

    torch::Tensor weight, bias, runningMean, runningVar;

private:
    std::int64_t m_dim;
    double m_momentum; // LibTorch's convention: weight of the new batch statistics
    double m_epsilon;
};

TORCH_MODULE(BatchNormAxis);

} // namespace neurino
