#include "tests/core/io/ExportCases.h"

#include "core/graph/ModelJson.h"
#include "tests/TestSupport.h"

#include <torch/torch.h>

namespace neurino::test::exportcases {

using nlohmann::json;

ModelGraph buildGraph(const std::string& name, const std::vector<Layer>& layers)
{
    ModelGraph g;
    g.setName(name);
    std::string previous;
    for (const Layer& l : layers) {
        const std::string id = g.addNode(l.kind, l.params, l.id);
        if (l.kind != "Input") {
            for (const auto& from : l.from.empty() ? std::vector<std::string> { previous } : l.from)
                g.connect(from, id);
        }
        previous = id;
    }
    return g;
}

namespace {

// Tabular: BatchNorm, Dropout, Add and Concat branches, every activation as a layer of its own, and ids
// that are no Python identifiers or clash once they are made into one.
ModelGraph branchesModel()
{
    return buildGraph("branches tabular",
        { { "input", "Input", { { "shape", { 6 } } } },
            { "dense-1", "Dense", { { "units", 16 }, { "activation", "relu" } } },
            { "batchnorm", "BatchNorm", { { "axis", 0 }, { "momentum", 0.9 }, { "epsilon", 0.01 } } },
            { "dropout", "Dropout", { { "rate", 0.3 } } },
            { "dense_1", "Dense", { { "units", 8 }, { "activation", "elu" } }, { "dropout" } },
            { "forward", "Dense", { { "units", 8 }, { "activation", "leaky_relu" } }, { "dropout" } },
            { "add", "Add", json::object(), { "dense_1", "forward" } },
            { "relu", "ReLU", json::object(), { "add" } },
            { "2nd side", "Dense", { { "units", 4 }, { "use_bias", false } }, { "dropout" } },
            { "sigmoid", "Sigmoid", json::object(), { "2nd side" } },
            { "concat", "Concat", { { "axis", -1 } }, { "relu", "sigmoid" } },
            { "leaky", "LeakyReLU", { { "alpha", 0.1 } } }, { "elu", "ELU", { { "alpha", 0.7 } } },
            { "tanh", "Tanh" }, { "scores", "Dense", { { "units", 3 } } }, { "softmax", "Softmax" },
            { "output", "Output" } });
}

// Images: convolutions and pools with Keras's asymmetric "same" padding, transposed convolutions that crop
// and that pad, BatchNorm over channels and over the width, upsampling, zero padding, a channel Concat, a
// Softmax over the width and a Reshape.
ModelGraph imageModel()
{
    return buildGraph("every kind image",
        { { "input", "Input", { { "shape", { 2, 11, 13 } } } },
            { "conv_same", "Conv2D",
                { { "filters", 4 }, { "kernel_size", { 4, 3 } }, { "strides", { 2, 1 } },
                    { "padding", "same" }, { "activation", "relu" } } },
            { "conv_valid", "Conv2D",
                { { "filters", 3 }, { "kernel_size", { 3, 3 } }, { "use_bias", false },
                    { "activation", "tanh" } } },
            { "bn_channels", "BatchNorm", { { "axis", 0 } } },
            { "maxpool", "MaxPool2D",
                { { "pool_size", { 3, 3 } }, { "strides", { 2, 2 } }, { "padding", "same" } } },
            { "up", "UpSampling2D", { { "size", { 2, 3 } } } },
            { "pad", "ZeroPadding2D", { { "padding", { 1, 2 } } } },
            { "convt_same", "ConvTranspose2D",
                { { "filters", 2 }, { "kernel_size", { 3, 3 } }, { "strides", { 2, 2 } },
                    { "padding", "same" }, { "activation", "sigmoid" } } },
            { "avg_same", "AvgPool2D",
                { { "pool_size", { 3, 3 } }, { "strides", { 2, 2 } }, { "padding", "same" } } },
            { "bn_width", "BatchNorm", { { "axis", -1 }, { "momentum", 0.8 } } },
            { "convt_small", "ConvTranspose2D",
                { { "filters", 2 }, { "kernel_size", { 1, 1 } }, { "strides", { 2, 2 } },
                    { "padding", "same" } } },
            { "up2", "UpSampling2D", { { "size", { 2, 2 } } }, { "bn_width" } },
            { "concat", "Concat", { { "axis", 0 } }, { "convt_small", "up2" } },
            { "convt_valid", "ConvTranspose2D", { { "filters", 1 }, { "kernel_size", { 2, 2 } } } },
            { "avg_valid", "AvgPool2D" }, { "softmax_width", "Softmax", { { "axis", -1 } } },
            { "flatten", "Flatten" }, { "reshape", "Reshape", { { "target_shape", { 4, -1 } } } },
            { "flatten_2", "Flatten" }, { "dense", "Dense", { { "units", 2 } } }, { "output", "Output" } });
}

// Sequences: Conv1D with asymmetric and symmetric "same" padding, 1-D pools, BatchNorm over the length and
// over the channels, and an Add.
ModelGraph sequenceModel()
{
    return buildGraph("sequence_1d",
        { { "input", "Input", { { "shape", { 3, 21 } } } },
            { "conv_asym", "Conv1D",
                { { "filters", 4 }, { "kernel_size", 4 }, { "padding", "same" }, { "activation", "elu" } } },
            { "conv_sym", "Conv1D",
                { { "filters", 4 }, { "kernel_size", 3 }, { "padding", "same" },
                    { "activation", "leaky_relu" } },
                { "input" } },
            { "add", "Add", json::object(), { "conv_asym", "conv_sym" } },
            { "maxpool", "MaxPool1D", { { "pool_size", 2 }, { "padding", "same" } } },
            { "avgpool", "AvgPool1D", { { "pool_size", 3 }, { "strides", 2 }, { "padding", "same" } } },
            { "bn_length", "BatchNorm", { { "axis", -1 } } },
            { "bn_channels", "BatchNorm", { { "axis", 0 } } },
            { "conv_valid", "Conv1D", { { "filters", 2 }, { "kernel_size", 2 }, { "strides", 2 } } },
            { "maxpool_valid", "MaxPool1D", { { "pool_size", 2 }, { "strides", 1 } } },
            { "avgpool_valid", "AvgPool1D", { { "pool_size", 2 } } }, { "flatten", "Flatten" },
            { "dense", "Dense", { { "units", 1 }, { "activation", "sigmoid" } } }, { "output", "Output" } });
}

// Two Inputs, declared in another order than the Concat takes them: forward() takes them in the graph's
// order, as GraphModule does.
ModelGraph twoInputsModel()
{
    return buildGraph("two inputs",
        { { "energy", "Input", { { "shape", { 1 } } } }, { "latent", "Input", { { "shape", { 4 } } } },
            { "dense", "Dense", { { "units", 8 }, { "activation", "relu" } }, { "latent" } },
            { "concat", "Concat", json::object(), { "dense", "energy" } },
            { "scores", "Dense", { { "units", 2 }, { "activation", "softmax" } } }, { "output", "Output" } });
}

} // namespace

const std::vector<std::string> kTemplates = { "xor_mlp", "higgs_shallow", "higgs_deep", "shapes_dense",
    "shapes_cnn", "calo_gan_generator", "calo_gan_discriminator" };

ModelGraph caseGraph(const std::string& name)
{
    if (name == "branches")
        return branchesModel();
    if (name == "image")
        return imageModel();
    if (name == "sequence")
        return sequenceModel();
    if (name == "two_inputs")
        return twoInputsModel();
    return loadModel(templateFile(name));
}

// Tabular features as a run sees them: each on its own scale and offset, which the standardisation removes;
// images in [0, 1).
torch::Tensor rawFeatures(const Shape& shape, std::int64_t n, bool tabular)
{
    std::vector<std::int64_t> sizes { n };
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    if (!tabular)
        return torch::rand(sizes);
    const std::int64_t features = shapeVolume(shape);
    const torch::Tensor scale = torch::logspace(-1, 1.5, features).reshape(shape);
    const torch::Tensor offset = torch::linspace(-40, 90, features).reshape(shape);
    return torch::randn(sizes) * scale + offset;
}

// A checkpoint of `graph` as a run leaves it: seeded weights, biases and BatchNorm statistics away from
// their starting values (so that each one counts), and a standardisation fitted on raw features.
Checkpoint seededCheckpoint(const ModelGraph& graph, bool standardize, std::uint64_t seed)
{
    torch::manual_seed(seed);
    GraphModule module(graph);
    NodeTensors weights = copyWeights(module);
    for (auto& [node, tensors] : weights) {
        const bool batchNorm = graph.node(node).layer.kind == "BatchNorm";
        for (auto& [name, t] : tensors) {
            if (name == "bias")
                t = 0.1 * torch::randn_like(t);
            else if (name == "running_mean")
                t = 0.3 * torch::randn_like(t);
            else if (name == "running_var")
                t = 0.5 + torch::rand_like(t);
            else if (batchNorm && name == "weight")
                t = 1 + 0.2 * torch::randn_like(t);
        }
    }
    Checkpoint c;
    c.graph = graph;
    c.weights = weights;
    c.epoch = 3;
    c.seed = seed;
    c.optimizerName = "adam";
    const Shape input = module->shapes().at(graph.inputNodes().at(0));
    c.data.sampleShape = input;
    c.data.featuresPath = "features";
    if (standardize)
        c.standardizer = Standardizer::fit(rawFeatures(input, 2000, input.size() == 1));
    return c;
}

} // namespace neurino::test::exportcases
