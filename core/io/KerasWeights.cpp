#include "core/io/KerasModel.h"

#include "core/graph/Shape.h"
#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino::keras {

namespace {

// Keras's weights of each class, in the order Keras saves them, and the Neurino tensors they become.
struct WeightRole {
    std::string keras;
    std::string neurino;
};

std::vector<WeightRole> rolesOf(const WeightPlan& plan)
{
    if (plan.kerasClass == "BatchNormalization")
        return { { "gamma", "weight" }, { "beta", "bias" }, { "moving_mean", "running_mean" },
            { "moving_variance", "running_var" } };
    std::vector<WeightRole> roles = { { "kernel", "weight" } };
    if (plan.useBias)
        roles.push_back({ "bias", "bias" });
    return roles;
}

std::string names(const std::vector<WeightRole>& roles)
{
    std::string text;
    for (std::size_t i = 0; i < roles.size(); ++i)
        text += (i ? ", " : "") + roles[i].keras;
    return text;
}

// A Keras kernel in LibTorch's layout: Dense (in, out) -> (out, in); Conv1D (k, in, out) -> (out, in, k);
// Conv2D (kh, kw, in, out) -> (out, in, kh, kw); Conv2DTranspose (kh, kw, out, in) -> (in, out, kh, kw).
torch::Tensor torchKernel(const std::string& cls, const torch::Tensor& kernel)
{
    const std::int64_t rank = cls == "Dense" ? 2 : cls == "Conv1D" ? 3 : 4;
    if (kernel.dim() != rank)
        return {};
    if (rank == 2)
        return kernel.t();
    if (rank == 3)
        return kernel.permute({ 2, 1, 0 });
    return kernel.permute({ 3, 2, 0, 1 });
}

// What torchKernel would have made `expected` from: the shape a Keras kernel must have.
Shape kerasKernelShape(const torch::Tensor& expected)
{
    if (expected.dim() == 2)
        return expected.t().sizes().vec();
    if (expected.dim() == 3)
        return expected.permute({ 2, 1, 0 }).sizes().vec();
    return expected.permute({ 2, 3, 1, 0 }).sizes().vec();
}

torch::Tensor reordered(torch::Tensor t, std::int64_t dim, const std::vector<std::int64_t>& order)
{
    if (order.empty())
        return t;
    return t.index_select(dim, torch::tensor(order, torch::kLong));
}

} // namespace

std::map<std::string, torch::Tensor> convertWeights(const WeightPlan& plan, const KerasWeights& weights,
    const std::map<std::string, torch::Tensor>& expected, const std::string& source)
{
    const std::string where = "Keras layer '" + plan.layer + "' (" + plan.kerasClass + ") in " + source;
    const std::vector<WeightRole> roles = rolesOf(plan);
    if (weights.size() != roles.size())
        throw IoError(where + " has " + std::to_string(weights.size()) + " weights, but Neurino's node '"
            + plan.node + "' takes " + std::to_string(roles.size()) + " (" + names(roles) + ")");
    std::map<std::string, torch::Tensor> out;
    for (std::size_t i = 0; i < roles.size(); ++i) {
        const auto& [name, value] = weights[i];
        torch::Tensor t = value.to(torch::kFloat32);
        if (roles[i].keras == "kernel")
            t = torchKernel(plan.kerasClass, t);
        const auto it = expected.find(roles[i].neurino);
        if (it == expected.end())
            throw IoError(where + ": Neurino's node '" + plan.node + "' has no " + roles[i].neurino);
        if (!t.defined() || t.sizes() != it->second.sizes()) {
            const Shape wanted
                = roles[i].keras == "kernel" ? kerasKernelShape(it->second) : Shape(it->second.sizes().vec());
            throw IoError(where + ": weight '" + name + "' (" + roles[i].keras + ") has shape "
                + formatShape(value.sizes().vec()) + " but Neurino's node '" + plan.node + "' needs "
                + formatShape(wanted) + " (in Keras's layout)");
        }
        if (roles[i].keras == "kernel" && plan.kerasClass == "Dense")
            t = reordered(t, 1, plan.inOrder);
        t = reordered(t, 0, plan.outOrder);
        out[roles[i].neurino] = t.contiguous().clone();
    }
    return out;
}

} // namespace neurino::keras
