// Neurino's Trainer against a hand-written LibTorch loop and against PyTorch in Python, on the Higgs deep
// MLP (28 -> 5 x 200 -> 1, batch 512) and the shapes CNN (batch 128): same model, data, batch, optimizer
// and thread count, measured in one run and printed side by side as training samples per second.
//   bench_trainer [--threads N] [--epochs E] [--mlp-samples N] [--cnn-samples N] [--no-python]
#include "core/data/Dataset.h"
#include "core/graph/ModelJson.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

using namespace neurino;

namespace {

using Clock = std::chrono::steady_clock;

struct Case {
    std::string name;
    std::string model;
    std::int64_t batch;
    std::int64_t samples;
};

std::shared_ptr<Dataset> makeData(const Case& c)
{
    torch::manual_seed(0);
    auto d = std::make_shared<Dataset>();
    if (c.name == "higgs_deep") {
        d->features = torch::randn({ c.samples, 28 });
        d->targets = torch::randint(0, 2, { c.samples }, torch::kInt64);
        d->info.task = Task::Binary;
    } else {
        d->features = torch::rand({ c.samples, 1, 32, 32 });
        d->targets = torch::randint(0, 3, { c.samples }, torch::kInt64);
        d->info.task = Task::Classification;
    }
    d->info.origin = "synthetic " + c.name;
    return d;
}

// The same network written directly against LibTorch, as a user without Neurino would.
torch::nn::Sequential handWritten(const Case& c)
{
    namespace nn = torch::nn;
    if (c.name == "higgs_deep") {
        nn::Sequential s;
        std::int64_t width = 28;
        for (int i = 0; i < 5; ++i) {
            s->push_back(nn::Linear(width, 200));
            s->push_back(nn::ReLU());
            width = 200;
        }
        s->push_back(nn::Linear(200, 1));
        return s;
    }
    return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding(1)), nn::ReLU(),
        nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding(1)),
        nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)),
        nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1)), nn::ReLU(),
        nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Dropout(0.25), nn::Flatten(), nn::Linear(64 * 4 * 4, 64),
        nn::ReLU(), nn::Dropout(0.5), nn::Linear(64, 3));
}

double runHandWritten(const Case& c, const Dataset& d, int epochs)
{
    torch::manual_seed(1);
    torch::nn::Sequential model = handWritten(c);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const bool binary = c.name == "higgs_deep";
    const torch::Tensor targets = binary ? d.targets.to(torch::kFloat32).reshape({ -1, 1 }) : d.targets;
    auto epoch = [&](std::int64_t n) {
        const torch::Tensor perm = torch::randperm(n);
        double total = 0;
        for (std::int64_t begin = 0; begin < n; begin += c.batch) {
            const torch::Tensor idx = perm.slice(0, begin, std::min(n, begin + c.batch));
            const torch::Tensor x = d.features.index_select(0, idx), y = targets.index_select(0, idx);
            optimizer.zero_grad();
            const torch::Tensor out = model->forward(x);
            const torch::Tensor loss = binary ? torch::binary_cross_entropy_with_logits(out, y)
                                              : torch::cross_entropy_loss(out, y);
            loss.backward();
            optimizer.step();
            total += loss.item<double>();
        }
        return total;
    };
    model->train();
    epoch(std::min<std::int64_t>(d.size(), 10 * c.batch)); // warm-up
    const auto start = Clock::now();
    for (int e = 0; e < epochs; ++e)
        epoch(d.size());
    return epochs * d.size() / std::chrono::duration<double>(Clock::now() - start).count();
}

double runNeurino(const Case& c, const std::shared_ptr<Dataset>& d, int epochs)
{
    TrainConfig config;
    config.optimizer.name = "adam";
    config.optimizer.learningRate = 1e-3;
    config.batchSize = c.batch;
    config.validationSplit = 0.0; // the peers have no validation pass either
    config.seed = 1;
    const ModelGraph graph = loadModel(NEURINO_SOURCE_DIR "/resources/models/" + c.model + ".neurino.json");
    {
        // Warm-up on a few batches, as the peers do.
        auto small = std::make_shared<Dataset>(*d);
        small->features = d->features.slice(0, 0, 10 * c.batch);
        small->targets = d->targets.slice(0, 0, 10 * c.batch);
        config.epochs = 1;
        Trainer warm(graph, config);
        warm.setData(small);
        warm.fit();
    }
    config.epochs = epochs;
    Trainer trainer(graph, config);
    trainer.setData(d);
    const auto start = Clock::now();
    trainer.fit();
    return epochs * d->size() / std::chrono::duration<double>(Clock::now() - start).count();
}

