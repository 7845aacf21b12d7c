#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace neurino {

// How t-SNE approximates the repulsive forces, the part that involves every pair of points.
enum class TsneMethod {
    Auto, // Barnes–Hut for small data, FFT from kTsneFftFromPoints points on, as openTSNE chooses
    BarnesHut, // a quadtree, O(N log N) per iteration; `theta` sets its accuracy
    Fft, // FIt-SNE's interpolation on a grid with FFT convolutions, O(N) per iteration
};

// How the input affinities find each point's nearest neighbours.
enum class TsneNeighbourSearch {
    Auto, // exact up to kTsneExactNeighboursUpTo points, approximate above
    Exact, // all pairwise distances, O(N^2)
    Approximate, // random-projection forest refined through neighbours of neighbours
};

// With Auto, the FFT method from this many points on, as openTSNE chooses: below it Barnes–Hut is nearly as
// fast (bench_tsne at 5,000 points on two cores: 16 s against 14 s) and reaches a lower KL divergence.
constexpr std::int64_t kTsneFftFromPoints = 10000;
// With Auto, exact neighbours up to this many points: above it the O(N^2) search dominates the run.
constexpr std::int64_t kTsneExactNeighboursUpTo = 10000;

// Settings of a t-SNE run; the defaults are scikit-learn's (1.2), so results compare.
struct TsneOptions {
    double perplexity = 30; // effective number of neighbours each point cares about
    int iterations = 1000; // gradient steps in all
    int explorationIterations = 250; // of which the first run with early exaggeration and momentum 0.5
    double earlyExaggeration = 12;
    double learningRate = 0; // 0: scikit-learn's "auto", max(N / exaggeration / 4, 50)
    double theta = 0.5; // Barnes–Hut accuracy: 0 is exact (slow), larger is coarser
    TsneMethod method = TsneMethod::Auto;
    TsneNeighbourSearch neighbours = TsneNeighbourSearch::Auto;
    std::uint64_t seed = 42; // ties in the initial layout are broken with it
    int threads = 0; // 0: every core
    int progressEvery = 50; // iterations between progress reports
};

struct TsneProgress {
    int iteration = 0;
    int iterations = 0;
    double klDivergence = 0; // estimate with this iteration's approximate normalisation
};

struct TsneResult {
    torch::Tensor embedding; // (N x 2) float32
    double klDivergence = 0; // KL(P || Q) of the final embedding (exact up to 20,000 points)
    TsneMethod method = TsneMethod::BarnesHut; // the one used, never Auto
    bool approximateNeighbours = false; // whether the affinities came from approximate neighbours
    int iterations = 0; // done, fewer when cancelled
    bool cancelled = false;
};

// The sparse joint probabilities P of t-SNE: k = 3 * perplexity nearest neighbours per point, Gaussian
// bandwidths found by bisection to match the perplexity, symmetrised and normalised to sum 1.
struct TsneAffinities {
    std::int64_t points = 0;
    std::vector<std::int64_t> rowStart; // CSR: neighbours of i are columns[rowStart[i] .. rowStart[i + 1])
    std::vector<std::int64_t> columns;
    std::vector<double> values;
};

// The method Auto stands for with `points` points (any other request is returned as it is).
TsneMethod resolveTsneMethod(TsneMethod requested, std::int64_t points);
TsneNeighbourSearch resolveNeighbourSearch(TsneNeighbourSearch requested, std::int64_t points);
// "auto", "barnes_hut" or "fft", as neurino-batch and the run settings spell them.
const char* tsneMethodName(TsneMethod method);

// `seed` drives the approximate neighbour search.
TsneAffinities tsneAffinities(const torch::Tensor& data, double perplexity, int threads = 0,
    TsneNeighbourSearch search = TsneNeighbourSearch::Auto, std::uint64_t seed = 42);

// KL(P || Q) of a 2-D embedding, with Q's normalisation summed exactly (O(N^2), threaded).
double tsneKlDivergence(const TsneAffinities& p, const torch::Tensor& embedding, int threads = 0);

// Embeds the rows of `data` (N x D; images are flattened) in 2-D with t-SNE, by Barnes–Hut or FFT-accelerated
// repulsion as options.method says.
// `progress` is called every options.progressEvery iterations; returning false cancels the run, which then
// returns the embedding so far. Throws DataError for too few points or a perplexity too large for them.
TsneResult runTsne(const torch::Tensor& data, const TsneOptions& options = {},
    const std::function<bool(const TsneProgress&)>& progress = {});

} // namespace neurino
