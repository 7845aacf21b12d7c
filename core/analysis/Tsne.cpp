#include "core/analysis/Tsne.h"

#include "core/analysis/FftRepulsion.h"
#include "core/analysis/Pca.h"
#include "core/analysis/QuadTree.h"
#include "core/analysis/TsneNeighbours.h"
#include "core/analysis/TsneParallel.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace neurino {

namespace {

// Smallest probability used in logarithms, as scikit-learn's MACHINE_EPSILON.
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
// Up to this many points the final KL divergence is computed exactly.
constexpr std::int64_t kExactKlLimit = 20000;
// scikit-learn's gradient-descent constants.
constexpr double kMinGain = 0.01;
constexpr double kFinalMomentum = 0.8;
constexpr double kExplorationMomentum = 0.5;

using tsne::parallelFor;
using tsne::threadCount;

// Gaussian conditional probabilities of one point over its neighbours, matching the perplexity.
void conditionalRow(const float* distances, std::int64_t k, double perplexity, double* out)
{
    const double desiredEntropy = std::log(perplexity);
    double beta = 1, betaMin = -std::numeric_limits<double>::infinity();
    double betaMax = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 100; ++step) {
        double sum = 0;
        for (std::int64_t j = 0; j < k; ++j) {
            out[j] = std::exp(-distances[j] * beta);
            sum += out[j];
        }
        if (sum == 0)
            sum = kEpsilon;
        double weighted = 0;
        for (std::int64_t j = 0; j < k; ++j) {
            out[j] /= sum;
            weighted += distances[j] * out[j];
        }
        const double entropy = std::log(sum) + beta * weighted;
        const double diff = entropy - desiredEntropy;
        if (std::abs(diff) <= 1e-5)
            break;
        if (diff > 0) {
            betaMin = beta;
            beta = std::isinf(betaMax) ? beta * 2 : (beta + betaMax) / 2;
        } else {
            betaMax = beta;
            beta = std::isinf(betaMin) ? beta / 2 : (beta + betaMin) / 2;
        }
    }
}

// KL(P || Q) for 2-D positions `y` (x0, y0, x1, ...) given Q's normalisation z = sum over pairs of q.
double klWithNormalisation(const TsneAffinities& p, const double* y, double z)
{
    double kl = 0;
    for (std::int64_t i = 0; i < p.points; ++i) {
        for (std::int64_t m = p.rowStart[i]; m < p.rowStart[i + 1]; ++m) {
            const std::int64_t j = p.columns[m];
            const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
            kl += p.values[m] * std::log(std::max(p.values[m], kEpsilon) / std::max(q, kEpsilon));
        }
    }
    return kl;
}

double klWithNormalisation(const TsneAffinities& p, const std::vector<double>& y, double z)
{
    return klWithNormalisation(p, y.data(), z);
}

torch::Tensor flatRows(const torch::Tensor& data)
{
    torch::Tensor x = data.to(torch::kCPU, torch::kFloat);
    return (x.dim() == 1 ? x.unsqueeze(1) : x.flatten(1)).contiguous();
}

// P = (P_cond + P_cond^T) / sum, kept sparse, from the conditional probabilities of each row's k neighbours.
TsneAffinities tsneSymmetrise(
    const torch::Tensor& nnIndex, const std::vector<double>& conditional, std::int64_t n, std::int64_t k)
{
    const std::int64_t* idx = nnIndex.data_ptr<std::int64_t>();
    std::vector<std::vector<std::pair<std::int64_t, double>>> rows(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t m = 0; m < k; ++m) {
            const std::int64_t j = idx[i * k + m];
            const double v = conditional[i * k + m];
            rows[i].push_back({ j, v });
            rows[j].push_back({ i, v });
        }
    }
    TsneAffinities p;
    p.points = n;
    p.rowStart.reserve(n + 1);
    p.rowStart.push_back(0);
    double total = 0;
    for (auto& row : rows) {
        std::sort(row.begin(), row.end());
        for (std::size_t m = 0; m < row.size(); ++m) {
            if (m > 0 && row[m].first == row[m - 1].first) {
                p.values.back() += row[m].second;
            } else {
                p.columns.push_back(row[m].first);
                p.values.push_back(row[m].second);
            }
            total += row[m].second;
        }
        p.rowStart.push_back(static_cast<std::int64_t>(p.columns.size()));
        row.clear();
        row.shrink_to_fit();
    }
    for (double& v : p.values)
        v = v / std::max(total, kEpsilon);
    return p;
}

