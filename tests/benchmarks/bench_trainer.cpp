// Neurino's Trainer against a hand-written LibTorch loop and against PyTorch in Python, on the Higgs deep
// MLP (28 -> 5 x 200 -> 1, batch 512) and the shapes CNN (batch 128): same model, data sizes, batch,
// optimizer and thread count, one epoch per measurement, in training samples per second.
// On a shared machine one measurement says little (the same epoch swung 2x between runs), so the three take
// turns (A B C, C B A, ...) for several rounds after a warm-up, and each ratio is the median of the rounds'
// paired ratios, printed with its spread. Neurino at threads "auto" is compared with its best fixed count.
//   bench_trainer [--rounds R] [--mlp-samples N] [--cnn-samples N] [--model higgs_deep|shapes_cnn]
//   [--no-python]
#include "core/data/Dataset.h"
#include "core/graph/ModelJson.h"
#include "core/train/Trainer.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/RuntimeInfo.h"
#include "core/util/ThreadTuning.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

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

// One epoch of the hand-written loop at `threads` threads, timed from its first batch.
double handWrittenEpoch(const Case& c, const Dataset& d, int threads)
{
    at::set_num_threads(threads);
    torch::manual_seed(1);
    torch::nn::Sequential model = handWritten(c);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const bool binary = c.name == "higgs_deep";
    const torch::Tensor targets = binary ? d.targets.to(torch::kFloat32).reshape({ -1, 1 }) : d.targets;
    model->train();
    const auto start = Clock::now();
    const std::int64_t n = d.size();
    const torch::Tensor perm = torch::randperm(n);
    double total = 0;
    for (std::int64_t begin = 0; begin < n; begin += c.batch) {
        const torch::Tensor idx = perm.slice(0, begin, std::min(n, begin + c.batch));
        const torch::Tensor x = d.features.index_select(0, idx), y = targets.index_select(0, idx);
        optimizer.zero_grad();
        const torch::Tensor out = model->forward(x);
        const torch::Tensor loss
            = binary ? torch::binary_cross_entropy_with_logits(out, y) : torch::cross_entropy_loss(out, y);
        loss.backward();
        optimizer.step();
        total += loss.item<double>();
    }
    return n / std::chrono::duration<double>(Clock::now() - start).count();
}

// One epoch of Neurino's Trainer (threads 0: auto), timed over fit(): everything a run does per epoch,
// the training metrics included. No validation part, as the peers have none.
double neurinoEpoch(
    const Case& c, const std::shared_ptr<Dataset>& d, int threads, ThreadChoice* choice = nullptr)
{
    TrainConfig config;
    config.optimizer.name = "adam";
    config.optimizer.learningRate = 1e-3;
    config.batchSize = c.batch;
    config.validationSplit = 0.0;
    config.seed = 1;
    config.epochs = 1;
    config.threads = threads;
    static std::map<std::string, ModelGraph> graphs;
    if (!graphs.count(c.model))
        graphs.emplace(
            c.model, loadModel(NEURINO_SOURCE_DIR "/resources/models/" + c.model + ".neurino.json"));
    Trainer trainer(graphs.at(c.model), config);
    trainer.setData(d);
    const auto start = Clock::now();
    trainer.fit();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (choice)
        *choice = trainer.threadChoice();
    return d->size() / seconds;
}

