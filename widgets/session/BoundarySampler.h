#pragma once

// LibTorch's headers first: they use `slots` as a name, which Qt's headers define as a macro.
#include <torch/torch.h>

#include "widgets/session/TrainingTypes.h"

namespace neurino {

class Trainer;
struct Dataset;

// Classification of 2-D samples: the data whose decision boundary can be drawn over the input plane.
bool isPlaneClassification(const Dataset& data);

// Runs a trainer's model over a grid spanning the plane of its 2-D data, in the raw data's units; the
// trainer's standardizer is applied to the grid as training applies it to the samples. Used between
// epochs, on the thread that trains: the training panel's runs and the lessons' steps draw their decision
// boundary with it.
class BoundarySampler {
public:
    explicit BoundarySampler(Trainer& trainer);

    // The model's classes and probabilities over the grid now, with the training points.
    DecisionBoundaryData sample(int epoch);

private:
    // Probabilities as Trainer::evaluate computes them (logits through the loss's sigmoid or softmax when
    // the loss wants logits), without gradients and in evaluation mode, which is restored afterwards.
    torch::Tensor gridScores();

    Trainer& m_trainer;
    DecisionBoundaryData m_base;
    torch::Tensor m_grid; // (cells, 2), row-major from (xMin, yMin)
};

} // namespace neurino
