#include "core/analysis/Tsne.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cmath>

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