// tests/benchmarks/bench_trainer_pytorch.py as a server on two pipes, so that it takes turns with the C++
// sides without paying Python's start-up and import at every turn.
class PythonPeer {
public:
    explicit PythonPeer(bool start)
    {
        int toPeer[2], fromPeer[2];
        if (!start || pipe(toPeer) != 0 || pipe(fromPeer) != 0)
            return;
        m_pid = fork();
        if (m_pid == 0) {
            dup2(toPeer[0], 0);
            dup2(fromPeer[1], 1);
            for (int fd : { toPeer[0], toPeer[1], fromPeer[0], fromPeer[1] })
                close(fd);
            execl("/usr/bin/python3", "python3",
                NEURINO_SOURCE_DIR "/tests/benchmarks/bench_trainer_pytorch.py", static_cast<char*>(nullptr));
            _exit(127);
        }
        close(toPeer[0]);
        close(fromPeer[1]);
        m_in = fdopen(toPeer[1], "w");
        m_out = fdopen(fromPeer[0], "r");
        const nlohmann::json hello = answer();
        if (hello.contains("torch"))
            m_version = hello["torch"].get<std::string>();
    }
    ~PythonPeer()
    {
        if (m_in)
            fclose(m_in);
        if (m_out)
            fclose(m_out);
        if (m_pid > 0)
            waitpid(m_pid, nullptr, 0);
    }
    PythonPeer(const PythonPeer&) = delete;
    PythonPeer& operator=(const PythonPeer&) = delete;

    bool running() const { return !m_version.empty(); }
    const std::string& version() const { return m_version; }

    double epoch(const Case& c, int threads)
    {
        if (!running())
            return 0;
        std::fprintf(m_in, "%s %lld %d\n", c.name.c_str(), static_cast<long long>(c.samples), threads);
        std::fflush(m_in);
        const nlohmann::json reply = answer();
        return reply.value("samples_per_second", 0.0);
    }

private:
    nlohmann::json answer()
    {
        char line[4096];
        if (!m_out || !std::fgets(line, sizeof line, m_out))
            return nlohmann::json::object();
        try {
            return nlohmann::json::parse(line);
        } catch (const std::exception&) {
            return nlohmann::json::object();
        }
    }

    pid_t m_pid = -1;
    FILE* m_in = nullptr;
    FILE* m_out = nullptr;
    std::string m_version;
};

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// "1.07 [0.98-1.12]": the median of the paired ratios a[i] / b[i] and their range.
std::string pairedRatio(const std::vector<double>& a, const std::vector<double>& b)
{
    std::vector<double> ratios;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (b[i] > 0)
            ratios.push_back(a[i] / b[i]);
    if (ratios.empty())
        return "n/a";
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << median(ratios) << " ["
        << *std::min_element(ratios.begin(), ratios.end()) << "-"
        << *std::max_element(ratios.begin(), ratios.end()) << "]";
    return out.str();
}

// Samples per second of each side, one entry per round.
struct Series {
    std::vector<double> neurino, hand, python;
};

// `rounds` turns of the three sides at `threads`, after one untimed epoch of each; the order alternates, so
// that none always runs on a machine its predecessor has just warmed or loaded.
Series measure(const Case& c, const std::shared_ptr<Dataset>& d, int threads, int rounds, PythonPeer& peer)
{
    neurinoEpoch(c, d, threads);
    handWrittenEpoch(c, *d, threads);
    peer.epoch(c, threads);
    Series s;
    for (int r = 0; r < rounds; ++r) {
        const bool forward = r % 2 == 0;
        if (forward)
            s.neurino.push_back(neurinoEpoch(c, d, threads));
        else
            s.python.push_back(peer.epoch(c, threads));
        s.hand.push_back(handWrittenEpoch(c, *d, threads));
        if (forward)
            s.python.push_back(peer.epoch(c, threads));
        else
            s.neurino.push_back(neurinoEpoch(c, d, threads));
    }
    return s;
}

void printRow(const Case& c, const std::string& threads, const Series& s, bool python)
{
    std::cout << std::left << std::setw(12) << c.name << std::right << std::setw(6) << c.batch << std::setw(9)
              << threads << std::setw(10) << std::fixed << std::setprecision(0) << median(s.neurino)
              << std::setw(10) << median(s.hand) << std::setw(19) << pairedRatio(s.neurino, s.hand)
              << std::setw(10) << (python ? std::to_string(static_cast<long>(median(s.python))) : "n/a")
              << std::setw(19) << (python ? pairedRatio(s.neurino, s.python) : "n/a") << std::endl;
}