// scikit-learn's "pca" start: the first two principal components, scaled to a tiny spread (a column of
// seeded noise beside one-feature data).
torch::Tensor tsneStart(const torch::Tensor& data, std::int64_t n, std::uint64_t seed)
{
    torch::Tensor start;
    torch::Tensor x = flatRows(data);
    if (x.size(1) >= 2) {
        start = Pca(x, 2).transform(x).to(torch::kDouble);
    } else {
        torch::Generator gen = at::detail::createCPUGenerator(seed);
        start = torch::cat({ x.to(torch::kDouble), torch::randn({ n, 1 }, gen, torch::kDouble) }, 1);
    }
    const double sd = start.select(1, 0).std().item<double>();
    return start / (sd > 0 ? sd : 1.0) * 1e-4;
}

// One neighbour of a point in P, packed into 8 bytes: the attraction streams every pair of P each
// iteration (about 130 per point at perplexity 30), and at P's 16 bytes per pair (int64 column, double
// value) that stream, not the arithmetic, set its pace (a quarter of a 5,000-point FFT run).
struct TsneEdge {
    std::uint32_t column;
    float value;
};

// The gradient descent's state: the positions (x0, y0, x1, ...), their last update and gains, the forces,
// P's pairs packed for the attraction, each thread's share of Q's normalisation and tree stack, and the FFT
// method's grid.
struct TsneDescent {
    TsneDescent(
        const torch::Tensor& start, const TsneAffinities& p, int threadCount, TsneMethod repulsionMethod)
        : n(p.points)
        , threads(threadCount)
        , method(repulsionMethod)
        , y(start.data_ptr<double>(), start.data_ptr<double>() + 2 * p.points)
        , update(2 * p.points, 0.0)
        , gains(2 * p.points, 1.0)
        , grad(2 * p.points, 0.0)
        , sumQ(static_cast<std::size_t>(threadCount))
        , stacks(static_cast<std::size_t>(threadCount))
        , repulsion(2 * p.points)
        , rowStart(p.rowStart)
    {
        edges.reserve(p.columns.size());
        for (std::size_t m = 0; m < p.columns.size(); ++m)
            edges.push_back({ static_cast<std::uint32_t>(p.columns[m]), static_cast<float>(p.values[m]) });
    }
    std::int64_t n;
    int threads;
    TsneMethod method;
    std::vector<double> y, update, gains, grad, sumQ;
    QuadTree tree;
    std::vector<std::vector<int>> stacks;
    std::vector<double> repulsion;
    FftRepulsion fft;
    std::vector<std::int64_t> rowStart;
    std::vector<TsneEdge> edges;
};

// The pull of one neighbour on the point at (xi, yi), added to (ax, ay).
inline void addPull(const TsneEdge& e, const double* y, double xi, double yi, double& ax, double& ay)
{
    const double dx = xi - y[2 * e.column], dy = yi - y[2 * e.column + 1];
    const double w = e.value / (1.0 + dx * dx + dy * dy);
    ax += w * dx;
    ay += w * dy;
}

// The attraction on points [begin, end), times `exaggeration`, into d.grad. Two sums per axis, over even
// and odd pairs, so that consecutive pairs do not wait on each other's addition.
void tsneAttraction(TsneDescent& d, double exaggeration, std::int64_t begin, std::int64_t end)
{
    const double* y = d.y.data();
    const TsneEdge* edges = d.edges.data();
    for (std::int64_t i = begin; i < end; ++i) {
        const double xi = y[2 * i], yi = y[2 * i + 1];
        double ax[2] = { 0, 0 }, ay[2] = { 0, 0 };
        const std::int64_t last = d.rowStart[i + 1];
        std::int64_t m = d.rowStart[i];
        for (; m + 1 < last; m += 2) {
            addPull(edges[m], y, xi, yi, ax[0], ay[0]);
            addPull(edges[m + 1], y, xi, yi, ax[1], ay[1]);
        }
        if (m < last)
            addPull(edges[m], y, xi, yi, ax[0], ay[0]);
        d.grad[2 * i] = exaggeration * (ax[0] + ax[1]);
        d.grad[2 * i + 1] = exaggeration * (ay[0] + ay[1]);
    }
}

