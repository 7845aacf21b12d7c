#include "core/train/Loss.h"

#include "core/eval/Metrics.h"
#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

Loss::Loss(const std::string& name, Task task, const std::string& activation, double huberDelta)
    : m_name(name)
    , m_task(task)
    , m_huberDelta(huberDelta)
{
    if (m_name == "auto") {
        if (task == Task::Binary)
            m_name = "binary_cross_entropy";
        else if (task == Task::Classification)
            m_name = "cross_entropy";
        else if (task == Task::Unlabelled)
            throw TrainError("the dataset has no targets (task 'unlabelled'); a model can only be trained "
                             "on labelled data");
        else
            m_name = "mse";
    }
    if (m_name == "binary_cross_entropy") {
        if (activation == "softmax")
            throw TrainError("binary cross-entropy needs a model that ends in a sigmoid (one output); this "
                             "one ends in a softmax: use cross_entropy, or a Dense 1 with sigmoid");
        m_logits = true;
    } else if (m_name == "cross_entropy") {
        if (activation == "sigmoid")
            throw TrainError(
                "cross-entropy needs class scores (a softmax or linear output); this model ends in "
                "a sigmoid: use binary_cross_entropy, or end with Dense <classes> and softmax");
        if (task != Task::Classification && task != Task::Binary)
            throw TrainError(
                "cross-entropy needs class labels, but the dataset's task is '" + taskName(task) + "'");
        m_logits = true;
    } else if (m_name != "mse" && m_name != "mae" && m_name != "mape" && m_name != "huber") {
        throw TrainError("unknown loss '" + m_name
            + "'; use cross_entropy, binary_cross_entropy, mse, mae, mape or huber");
    }
}

torch::Tensor Loss::compute(const torch::Tensor& output, const torch::Tensor& targets) const
{
    if (!targets.defined())
        throw TrainError("the loss needs targets, but the dataset has none");
    if (m_name == "binary_cross_entropy") {
        const torch::Tensor y = targets.to(output.scalar_type()).reshape(output.sizes());
        return torch::binary_cross_entropy_with_logits(output, y);
    }
    if (m_name == "cross_entropy")
        return torch::cross_entropy_loss(output, targets.reshape({ -1 }).to(torch::kInt64));
    const torch::Tensor y = targets.to(output.scalar_type()).reshape(output.sizes());
    if (m_name == "mse")
        return torch::mse_loss(output, y);
    if (m_name == "mae")
        return torch::l1_loss(output, y);
    if (m_name == "huber")
        return torch::huber_loss(output, y, at::Reduction::Mean, m_huberDelta);
    // Keras's MAPE, in percent.
    return ((y - output).abs() / y.abs().clamp_min(kPercentageEpsilon)).mean() * 100.0;
}

torch::Tensor Loss::scores(const torch::Tensor& output) const
{
    if (m_name == "binary_cross_entropy")
        return torch::sigmoid(output);
    if (m_name == "cross_entropy")
        return torch::softmax(output, 1);
    return output;
}

} // namespace neurino
