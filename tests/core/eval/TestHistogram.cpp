// Histograms: binning at the edges, weights and their errors, under/overflow, normalisation.
#include "core/eval/Histogram.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

class TestHistogram : public QObject {
    Q_OBJECT

private slots:
    void binsEdgesAndOverflow()
    {
        Histogram h(4, 0.0, 2.0);
        h.fill(torch::tensor({ -0.1, 0.0, 0.49, 0.5, 1.99, 2.0, 5.0 }));
        QCOMPARE(h.underflow(), 1.0);
        QCOMPARE(h.overflow(), 2.0);
        QCOMPARE(h.content(0), 2.0);
        QCOMPARE(h.content(1), 1.0);
        QCOMPARE(h.content(3), 1.0);
        QCOMPARE(h.entries(), std::int64_t(7));
        QCOMPARE(h.integral(), 4.0);
        QCOMPARE(h.binCenter(1), 0.75);
        QCOMPARE(h.findBin(2.0), 4);
    }

    void tensorFillEqualsScalarFill()
    {
        torch::manual_seed(1);
        const torch::Tensor v = torch::randn({ 1000 }, torch::kFloat64);
        const torch::Tensor w = torch::rand({ 1000 }, torch::kFloat64);
        Histogram a(17, -2.5, 2.5), b(17, -2.5, 2.5);
        a.fill(v, w);
        for (std::int64_t i = 0; i < 1000; ++i)
            b.fill(v[i].item<double>(), w[i].item<double>());
        for (int i = 0; i < 17; ++i) {
            QVERIFY(std::abs(a.content(i) - b.content(i)) < 1e-9);
            QVERIFY(std::abs(a.error(i) - b.error(i)) < 1e-9);
        }
        QVERIFY(std::abs(a.mean() - b.mean()) < 1e-12);
        QVERIFY(std::abs(a.stdDev() - b.stdDev()) < 1e-12);
    }

    void weightsErrorsAndNormalisation()
    {
        Histogram h(2, 0.0, 1.0);
        h.fill(0.1, 2.0);
        h.fill(0.2, 3.0);
        h.fill(0.9, 5.0);
        QCOMPARE(h.content(0), 5.0);
        QCOMPARE(h.error(0), std::sqrt(13.0));
        const Histogram unit = h.normalized();
        QCOMPARE(unit.integral(), 1.0);
        const Histogram density = h.normalized(/*density=*/true);
        QCOMPARE(density.content(0) * density.binWidth() + density.content(1) * density.binWidth(), 1.0);
    }

    void nanIsCountedNotBinned()
    {
        Histogram h(2, 0.0, 1.0);
        h.fill(torch::tensor({ 0.5, std::nan("") }));
        QCOMPARE(h.nanCount(), std::int64_t(1));
        QCOMPARE(h.integral(), 1.0);
    }

    void rangeFromValues()
    {
        const Histogram h = Histogram::ofValues(torch::tensor({ 1.0, 2.0, 3.0 }), 3);
        QCOMPARE(h.integral(), 3.0);
        QCOMPARE(h.overflow(), 0.0);
        const Histogram constant = Histogram::ofValues(torch::tensor({ 4.0, 4.0 }), 5);
        QCOMPARE(constant.integral(), 2.0);
    }

    void rejectsBadBinning()
    {
        QVERIFY_THROWS_EXCEPTION(DataError, Histogram(0, 0.0, 1.0));
        QVERIFY_THROWS_EXCEPTION(DataError, Histogram(3, 1.0, 1.0));
        Histogram a(3, 0.0, 1.0);
        QVERIFY_THROWS_EXCEPTION(DataError, a.add(Histogram(4, 0.0, 1.0)));
    }
};

NEURINO_TEST_MAIN(TestHistogram)
#include "TestHistogram.moc"