// The attraction and the Barnes-Hut repulsion on every point, in one pass over threads; returns Q's
// normalisation.
double barnesHutForces(TsneDescent& d, double theta, double exaggeration)
{
    d.tree.build(d.y);
    std::fill(d.sumQ.begin(), d.sumQ.end(), 0.0);
    const int t = d.threads;
    const std::int64_t n = d.n;
    parallelFor(n, t, [&](std::int64_t begin, std::int64_t end) {
        const std::size_t slot = static_cast<std::size_t>(begin * t / n);
        double q = 0;
        for (std::int64_t i = begin; i < end; ++i) {
            double fx = 0, fy = 0;
            q += d.tree.repulsion(d.y[2 * i], d.y[2 * i + 1], theta, fx, fy, d.stacks[slot]);
            d.repulsion[2 * i] = fx;
            d.repulsion[2 * i + 1] = fy;
        }
        tsneAttraction(d, exaggeration, begin, end);
        d.sumQ[slot] += q;
    });
    double z = 0;
    for (double s : d.sumQ)
        z += s;
    return z;
}

// The attraction (times `exaggeration`) and repulsion on every point; returns Q's normalisation. With the
// FFT, the attraction runs beside the forward transforms, half on each of their threads, so that an
// iteration waits on as few thread hand-overs as possible (each costs a scheduler slice on a busy machine).
double tsneForces(TsneDescent& d, double theta, double exaggeration)
{
    if (d.method != TsneMethod::Fft)
        return std::max(barnesHutForces(d, theta, exaggeration), kEpsilon);
    const double z = d.fft.compute(d.y, d.repulsion, d.threads, [&](int part, int parts) {
        tsneAttraction(d, exaggeration, d.n * part / parts, d.n * (part + 1) / parts);
    });
    return std::max(z, kEpsilon);
}

// One step of gradient descent with momentum and scikit-learn's adaptive gains.
void tsneStep(TsneDescent& d, double z, double momentum, double learningRate)
{
    for (std::int64_t c = 0; c < 2 * d.n; ++c) {
        const double g = 4.0 * (d.grad[c] - d.repulsion[c] / z);
        const bool sameDirection = d.update[c] * g < 0.0;
        d.gains[c] = std::max(sameDirection ? d.gains[c] + 0.2 : d.gains[c] * 0.8, kMinGain);
        d.update[c] = momentum * d.update[c] - learningRate * d.gains[c] * g;
        d.y[c] += d.update[c];
    }
}

} // namespace

TsneMethod resolveTsneMethod(TsneMethod requested, std::int64_t points)
{
    if (requested != TsneMethod::Auto)
        return requested;
    return points >= kTsneFftFromPoints ? TsneMethod::Fft : TsneMethod::BarnesHut;
}

TsneNeighbourSearch resolveNeighbourSearch(TsneNeighbourSearch requested, std::int64_t points)
{
    if (requested != TsneNeighbourSearch::Auto)
        return requested;
    return points > kTsneExactNeighboursUpTo ? TsneNeighbourSearch::Approximate : TsneNeighbourSearch::Exact;
}

const char* tsneMethodName(TsneMethod method)
{
    switch (method) {
    case TsneMethod::BarnesHut:
        return "barnes_hut";
    case TsneMethod::Fft:
        return "fft";
    case TsneMethod::Auto:
        break;
    }
    return "auto";
}

