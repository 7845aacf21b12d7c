#pragma once

#include "core/graph/ModelGraph.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace neurino {

// A torch::nn::Module that executes a ModelGraph: one LibTorch submodule per layer with weights,
// registered under the node's id (so parameters are named "<node>.<param>"), run in topological order.
class GraphModuleImpl : public torch::nn::Module {
public:
    // Throws ModelError listing every problem when the graph is not valid.
    explicit GraphModuleImpl(const ModelGraph& graph);

    // One tensor per Input node, in ModelGraph::inputNodes() order; each (N, <input shape>).
    torch::Tensor forward(const std::vector<torch::Tensor>& inputs);
    torch::Tensor forward(const torch::Tensor& input)
    {
        return forward(std::vector<torch::Tensor> { input });
    }

    // The output before its final sigmoid or softmax, when the model ends in one: what a numerically stable
    // loss (binary cross-entropy with logits, cross-entropy) needs. Equal to forward() otherwise.
    torch::Tensor forwardLogits(const std::vector<torch::Tensor>& inputs);
    torch::Tensor forwardLogits(const torch::Tensor& input)
    {
        return forwardLogits(std::vector<torch::Tensor> { input });
    }
    // "sigmoid", "softmax" or "linear": the activation forwardLogits() leaves out.
    const std::string& outputActivation() const { return m_outputActivation; }

    // The activations of the named nodes (ids or display names) for this input; computes only what they need.
    std::map<std::string, torch::Tensor> activations(
        const std::vector<torch::Tensor>& inputs, const std::vector<std::string>& nodes);
    torch::Tensor activation(const torch::Tensor& input, const std::string& node);

    const ModelGraph& graph() const { return m_graph; }
    const std::map<std::string, Shape>& shapes() const { return m_shapes; }
    // The node id for an id or display name; throws ModelError listing the nodes when there is none.
    std::string resolveNode(const std::string& idOrName) const;

    // Parameters and buffers per node, e.g. {"dense_1": {"weight": ..., "bias": ...}}; for checkpoints and
    // kernel views.
    std::map<std::string, std::map<std::string, torch::Tensor>> nodeTensors() const;

    // Trainable parameters named "<node>/<param>", in the module's order: the names optimizer state is
    // stored under in checkpoints.
    std::vector<std::pair<std::string, torch::Tensor>> namedNodeParameters() const;

    // Re-initialises every layer as its kernel_initializer says (also done by the constructor).
    void resetParameters();

    struct Step;

private:
    std::vector<torch::Tensor> run(
        const std::vector<torch::Tensor>& inputs, std::size_t lastStep, bool logits);

    ModelGraph m_graph;
    std::map<std::string, Shape> m_shapes;
    std::vector<std::shared_ptr<Step>> m_steps; // in topological order
    std::map<std::string, std::size_t> m_stepIndex;
    std::string m_outputId;
    std::string m_outputActivation = "linear";
    std::size_t m_logitStep = 0; // the step whose final activation forwardLogits() skips
};

TORCH_MODULE(GraphModule);

} // namespace neurino
