#include "core/analysis/FftRepulsion.h"
#include "core/analysis/Tsne.h"
#include "core/analysis/TsneNeighbours.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cmath>
#include <set>

using namespace neurino;

namespace {

// `clusters` Gaussian blobs in `dims` dimensions, centres far apart; labels in `labels`.
torch::Tensor blobs(int clusters, int perCluster, int dims, torch::Tensor& labels)
{
    torch::manual_seed(3);
    const torch::Tensor centres = torch::randn({ clusters, dims }) * 10;
    labels = torch::arange(clusters).repeat_interleave(perCluster);
    return centres.index_select(0, labels) + torch::randn({ clusters * perCluster, dims });
}

// Fraction of points whose nearest neighbour in the embedding has the same label.
double neighbourAgreement(const torch::Tensor& embedding, const torch::Tensor& labels)
{
    torch::Tensor d = torch::cdist(embedding, embedding);
    d.fill_diagonal_(std::numeric_limits<float>::infinity());
    const torch::Tensor nearest = d.argmin(1);
    return labels.index_select(0, nearest).eq(labels).to(torch::kDouble).mean().item<double>();
}

// Exact repulsion, O(N^2): forces (N x 2) = sum_j q_ij^2 (y_i - y_j) and Z = sum_{i != j} q_ij.
std::pair<torch::Tensor, double> exactRepulsion(const torch::Tensor& y)
{
    const torch::Tensor diff = y.unsqueeze(1) - y.unsqueeze(0);
    torch::Tensor q = 1.0 / (1.0 + diff.pow(2).sum(2));
    q.fill_diagonal_(0);
    return { (q.pow(2).unsqueeze(2) * diff).sum(1), q.sum().item<double>() };
}

// Relative error of the FFT repulsion on the 2-D points `y` (N x 2, double): of the forces (as one vector)
// and of Z.
std::pair<double, double> fftRepulsionError(const torch::Tensor& y)
{
    std::vector<double> flat(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
    std::vector<double> forces;
    FftRepulsion fft;
    const double z = fft.compute(flat, forces, 2);
    const auto [exactForces, exactZ] = exactRepulsion(y);
    const torch::Tensor ours = torch::from_blob(forces.data(), { y.size(0), 2 }, torch::kDouble);
    return { ((ours - exactForces).norm() / exactForces.norm()).item<double>(),
        std::abs(z - exactZ) / exactZ };
}

// Fraction of the exact k nearest neighbours that the approximate search found.
double recall(const TsneNeighbourLists& approximate, const TsneNeighbourLists& exact)
{
    const std::int64_t n = exact.indices.size(0), k = exact.indices.size(1);
    const auto a = approximate.indices.accessor<std::int64_t, 2>();
    const auto e = exact.indices.accessor<std::int64_t, 2>();
    std::int64_t hits = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        std::set<std::int64_t> found;
        for (std::int64_t m = 0; m < k; ++m)
            found.insert(a[i][m]);
        for (std::int64_t m = 0; m < k; ++m)
            hits += found.count(e[i][m]) ? 1 : 0;
    }
    return static_cast<double>(hits) / static_cast<double>(n * k);
}

} // namespace

