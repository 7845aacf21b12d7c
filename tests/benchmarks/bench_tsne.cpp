// t-SNE speed and quality in one run: 5,000 points against scikit-learn's Barnes–Hut TSNE (same data and
// settings, runs interleaved, the median of the paired ratios reported), then all 70,000 Fashion-MNIST images
// after PCA to 50 dimensions, timed against the goal of three minutes.
//
// Usage: bench_tsne [--pairs N] [--skip-fashion] [--fashion-only] [--fashion-dir DIR] [--fft-only]
// (--fft-only: one timed FFT run of the 5,000 points, no peer, for working on the method)
#include "core/analysis/Pca.h"
#include "core/analysis/Tsne.h"
#include "core/analysis/TsneNeighbours.h"
#include "core/io/IdxReader.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

using namespace neurino;

namespace {

// The goal for all of Fashion-MNIST on two cores, in seconds.
constexpr double kFashionGoalSeconds = 180;

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// 5,000 points of 50 dimensions: 10 clusters of different widths on a curved 5-D manifold plus noise, so the
// embedding has structure at several scales (harder than plain blobs).
torch::Tensor benchmarkData(std::int64_t n, std::int64_t d)
{
    torch::manual_seed(2024);
    const torch::Tensor labels = torch::randint(0, 10, { n });
    const torch::Tensor centres = torch::randn({ 10, 5 }) * 4;
    const torch::Tensor widths = torch::rand({ 10 }) * 1.5 + 0.5;
    const torch::Tensor latent = centres.index_select(0, labels)
        + torch::randn({ n, 5 }) * widths.index_select(0, labels).unsqueeze(1);
    const torch::Tensor mixing = torch::randn({ 5, d });
    return (torch::tanh(latent.mm(mixing) / 4) * 3 + torch::randn({ n, d }) * 0.2).contiguous();
}

struct PeerRun {
    double seconds = 0, reportedKl = 0;
    torch::Tensor embedding; // (n x 2) double
};

// scikit-learn's TSNE on `x`, through tests/benchmarks/tsne_sklearn.py; nothing when it cannot run.
std::optional<PeerRun> runPeer(const torch::Tensor& x, double perplexity, int iterations)
{
    const std::int64_t n = x.size(0), d = x.size(1);
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "neurino-bench-tsne";
    std::filesystem::create_directories(dir);
    const std::string dataPath = (dir / "data.f32").string(), peerPath = (dir / "sklearn.f64").string();
    std::ofstream(dataPath, std::ios::binary)
        .write(reinterpret_cast<const char*>(x.data_ptr<float>()),
            static_cast<std::streamsize>(x.numel() * sizeof(float)));
    const std::string script = std::string(NEURINO_SOURCE_DIR) + "/tests/benchmarks/tsne_sklearn.py";
    const std::string command = "/usr/bin/python3 " + script + " " + dataPath + " " + std::to_string(n) + " "
        + std::to_string(d) + " " + std::to_string(perplexity) + " " + std::to_string(iterations) + " "
        + peerPath;
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[512];
        while (fgets(buffer, sizeof buffer, pipe))
            output += buffer;
        pclose(pipe);
    }
    PeerRun run;
    try {
        const nlohmann::json peer = nlohmann::json::parse(output.substr(output.find('{')));
        run.seconds = peer["seconds"].get<double>();
        run.reportedKl = peer["kl_divergence"].get<double>();
    } catch (const std::exception&) {
        std::cout << "  scikit-learn peer failed (is python3-sklearn installed?): " << output << "\n";
        return std::nullopt;
    }
    run.embedding = torch::empty({ n, 2 }, torch::kDouble);
    std::ifstream(peerPath, std::ios::binary)
        .read(reinterpret_cast<char*>(run.embedding.data_ptr<double>()),
            static_cast<std::streamsize>(2 * n * sizeof(double)));
    std::filesystem::remove_all(dir);
    return run;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Our run with `method`, timed.
std::pair<double, TsneResult> timedTsne(const torch::Tensor& x, TsneOptions options, TsneMethod method)
{
    options.method = method;
    const auto start = std::chrono::steady_clock::now();
    TsneResult r = runTsne(x, options);
    return { secondsSince(start), r };
}

// The 5,000-point comparison: `pairs` rounds of (neurino FFT, neurino Barnes-Hut, scikit-learn).
int compareWithScikitLearn(int pairs)
{
    const std::int64_t n = 5000, d = 50;
    TsneOptions options;
    options.perplexity = 30;
    options.iterations = 1000;
    const torch::Tensor x = benchmarkData(n, d);
    std::cout << "t-SNE: " << n << " points x " << d << " dimensions, perplexity " << options.perplexity
              << ", " << options.iterations << " iterations, " << pairs << " interleaved rounds\n";
    timedTsne(x.slice(0, 0, 500), options, TsneMethod::Fft); // warm-up
    if (pairs == 0) {
        const auto [seconds, r] = timedTsne(x, options, TsneMethod::Fft);
        std::printf("  fft %.2f s KL %.4f\n", seconds, r.klDivergence);
        return 0;
    }
    // Every embedding judged by the same exact KL(P || Q), P built once.
    const TsneAffinities p = tsneAffinities(x, options.perplexity);
    std::vector<double> fftRatios, bhRatios, fftSeconds, bhSeconds, peerSeconds, fftKl, bhKl, peerKl;
    for (int round = 0; round < pairs; ++round) {
        const auto [fs, fft] = timedTsne(x, options, TsneMethod::Fft);
        const auto [bs, bh] = timedTsne(x, options, TsneMethod::BarnesHut);
        const std::optional<PeerRun> peer = runPeer(x, options.perplexity, options.iterations);
        if (!peer)
            return 1;
        fftSeconds.push_back(fs);
        bhSeconds.push_back(bs);
        peerSeconds.push_back(peer->seconds);
        fftKl.push_back(fft.klDivergence);
        bhKl.push_back(bh.klDivergence);
        peerKl.push_back(tsneKlDivergence(p, peer->embedding));
        fftRatios.push_back(peer->seconds / fs);
        bhRatios.push_back(peer->seconds / bs);
        std::printf(
            "  round %d: fft %.2f s KL %.4f | barnes-hut %.2f s KL %.4f | scikit-learn %.2f s KL %.4f "
            "(reported %.4f)\n",
            round + 1, fs, fft.klDivergence, bs, bh.klDivergence, peer->seconds, peerKl.back(),
            peer->reportedKl);
    }
    std::printf("  %-22s %9s %12s\n", "median of rounds", "seconds", "KL (exact)");
    std::printf("  %-22s %9.2f %12.4f\n", "neurino fft", median(fftSeconds), median(fftKl));
    std::printf("  %-22s %9.2f %12.4f\n", "neurino barnes-hut", median(bhSeconds), median(bhKl));
    std::printf("  %-22s %9.2f %12.4f\n", "scikit-learn", median(peerSeconds), median(peerKl));
    const auto [fftLo, fftHi] = std::minmax_element(fftRatios.begin(), fftRatios.end());
    const auto [bhLo, bhHi] = std::minmax_element(bhRatios.begin(), bhRatios.end());
    std::printf("  speed ratio (scikit-learn time / neurino time), median of pairs [spread]: fft %.2f [%.2f, "
                "%.2f] (goal >= 5), barnes-hut %.2f [%.2f, %.2f]\n",
        median(fftRatios), *fftLo, *fftHi, median(bhRatios), *bhLo, *bhHi);
    std::printf("  KL ratio (neurino / scikit-learn): fft %.3f (goal <= 1.05), barnes-hut %.3f\n",
        median(fftKl) / median(peerKl), median(bhKl) / median(peerKl));
    return 0;
}

// All 70,000 Fashion-MNIST images (training and test splits), pixels scaled to [0, 1] and flattened; an
// undefined tensor when the files are missing.
torch::Tensor fashionImages(const std::string& dir)
{
    std::vector<torch::Tensor> parts;
    for (const char* split : { "train", "t10k" }) {
        const std::string path = dir + "/" + split + "-images-idx3-ubyte.gz";
        if (!std::filesystem::exists(path)) {
            std::cout << "Fashion-MNIST: " << path
                      << " is missing (sudo apt-get install dataset-fashion-mnist); skipped\n";
            return {};
        }
        parts.push_back(IdxReader::read(path).flatten(1).to(torch::kFloat) / 255.0);
    }
    return torch::cat(parts).contiguous();
}

// Fraction of the exact `k` nearest neighbours of `samples` random rows that the approximate search found.
double sampledRecall(const torch::Tensor& x, const TsneNeighbourLists& approximate, std::int64_t samples)
{
    const std::int64_t k = approximate.indices.size(1);
    torch::manual_seed(11);
    const torch::Tensor rows = torch::randperm(x.size(0)).slice(0, 0, samples);
    const torch::Tensor q = x.index_select(0, rows);
    torch::Tensor d2 = q.pow(2).sum(1, true) + x.pow(2).sum(1).unsqueeze(0) - 2 * q.mm(x.t());
    d2.scatter_(1, rows.unsqueeze(1), std::numeric_limits<float>::infinity());
    const torch::Tensor exact = std::get<1>(d2.topk(k, 1, /*largest=*/false));
    const torch::Tensor found = approximate.indices.index_select(0, rows);
    const torch::Tensor hits = exact.unsqueeze(2).eq(found.unsqueeze(1)).any(2);
    return hits.to(torch::kDouble).mean().item<double>();
}

// The Fashion-MNIST case: PCA to 50 dimensions (timed apart, as preparation), then t-SNE with the automatic
// choices, timed with its progress shown; KL with Q's normalisation summed exactly over all N^2 pairs
// (seconds of work at this size), beside the FFT-estimated one that runTsne reports.
int fashionMnist(const std::string& dir)
{
    const torch::Tensor images = fashionImages(dir);
    if (!images.defined())
        return 0;
    const std::int64_t n = images.size(0);
    auto start = std::chrono::steady_clock::now();
    const torch::Tensor x = Pca(images, 50).transform(images).contiguous();
    std::printf("Fashion-MNIST: %lld images, PCA 784 -> 50 dimensions in %.1f s\n", static_cast<long long>(n),
        secondsSince(start));
    TsneOptions options;
    options.progressEvery = 100;
    std::printf("  t-SNE: perplexity %g, %d iterations, method %s, %s neighbours\n", options.perplexity,
        options.iterations, tsneMethodName(resolveTsneMethod(options.method, n)),
        resolveNeighbourSearch(options.neighbours, n) == TsneNeighbourSearch::Approximate ? "approximate"
                                                                                          : "exact");
    start = std::chrono::steady_clock::now();
    const TsneResult r = runTsne(x, options, [&](const TsneProgress& p) {
        std::printf("    iteration %4d/%d  KL %.4f  %6.1f s\n", p.iteration, p.iterations, p.klDivergence,
            secondsSince(start));
        std::fflush(stdout);
        return true;
    });
    const double seconds = secondsSince(start);
    start = std::chrono::steady_clock::now();
    const TsneNeighbourLists lists = approximateNeighbours(x, 91, options.seed);
    const double knnSeconds = secondsSince(start);
    const double recall = sampledRecall(x, lists, 1000);
    start = std::chrono::steady_clock::now();
    const TsneAffinities p = tsneAffinities(x, options.perplexity, 0, options.neighbours, options.seed);
    const double exactKl = tsneKlDivergence(p, r.embedding);
    std::printf("  t-SNE of all %lld images: %.1f s (goal < %.0f s on 2 cores: %s)\n",
        static_cast<long long>(n), seconds, kFashionGoalSeconds,
        seconds < kFashionGoalSeconds ? "met" : "missed");
    std::printf("  KL divergence: %.4f with Q's normalisation summed exactly over all pairs (%.1f s), %.4f "
                "with the FFT-estimated normalisation\n",
        exactKl, secondsSince(start), r.klDivergence);
    std::printf("  approximate neighbours (k = 91): %.1f s, recall %.3f against exact on 1000 sampled rows\n",
        knnSeconds, recall);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    int pairs = 3;
    bool fashion = true;
    std::string fashionDir = "/usr/share/datasets/fashion-mnist";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pairs") && i + 1 < argc)
            pairs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--fft-only"))
            pairs = 0, fashion = false;
        else if (!std::strcmp(argv[i], "--fashion-only"))
            pairs = -1;
        else if (!std::strcmp(argv[i], "--skip-fashion"))
            fashion = false;
        else if (!std::strcmp(argv[i], "--fashion-dir") && i + 1 < argc)
            fashionDir = argv[++i];
    }
    int status = pairs < 0 ? 0 : compareWithScikitLearn(pairs);
    if (fashion)
        status = std::max(status, fashionMnist(fashionDir));
    return status;
}
