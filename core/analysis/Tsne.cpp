#include "core/analysis/Tsne.h"

#include "core/analysis/Pca.h"
#include "core/analysis/QuadTree.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

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

int threadCount(int requested)
{
    if (requested > 0)
        return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

// Runs body(begin, end) over [0, n) split across threads.
template <typename Body> void parallelFor(std::int64_t n, int threads, Body body)
{
    const int t = static_cast<int>(std::min<std::int64_t>(threads, std::max<std::int64_t>(n / 64, 1)));
    if (t <= 1) {
        body(std::int64_t(0), n);
        return;
    }
    std::vector<std::thread> workers;
    for (int k = 0; k < t; ++k) {
        const std::int64_t begin = n * k / t, end = n * (k + 1) / t;
        workers.emplace_back([=] { body(begin, end); });
    }
    for (auto& w : workers)
        w.join();
}

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

// Each row's k nearest neighbours: squared distances (n, k) and indices (n, k), exact, from squared
// distances computed a block of rows at a time (BLAS does the work).
std::pair<torch::Tensor, torch::Tensor> tsneNeighbours(const torch::Tensor& x, std::int64_t k)
{
    const std::int64_t n = x.size(0);
    const torch::Tensor norms = x.pow(2).sum(1);
    torch::Tensor nnDist = torch::empty({ n, k }, torch::kFloat);
    torch::Tensor nnIndex = torch::empty({ n, k }, torch::kLong);
    const std::int64_t block = std::max<std::int64_t>(1, (1 << 24) / n);
    for (std::int64_t a = 0; a < n; a += block) {
        const std::int64_t b = std::min(n, a + block);
        torch::Tensor d2
            = norms.slice(0, a, b).unsqueeze(1) + norms.unsqueeze(0) - 2 * x.slice(0, a, b).mm(x.t());
        d2.clamp_min_(0);
        d2.index_put_({ torch::arange(b - a), torch::arange(a, b) }, std::numeric_limits<float>::infinity());
        auto [values, indices] = d2.topk(k, 1, /*largest=*/false, /*sorted=*/true);
        nnDist.slice(0, a, b).copy_(values);
        nnIndex.slice(0, a, b).copy_(indices);
    }
    return { nnDist, nnIndex };
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

// The gradient descent's state: the positions (x0, y0, x1, ...), their last update and gains, the forces,
// and each thread's share of Q's normalisation and tree stack.
struct TsneDescent {
    TsneDescent(const torch::Tensor& start, std::int64_t points, int threadCount)
        : n(points)
        , threads(threadCount)
        , y(start.data_ptr<double>(), start.data_ptr<double>() + 2 * points)
        , update(2 * points, 0.0)
        , gains(2 * points, 1.0)
        , grad(2 * points, 0.0)
        , sumQ(static_cast<std::size_t>(threadCount))
        , stacks(static_cast<std::size_t>(threadCount))
        , repulsion(2 * points)
    {
    }
    std::int64_t n;
    int threads;
    std::vector<double> y, update, gains, grad, sumQ;
    QuadTree tree;
    std::vector<std::vector<int>> stacks;
    std::vector<double> repulsion;
};

// The attraction (times `exaggeration`) and Barnes-Hut repulsion on every point; returns Q's normalisation.
double tsneForces(TsneDescent& d, const TsneAffinities& p, double theta, double exaggeration)
{
    d.tree.build(d.y);
    std::fill(d.sumQ.begin(), d.sumQ.end(), 0.0);
    const int t = d.threads;
    const std::int64_t n = d.n;
    auto forces = [&](std::int64_t begin, std::int64_t end) {
        const std::size_t slot = static_cast<std::size_t>(begin * t / n);
        double q = 0;
        for (std::int64_t i = begin; i < end; ++i) {
            double fx = 0, fy = 0;
            q += d.tree.repulsion(d.y[2 * i], d.y[2 * i + 1], theta, fx, fy, d.stacks[slot]);
            d.repulsion[2 * i] = fx;
            d.repulsion[2 * i + 1] = fy;
            double ax = 0, ay = 0;
            for (std::int64_t m = p.rowStart[i]; m < p.rowStart[i + 1]; ++m) {
                const std::int64_t j = p.columns[m];
                const double dx = d.y[2 * i] - d.y[2 * j], dy = d.y[2 * i + 1] - d.y[2 * j + 1];
                const double w = p.values[m] / (1.0 + dx * dx + dy * dy);
                ax += w * dx;
                ay += w * dy;
            }
            d.grad[2 * i] = exaggeration * ax;
            d.grad[2 * i + 1] = exaggeration * ay;
        }
        d.sumQ[slot] += q;
    };
    parallelFor(n, t, forces);
    double z = 0;
    for (double s : d.sumQ)
        z += s;
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

TsneAffinities tsneAffinities(const torch::Tensor& data, double perplexity, int threads)
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

    const auto [nnDist, nnIndex] = tsneNeighbours(x, k);
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
    const TsneAffinities p = tsneAffinities(data, options.perplexity, threads);
    const std::int64_t n = p.points;
    const double learningRate
        = options.learningRate > 0 ? options.learningRate : std::max(n / options.earlyExaggeration / 4, 50.0);

    TsneDescent d(tsneStart(data, n, options.seed), n, threads);

    TsneResult result;
    double lastZ = 1;
    for (int it = 0; it < options.iterations; ++it) {
        const bool exploring = it < options.explorationIterations;
        const double exaggeration = exploring ? options.earlyExaggeration : 1.0;
        const double momentum = exploring ? kExplorationMomentum : kFinalMomentum;
        const bool report = progress
            && ((it + 1) % std::max(options.progressEvery, 1) == 0 || it + 1 == options.iterations);
        const double z = tsneForces(d, p, options.theta, exaggeration);
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
    result.klDivergence
        = n <= kExactKlLimit ? tsneKlDivergence(p, embedding, threads) : klWithNormalisation(p, d.y, lastZ);
    return result;
}

} // namespace neurino
