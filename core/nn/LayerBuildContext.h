#pragma once

#include "core/graph/ModelGraph.h"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace neurino {

// What one node computes from its inputs' tensors (batch first), before its activation.
using LayerBody = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;

// What a kind's LibTorch builder (LayerKind::build) is given for one node, and what it fills in. GraphModule
// runs the body, then the activation, and initialises `weighted` as `initializer` says.
struct LayerBuildContext {
    LayerBuildContext(torch::nn::Module& module, const Node& layerNode, const std::vector<Shape>& inputShapes,
        const Shape& outputShape)
        : owner(module)
        , node(layerNode)
        , params(layerNode.layer.params)
        , inputs(inputShapes)
        , output(outputShape)
    {
    }

    torch::nn::Module& owner; // the GraphModule the node's submodule is registered with
    const Node& node;
    const nlohmann::json& params; // canonical and complete
    const std::vector<Shape>& inputs; // one shape per input, without the batch
    const Shape& output; // as shape inference gave it

    LayerBody body;
    std::string activation = "linear";
    std::string initializer = "libtorch_default";
    std::shared_ptr<torch::nn::Module> weighted; // the layer with weights, for initialisation

    // Registers `layer` (a LibTorch module holder) under the node's id, so its parameters are named
    // "<node>.<param>"; returns the registered module.
    template <typename Holder> auto add(Holder layer)
    {
        return owner.register_module(node.id, std::move(layer));
    }
};

} // namespace neurino