nlohmann::json runPython(int threads, std::int64_t mlpSamples, std::int64_t cnnSamples, int epochs)
{
    const std::string command = "/usr/bin/python3 " NEURINO_SOURCE_DIR
                                "/tests/benchmarks/bench_trainer_pytorch.py"
                                " --threads "
        + std::to_string(threads) + " --mlp-samples " + std::to_string(mlpSamples) + " --cnn-samples "
        + std::to_string(cnnSamples) + " --epochs " + std::to_string(epochs);
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return {};
    std::string output;
    char buffer[4096];
    while (fgets(buffer, sizeof buffer, pipe))
        output += buffer;
    if (pclose(pipe) != 0)
        return {};
    try {
        return nlohmann::json::parse(output.substr(output.rfind('{')));
    } catch (const std::exception&) {
        return {};
    }
}

std::string ratio(double a, double b)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(3) << (b > 0 ? a / b : 0.0);
    return out.str();
}

} // namespace

int main(int argc, char** argv)
{
    int threads = 0, epochs = 2;
    std::int64_t mlpSamples = 512 * 120, cnnSamples = 128 * 40;
    bool python = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string("0"); };
        if (a == "--threads")
            threads = std::stoi(next());
        else if (a == "--epochs")
            epochs = std::stoi(next());
        else if (a == "--mlp-samples")
            mlpSamples = std::stoll(next());
        else if (a == "--cnn-samples")
            cnnSamples = std::stoll(next());
        else if (a == "--no-python")
            python = false;
        else {
            std::cerr
                << "usage: bench_trainer [--threads N] [--epochs E] [--mlp-samples N] [--cnn-samples N] "
                   "[--no-python]\n";
            return 2;
        }
    }
    if (threads > 0)
        at::set_num_threads(threads);
    threads = at::get_num_threads();
    const std::vector<Case> cases = { { "higgs_deep", "higgs_deep", 512, mlpSamples },
        { "shapes_cnn", "shapes_cnn", 128, cnnSamples } };
    std::cout << "bench_trainer: training samples/s, " << epochs << " epoch(s), Adam, " << threads
              << " thread(s), CPU" << std::endl;
    try {
        std::map<std::string, std::pair<double, double>> cpp;
        for (const auto& c : cases) {
            const auto data = makeData(c);
            const double hand = runHandWritten(c, *data, epochs);
            const double ours = runNeurino(c, data, epochs);
            cpp[c.name] = { ours, hand };
        }
        const nlohmann::json py
            = python ? runPython(threads, mlpSamples, cnnSamples, epochs) : nlohmann::json();
        std::cout << std::left << std::setw(12) << "model" << std::right << std::setw(8) << "batch"
                  << std::setw(14) << "Neurino" << std::setw(14) << "LibTorch loop" << std::setw(9) << "ratio"
                  << std::setw(14) << "PyTorch" << std::setw(9) << "ratio"
                  << "\n";
        for (const auto& c : cases) {
            const auto [ours, hand] = cpp[c.name];
            const double torchPy = py.is_object() && py.contains(c.name) ? py[c.name].get<double>() : 0.0;
            std::cout << std::left << std::setw(12) << c.name << std::right << std::setw(8) << c.batch
                      << std::setw(14) << std::fixed << std::setprecision(0) << ours << std::setw(14) << hand
                      << std::setw(9) << ratio(ours, hand) << std::setw(14)
                      << (torchPy > 0 ? std::to_string(static_cast<long>(torchPy)) : std::string("n/a"))
                      << std::setw(9) << (torchPy > 0 ? ratio(ours, torchPy) : std::string("n/a")) << "\n";
        }
        std::cout << "goals: ratio to the LibTorch loop >= 0.97, to PyTorch >= 1.0"
                  << (py.is_object() && py.contains("torch")
                             ? " (PyTorch " + py["torch"].get<std::string>() + ")"
                             : std::string(" (PyTorch peer not run)"))
                  << std::endl;
    } catch (const Error& e) {
        std::cerr << "bench_trainer: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
