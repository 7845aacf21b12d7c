#pragma once

#include "core/data/Dataset.h"

#include <torch/types.h>

#include <string>

namespace neurino {

// A training loss bound to a task and to the model's output activation. Classification losses run on
// logits (GraphModule::forwardLogits) for numerical stability: binary cross-entropy with logits when the
// model ends in a sigmoid (or is linear), cross-entropy on the pre-softmax values when it ends in a
// softmax. Regression losses (mse, mae, mape, huber) run on the model's output as it is.
class Loss {
public:
    // `name` as TrainConfig::loss ("auto" picks from the task: binary -> binary_cross_entropy,
    // classification -> cross_entropy, else mse). Throws TrainError when the loss does not fit the task or
    // the output (e.g. cross-entropy after a sigmoid).
    Loss(const std::string& name, Task task, const std::string& outputActivation, double huberDelta = 1.0);

    const std::string& name() const { return m_name; }
    // Whether compute() wants GraphModule::forwardLogits() rather than forward().
    bool usesLogits() const { return m_logits; }
    bool isClassification() const { return m_name == "cross_entropy" || m_name == "binary_cross_entropy"; }

    // The batch mean of the loss. `targets` as the dataset holds them (int64 classes, float values).
    torch::Tensor compute(const torch::Tensor& output, const torch::Tensor& targets) const;

    // What the model predicts, from what compute() was given: probabilities for classification
    // (sigmoid / softmax of logits), values otherwise.
    torch::Tensor scores(const torch::Tensor& output) const;

private:
    std::string m_name;
    Task m_task;
    bool m_logits = false;
    double m_huberDelta;
};

} // namespace neurino
