#pragma once

// Small seeded models and datasets shared by the training tests.
#include "core/data/Dataset.h"
#include "core/graph/ModelGraph.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace neurino::test {

// Input (inputs) -> Dense layers (units, activation) -> Output; `dropout` > 0 adds a Dropout after the
// first hidden layer.
inline ModelGraph mlp(
    std::int64_t inputs, const std::vector<std::pair<int, std::string>>& layers, double dropout = 0.0)
{
    ModelGraph g;
    g.setName("test_mlp");
    std::string last = g.addNode("Input", { { "shape", { inputs } } }, "input");
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string id
            = g.addNode("Dense", { { "units", layers[i].first }, { "activation", layers[i].second } },
                "dense_" + std::to_string(i + 1));
        g.connect(last, id);
        last = id;
        if (i == 0 && dropout > 0 && layers.size() > 1) {
            const std::string drop = g.addNode("Dropout", { { "rate", dropout } }, "dropout");
            g.connect(last, drop);
            last = drop;
        }
    }
    const std::string out = g.addNode("Output", nlohmann::json::object(), "output");
    g.connect(last, out);
    return g;
}

// XOR: points around the four corners of the square, label 1 where the signs of x and y differ.
inline std::shared_ptr<Dataset> xorData(std::int64_t n = 400, std::uint64_t seed = 2)
{
    torch::manual_seed(seed);
    auto d = std::make_shared<Dataset>();
    const torch::Tensor corners = torch::randint(0, 2, { n, 2 }).to(torch::kFloat32) * 2 - 1;
    d->features = corners + 0.15f * torch::randn({ n, 2 });
    d->targets = (corners.select(1, 0) * corners.select(1, 1) < 0).to(torch::kInt64);
    d->info.task = Task::Binary;
    d->info.origin = "xor";
    return d;
}

// y = sum of a few features plus noise: a regression every model can learn.
inline std::shared_ptr<Dataset> linearData(
    std::int64_t n = 300, std::int64_t features = 4, std::uint64_t seed = 3)
{
    torch::manual_seed(seed);
    auto d = std::make_shared<Dataset>();
    d->features = torch::randn({ n, features });
    d->targets
        = (d->features.sum(1, /*keepdim=*/true) * 0.5 + 0.05 * torch::randn({ n, 1 })).to(torch::kFloat32);
    d->info.task = Task::Regression;
    d->info.origin = "linear";
    return d;
}

// Random binary labels: nothing to learn, so a big network overfits and the validation loss rises.
inline std::shared_ptr<Dataset> noiseData(
    std::int64_t n = 200, std::int64_t features = 8, std::uint64_t seed = 4)
{
    torch::manual_seed(seed);
    auto d = std::make_shared<Dataset>();
    d->features = torch::randn({ n, features });
    d->targets = torch::randint(0, 2, { n }, torch::kInt64);
    d->info.task = Task::Binary;
    d->info.origin = "noise";
    return d;
}

} // namespace neurino::test