TsneAffinities tsneAffinities(
    const torch::Tensor& data, double perplexity, int threads, TsneNeighbourSearch search, std::uint64_t seed)
{
    const torch::Tensor x = flatRows(data);
    const std::int64_t n = x.size(0);
    if (n < 4)
        throw DataError("t-SNE needs at least 4 samples, got " + std::to_string(n));
    if (perplexity <= 0 || 3 * perplexity >= n)
        throw DataError("t-SNE perplexity " + std::to_string(perplexity) + " is too large for "
            + std::to_string(n) + " samples: use less than " + std::to_string(n / 3));
    const std::int64_t k = std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(3 * perplexity + 1));
    const int t = threadCount(threads);

    const auto [nnDist, nnIndex] = resolveNeighbourSearch(search, n) == TsneNeighbourSearch::Approximate
        ? approximateNeighbours(x, k, seed, t)
        : exactNeighbours(x, k, t);
    std::vector<double> conditional(static_cast<std::size_t>(n * k));
    const float* dist = nnDist.data_ptr<float>();
    parallelFor(n, t, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
            conditionalRow(dist + i * k, k, perplexity, conditional.data() + i * k);
    });
    return tsneSymmetrise(nnIndex, conditional, n, k);
}

double tsneKlDivergence(const TsneAffinities& p, const torch::Tensor& embedding, int threads)
{
    const torch::Tensor y = embedding.to(torch::kCPU, torch::kDouble).contiguous();
    const std::int64_t n = y.size(0);
    const double* pos = y.data_ptr<double>();
    std::vector<double> partial(static_cast<std::size_t>(threadCount(threads)), 0.0);
    const int t = static_cast<int>(partial.size());
    parallelFor(n, t, [&](std::int64_t begin, std::int64_t end) {
        double sum = 0;
        for (std::int64_t i = begin; i < end; ++i) {
            for (std::int64_t j = 0; j < n; ++j) {
                if (j == i)
                    continue;
                const double dx = pos[2 * i] - pos[2 * j], dy = pos[2 * i + 1] - pos[2 * j + 1];
                sum += 1.0 / (1.0 + dx * dx + dy * dy);
            }
        }
        partial[static_cast<std::size_t>(begin * t / std::max<std::int64_t>(n, 1))] += sum;
    });
    double z = 0;
    for (double s : partial)
        z += s;
    return klWithNormalisation(p, pos, z);
}

TsneResult runTsne(const torch::Tensor& data, const TsneOptions& options,
    const std::function<bool(const TsneProgress&)>& progress)
{
    const int threads = threadCount(options.threads);
    const std::int64_t rows = data.dim() == 0 ? 0 : data.size(0);
    TsneResult result;
    result.method = resolveTsneMethod(options.method, rows);
    result.approximateNeighbours
        = resolveNeighbourSearch(options.neighbours, rows) == TsneNeighbourSearch::Approximate;
    const TsneAffinities p
        = tsneAffinities(data, options.perplexity, threads, options.neighbours, options.seed);
    const std::int64_t n = p.points;
    const double learningRate
        = options.learningRate > 0 ? options.learningRate : std::max(n / options.earlyExaggeration / 4, 50.0);

    TsneDescent d(tsneStart(data, n, options.seed), p, threads, result.method);
    double lastZ = 1;
    for (int it = 0; it < options.iterations; ++it) {
        const bool exploring = it < options.explorationIterations;
        const double exaggeration = exploring ? options.earlyExaggeration : 1.0;
        const double momentum = exploring ? kExplorationMomentum : kFinalMomentum;
        const bool report = progress
            && ((it + 1) % std::max(options.progressEvery, 1) == 0 || it + 1 == options.iterations);
        const double z = tsneForces(d, options.theta, exaggeration);
        tsneStep(d, z, momentum, learningRate);
        result.iterations = it + 1;
        lastZ = z;
        if (report && !progress({ it + 1, options.iterations, klWithNormalisation(p, d.y, z) })) {
            result.cancelled = true;
            break;
        }
    }

    torch::Tensor embedding = torch::from_blob(d.y.data(), { n, 2 }, torch::kDouble).clone();
    result.embedding = embedding.to(torch::kFloat);
    if (n <= kExactKlLimit) {
        result.klDivergence = tsneKlDivergence(p, embedding, threads);
    } else {
        // Beyond the exact limit, the FFT gives Q's normalisation at the final positions for one more step's
        // cost; Barnes-Hut's last one, a step old, is close enough.
        std::vector<double> scratch;
        const double z = d.method == TsneMethod::Fft ? d.fft.compute(d.y, scratch, threads) : lastZ;
        result.klDivergence = klWithNormalisation(p, d.y, std::max(z, kEpsilon));
    }
    return result;
}

} // namespace neurino