// Neurino at threads "auto" against its own fixed counts, in turns with the fastest of them.
void compareAuto(
    const Case& c, const std::shared_ptr<Dataset>& d, int rounds, const std::map<int, Series>& fixed)
{
    int best = fixed.begin()->first;
    for (const auto& [threads, s] : fixed)
        if (median(s.neurino) > median(fixed.at(best).neurino))
            best = threads;
    ThreadChoice choice;
    const auto probeStart = Clock::now();
    neurinoEpoch(c, d, 0, &choice); // measures (the cache is the benchmark's own, empty at the start)
    const double firstSeconds = std::chrono::duration<double>(Clock::now() - probeStart).count();
    std::vector<double> automatic, bestFixed;
    for (int r = 0; r < rounds; ++r) {
        automatic.push_back(neurinoEpoch(c, d, 0));
        bestFixed.push_back(neurinoEpoch(c, d, best));
    }
    std::cout << "  auto chose " << choice.describe() << "; first epoch with the timing " << std::fixed
              << std::setprecision(2) << firstSeconds << " s\n  auto: " << std::setprecision(0)
              << median(automatic) << " samples/s, " << pairedRatio(automatic, bestFixed)
              << " of the best fixed count (" << best << " threads)" << std::endl;
}

} // namespace

int main(int argc, char** argv)
{
    int rounds = 5;
    std::int64_t mlpSamples = 512 * 60, cnnSamples = 128 * 40;
    bool python = true;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string("0"); };
        if (a == "--rounds")
            rounds = std::max(1, std::stoi(next()));
        else if (a == "--mlp-samples")
            mlpSamples = std::stoll(next());
        else if (a == "--cnn-samples")
            cnnSamples = std::stoll(next());
        else if (a == "--no-python")
            python = false;
        else if (a == "--model")
            only = next();
        else {
            std::cerr
                << "usage: bench_trainer [--rounds R] [--mlp-samples N] [--cnn-samples N] [--model NAME] "
                   "[--no-python]\n";
            return 2;
        }
    }
    // The thread counts "auto" chooses are remembered in a cache of this run's own, so it measures here.
    const std::filesystem::path cache
        = std::filesystem::temp_directory_path() / ("neurino-bench-trainer-" + std::to_string(getpid()));
    setenv("NEURINO_CACHE_DIR", cache.c_str(), 1);
    const std::vector<Case> cases = { { "higgs_deep", "higgs_deep", 512, mlpSamples },
        { "shapes_cnn", "shapes_cnn", 128, cnnSamples } };
    std::vector<int> threadCounts = { 1 };
    if (usableCores() > 1)
        threadCounts.push_back(2);
    PythonPeer peer(python);
    std::cout << "bench_trainer: training samples/s, one epoch per measurement, Adam, CPU; " << rounds
              << " rounds in turns after a warm-up; ratios: median of the rounds' paired ratios [range]\n"
              << formatRuntimeInfo(runtimeInfo()) << std::endl;
    std::cout << std::left << std::setw(12) << "model" << std::right << std::setw(6) << "batch"
              << std::setw(9) << "threads" << std::setw(10) << "Neurino" << std::setw(10) << "loop"
              << std::setw(19) << "Neurino/loop" << std::setw(10) << "PyTorch" << std::setw(19)
              << "Neurino/PyTorch" << std::endl;
    try {
        for (const auto& c : cases) {
            if (!only.empty() && c.name != only)
                continue;
            const auto data = makeData(c);
            std::map<int, Series> fixed;
            for (const int threads : threadCounts) {
                fixed[threads] = measure(c, data, threads, rounds, peer);
                printRow(c, std::to_string(threads), fixed[threads], peer.running());
            }
            compareAuto(c, data, rounds, fixed);
        }
    } catch (const Error& e) {
        std::cerr << "bench_trainer: " << e.what() << "\n";
        return 1;
    }
    std::cout << "goals: Neurino/loop >= 0.97; Neurino/PyTorch >= 1.05 at one thread; auto within 5 % of the "
                 "best fixed count"
              << (peer.running() ? " (PyTorch " + peer.version() + ")"
                                 : std::string(" (PyTorch peer not run)"))
              << std::endl;
    std::filesystem::remove_all(cache);
    return 0;
}
