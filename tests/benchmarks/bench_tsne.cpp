// t-SNE speed and quality against scikit-learn's Barnes–Hut TSNE, same data and settings, in one run.
#include "core/analysis/Tsne.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

using namespace neurino;

namespace {

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

} // namespace

int main()
{
    const std::int64_t n = 5000, d = 50;
    const double perplexity = 30;
    const int iterations = 1000;
    const torch::Tensor x = benchmarkData(n, d);

    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "neurino-bench-tsne";
    std::filesystem::create_directories(dir);
    const std::string dataPath = (dir / "data.f32").string(), peerPath = (dir / "sklearn.f64").string();
    std::ofstream(dataPath, std::ios::binary)
        .write(reinterpret_cast<const char*>(x.data_ptr<float>()),
            static_cast<std::streamsize>(x.numel() * sizeof(float)));

    std::cout << "t-SNE: " << n << " points x " << d << " dimensions, perplexity " << perplexity << ", "
              << iterations << " iterations, Barnes-Hut theta 0.5\n";
    TsneOptions options;
    options.perplexity = perplexity;
    options.iterations = iterations;
    const auto start = std::chrono::steady_clock::now();
    const TsneResult ours = runTsne(x, options);
    const double ourSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

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
    nlohmann::json peer;
    try {
        peer = nlohmann::json::parse(output.substr(output.find('{')));
    } catch (const std::exception&) {
        std::cout << "  scikit-learn peer failed (is python3-sklearn installed?): " << output << "\n";
        std::printf("  neurino       %8.2f s   KL %.4f\n", ourSeconds, ours.klDivergence);
        return 1;
    }
    std::vector<double> peerEmbedding(static_cast<std::size_t>(2 * n));
    std::ifstream(peerPath, std::ios::binary)
        .read(reinterpret_cast<char*>(peerEmbedding.data()),
            static_cast<std::streamsize>(2 * n * sizeof(double)));
    // Both embeddings judged by the same exact KL(P || Q), P built once.
    const TsneAffinities p = tsneAffinities(x, perplexity);
    const double peerKl
        = tsneKlDivergence(p, torch::from_blob(peerEmbedding.data(), { n, 2 }, torch::kDouble));
    const double peerSeconds = peer["seconds"].get<double>();

    std::printf("  %-14s %9s %14s %16s\n", "", "seconds", "KL (exact)", "KL (reported)");
    std::printf("  %-14s %9.2f %14.4f %16.4f\n", "neurino", ourSeconds, ours.klDivergence, ours.klDivergence);
    std::printf("  %-14s %9.2f %14.4f %16.4f\n", "scikit-learn", peerSeconds, peerKl,
        peer["kl_divergence"].get<double>());
    std::printf(
        "  speed ratio (scikit-learn time / neurino time): %.2f   KL ratio (neurino / scikit-learn): %.3f\n",
        peerSeconds / ourSeconds, ours.klDivergence / peerKl);
    std::filesystem::remove_all(dir);
    return 0;
}
