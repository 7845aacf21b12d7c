// KS and chi2 tests against scipy's numbers on stored samples (tests/tools/make_eval_reference.py).
#include "core/eval/Histogram.h"
#include "core/eval/StatisticalTests.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"
#include "tests/core/eval/EvalReference.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace neurino;
using nlohmann::json;

class TestStatisticalTests : public QObject {
    Q_OBJECT

private slots:
    void ksMatchesScipy_data()
    {
        QTest::addColumn<int>("index");
        const json ref = test::evalReference();
        for (std::size_t i = 0; i < ref["ks"].size(); ++i)
            QTest::newRow(ref["ks"][i]["name"].get<std::string>().c_str()) << int(i);
    }

    void ksMatchesScipy()
    {
        QFETCH(int, index);
        const json c = test::evalReference()["ks"][static_cast<std::size_t>(index)];
        const KsResult r = ksTest(test::tensorOf(c["a"]), test::tensorOf(c["b"]));
        QVERIFY(std::abs(r.statistic - c["statistic"].get<double>()) < 1e-12);
        const double expected = c["pvalue"].get<double>();
        if (c["method"] == "exact") {
            QVERIFY(r.exact);
            QVERIFY2(std::abs(r.pValue - expected) < 1e-9, qPrintable(QString::number(r.pValue)));
        } else {
            // scipy's asymptotic form and ours (Stephens' correction) agree to a few per cent.
            QVERIFY(!r.exact);
            QVERIFY2(std::abs(r.pValue - expected) < 0.05 * expected,
                qPrintable(QString("%1 vs %2").arg(r.pValue).arg(expected)));
        }
    }

    void ksIdenticalSamples()
    {
        const torch::Tensor a = torch::arange(100, torch::kFloat64);
        const KsResult r = ksTest(a, a);
        QCOMPARE(r.statistic, 0.0);
        QCOMPARE(r.pValue, 1.0);
        QVERIFY_THROWS_EXCEPTION(DataError, ksTest(torch::empty({ 0 }), a));
    }

    void kolmogorovDistribution()
    {
        // Tabulated values of the Kolmogorov distribution.
        QVERIFY(std::abs(kolmogorovSurvival(1.0) - 0.26999967) < 1e-6);
        QVERIFY(std::abs(kolmogorovSurvival(1.358) - 0.05003) < 1e-4);
        QVERIFY(std::abs(kolmogorovSurvival(0.5) - 0.96394524) < 1e-6);
    }

    void chi2MatchesRootFormula()
    {
        const json c = test::evalReference()["chi2"][0];
        Histogram a(c["bins"].get<int>(), c["low"].get<double>(), c["high"].get<double>());
        Histogram b = a;
        a.fill(test::tensorOf(c["a"]));
        b.fill(test::tensorOf(c["b"]));
        for (int i = 0; i < a.bins(); ++i) {
            QCOMPARE(a.content(i), c["counts_a"][static_cast<std::size_t>(i)].get<double>());
            QCOMPARE(b.content(i), c["counts_b"][static_cast<std::size_t>(i)].get<double>());
        }
        const Chi2Result r = chi2Test(a, b);
        QVERIFY(std::abs(r.chi2 - c["chi2"].get<double>()) < 1e-9);
        QCOMPARE(r.ndf, c["ndf"].get<int>());
        QVERIFY(std::abs(r.pValue - c["pvalue"].get<double>()) < 1e-9);
    }

    void chi2OfSameShapeIsSmall()
    {
        Histogram a(10, 0.0, 10.0), b(10, 0.0, 10.0);
        for (int i = 0; i < 10; ++i) {
            a.fill(i + 0.5, 100.0 + i);
            b.fill(i + 0.5, 2 * (100.0 + i));
        }
        // Weighted fills (one entry per bin with a large weight): the "WW" branch, same shape, chi2 0.
        const Chi2Result r = chi2Test(a, b);
        QVERIFY(r.chi2 < 1e-12);
        QCOMPARE(r.ndf, 9);
        const Chi2Result absolute = chi2Test(a, a, Chi2Comparison::Absolute);
        QCOMPARE(absolute.ndf, 10);
        QCOMPARE(absolute.chi2, 0.0);
        QVERIFY(std::abs(chi2Survival(3.84145882, 1) - 0.05) < 1e-7);
        QVERIFY(std::abs(chi2Survival(18.307038, 10) - 0.05) < 1e-7);
    }
};

NEURINO_TEST_MAIN(TestStatisticalTests)
#include "TestStatisticalTests.moc"