class TestTsne : public QObject {
    Q_OBJECT

private slots:
    void affinitiesMatchThePerplexity()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(3, 100, 10, labels);
        const TsneAffinities p = tsneAffinities(x, 10.0);
        double total = 0;
        for (double v : p.values)
            total += v;
        QVERIFY(std::abs(total - 1.0) < 1e-9);
        // Symmetric: p_ij == p_ji.
        for (std::int64_t i = 0; i < 20; ++i) {
            for (std::int64_t m = p.rowStart[i]; m < p.rowStart[i + 1]; ++m) {
                const std::int64_t j = p.columns[m];
                const auto begin = p.columns.begin() + p.rowStart[j],
                           end = p.columns.begin() + p.rowStart[j + 1];
                const auto it = std::lower_bound(begin, end, i);
                QVERIFY(it != end && *it == i);
                QVERIFY(std::abs(p.values[it - p.columns.begin()] - p.values[m]) < 1e-15);
            }
        }
    }

    void separatesClusters()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(4, 150, 20, labels);
        TsneOptions options;
        options.perplexity = 20;
        options.iterations = 500;
        std::vector<double> kls;
        const TsneResult r = runTsne(x, options, [&](const TsneProgress& p) {
            kls.push_back(p.klDivergence);
            return true;
        });
        QCOMPARE(r.embedding.sizes().vec(), (std::vector<std::int64_t> { 600, 2 }));
        QCOMPARE(r.iterations, 500);
        QVERIFY(!r.cancelled);
        QCOMPARE(kls.size(), std::size_t(10));
        QVERIFY2(neighbourAgreement(r.embedding, labels) > 0.99,
            std::to_string(neighbourAgreement(r.embedding, labels)).c_str());
        QVERIFY2(kls.back() < kls[5], "KL divergence must fall after the exploration phase");
        QVERIFY(r.klDivergence > 0 && r.klDivergence < 2.0);
        // Far better than a random layout of the same points.
        const TsneAffinities p = tsneAffinities(x, 20);
        QVERIFY(tsneKlDivergence(p, torch::randn({ 600, 2 })) > 2 * r.klDivergence);
    }

    void sameSeedSameEmbedding()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(2, 60, 5, labels);
        TsneOptions options;
        options.perplexity = 10;
        options.iterations = 120;
        options.threads = 1;
        const TsneResult a = runTsne(x, options);
        const TsneResult b = runTsne(x, options);
        QVERIFY(torch::equal(a.embedding, b.embedding));
        options.threads = 2;
        const TsneResult c = runTsne(x, options);
        QVERIFY(torch::allclose(a.embedding, c.embedding, 1e-4, 1e-5));
    }

    void canBeCancelled()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(2, 60, 5, labels);
        TsneOptions options;
        options.perplexity = 10;
        options.progressEvery = 10;
        int calls = 0;
        const TsneResult r = runTsne(x, options, [&](const TsneProgress&) { return ++calls < 3; });
        QVERIFY(r.cancelled);
        QCOMPARE(r.iterations, 30);
        QCOMPARE(r.embedding.size(0), std::int64_t(120));
    }

    void fftRepulsionMatchesExactForces()
    {
        // With FIt-SNE's settings (three interpolation nodes per box, boxes at most one unit wide) the
        // interpolation error is about 2 % of the forces and 0.2 % of Z where clusters spread over tens of
        // units, as in the final phase, and far less where the points lie within a few units.
        torch::manual_seed(5);
        const torch::Tensor centres = torch::randn({ 5, 2 }, torch::kDouble) * 15;
        const torch::Tensor spread
            = centres.repeat_interleave(80, 0) + torch::randn({ 400, 2 }, torch::kDouble) * 2;
        const auto [forceError, zError] = fftRepulsionError(spread);
        QVERIFY2(forceError < 0.04, std::to_string(forceError).c_str());
        QVERIFY2(zError < 0.004, std::to_string(zError).c_str());
        const auto [tightForceError, tightZError]
            = fftRepulsionError(torch::randn({ 300, 2 }, torch::kDouble));
        QVERIFY2(tightForceError < 1e-3, std::to_string(tightForceError).c_str());
        QVERIFY2(tightZError < 1e-4, std::to_string(tightZError).c_str());
    }

    void approximateNeighboursFindTheExactOnes()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(8, 250, 20, labels);
        const TsneNeighbourLists exact = exactNeighbours(x, 30);
        const TsneNeighbourLists approximate = approximateNeighbours(x, 30, /*seed=*/7, /*threads=*/2);
        QCOMPARE(approximate.indices.sizes().vec(), (std::vector<std::int64_t> { 2000, 30 }));
        const double r = recall(approximate, exact);
        QVERIFY2(r >= 0.9, std::to_string(r).c_str());
        // Each list holds distinct other rows, nearest first, with their true distances.
        const auto index = approximate.indices.accessor<std::int64_t, 2>();
        const auto dist = approximate.distances.accessor<float, 2>();
        for (std::int64_t i = 0; i < 2000; i += 97) {
            std::set<std::int64_t> seen;
            for (std::int64_t m = 0; m < 30; ++m) {
                QVERIFY(index[i][m] != i && seen.insert(index[i][m]).second);
                QVERIFY(m == 0 || dist[i][m - 1] <= dist[i][m]);
                const float truth = (x[i] - x[index[i][m]]).pow(2).sum().item<float>();
                QVERIFY(std::abs(dist[i][m] - truth) <= 1e-4f * std::max(truth, 1.0f));
            }
        }
        // The same seed gives the same lists, whatever the thread count.
        QVERIFY(torch::equal(approximateNeighbours(x, 30, 7, 1).indices, approximate.indices));
    }

    void fftMethodSeparatesClustersLikeBarnesHut()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(4, 150, 20, labels);
        TsneOptions options;
        options.perplexity = 20;
        options.iterations = 500;
        options.method = TsneMethod::Fft;
        const TsneResult fft = runTsne(x, options);
        QCOMPARE(int(fft.method), int(TsneMethod::Fft));
        QVERIFY2(neighbourAgreement(fft.embedding, labels) > 0.99,
            std::to_string(neighbourAgreement(fft.embedding, labels)).c_str());
        options.method = TsneMethod::BarnesHut;
        const TsneResult bh = runTsne(x, options);
        QCOMPARE(int(bh.method), int(TsneMethod::BarnesHut));
        QVERIFY2(std::abs(fft.klDivergence - bh.klDivergence) < 0.05 * bh.klDivergence,
            (std::to_string(fft.klDivergence) + " against " + std::to_string(bh.klDivergence)).c_str());
    }

    void fftMethodWithApproximateNeighbours()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(5, 120, 10, labels);
        TsneOptions options;
        options.perplexity = 15;
        options.iterations = 400;
        options.method = TsneMethod::Fft;
        options.neighbours = TsneNeighbourSearch::Approximate;
        const TsneResult r = runTsne(x, options);
        QVERIFY(r.approximateNeighbours);
        QVERIFY2(neighbourAgreement(r.embedding, labels) > 0.99,
            std::to_string(neighbourAgreement(r.embedding, labels)).c_str());
        const TsneAffinities p = tsneAffinities(x, 15, 0, TsneNeighbourSearch::Approximate);
        double total = 0;
        for (double v : p.values)
            total += v;
        QVERIFY(std::abs(total - 1.0) < 1e-9);
    }

    void fftMethodCanBeCancelled()
    {
        torch::Tensor labels;
        const torch::Tensor x = blobs(2, 60, 5, labels);
        TsneOptions options;
        options.perplexity = 10;
        options.progressEvery = 10;
        options.method = TsneMethod::Fft;
        int calls = 0;
        const TsneResult r = runTsne(x, options, [&](const TsneProgress&) { return ++calls < 3; });
        QVERIFY(r.cancelled);
        QCOMPARE(r.iterations, 30);
        QCOMPARE(int(r.method), int(TsneMethod::Fft));
        QCOMPARE(r.embedding.size(0), std::int64_t(120));
        QVERIFY(torch::isfinite(r.embedding).all().item<bool>());
    }

    void autoChoosesByTheNumberOfPoints()
    {
        QCOMPARE(int(resolveTsneMethod(TsneMethod::Auto, 1000)), int(TsneMethod::BarnesHut));
        QCOMPARE(int(resolveTsneMethod(TsneMethod::Auto, 70000)), int(TsneMethod::Fft));
        QCOMPARE(int(resolveTsneMethod(TsneMethod::BarnesHut, 70000)), int(TsneMethod::BarnesHut));
        QCOMPARE(
            int(resolveNeighbourSearch(TsneNeighbourSearch::Auto, 1000)), int(TsneNeighbourSearch::Exact));
        QCOMPARE(int(resolveNeighbourSearch(TsneNeighbourSearch::Auto, 70000)),
            int(TsneNeighbourSearch::Approximate));
        QCOMPARE(std::string(tsneMethodName(TsneMethod::Fft)), std::string("fft"));
        torch::Tensor labels;
        const torch::Tensor x = blobs(2, 60, 5, labels);
        TsneOptions options;
        options.perplexity = 10;
        options.iterations = 10;
        const TsneResult r = runTsne(x, options);
        QCOMPARE(int(r.method), int(TsneMethod::BarnesHut));
        QVERIFY(!r.approximateNeighbours);
    }

    void refusesTooFewPoints()
    {
        QVERIFY_THROWS_EXCEPTION(DataError, runTsne(torch::rand({ 3, 4 })));
        try {
            runTsne(torch::rand({ 50, 4 }));
            QFAIL("perplexity 30 needs more than 90 points");
        } catch (const DataError& e) {
            QVERIFY(std::string(e.what()).find("too large for 50 samples") != std::string::npos);
        }
    }
};

NEURINO_TEST_MAIN(TestTsne)
#include "TestTsne.moc"
