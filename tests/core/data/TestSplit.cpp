// Seeded train/validation/test splits: sizes, disjointness, reproducibility, stratification, errors.
#include "core/data/Split.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

class TestSplit : public QObject {
    Q_OBJECT

private slots:
    void sizes_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<double>("validation");
        QTest::addColumn<double>("test");
        QTest::addColumn<qint64>("trainSize");
        QTest::addColumn<qint64>("validationSize");
        QTest::addColumn<qint64>("testSize");
        // The Higgs tutorial: 80/20 train/test, then 20 % of training for validation.
        QTest::newRow("higgs") << qint64(1000) << 0.2 << 0.2 << qint64(640) << qint64(160) << qint64(200);
        QTest::newRow("no validation") << qint64(10) << 0.0 << 0.5 << qint64(5) << qint64(0) << qint64(5);
        QTest::newRow("everything trains") << qint64(7) << 0.0 << 0.0 << qint64(7) << qint64(0) << qint64(0);
    }

    void sizes()
    {
        QFETCH(qint64, n);
        QFETCH(double, validation);
        QFETCH(double, test);
        QFETCH(qint64, trainSize);
        QFETCH(qint64, validationSize);
        QFETCH(qint64, testSize);
        const SplitIndices s = makeSplit(n, { validation, test }, 42);
        QCOMPARE(s.trainSize(), trainSize);
        QCOMPARE(s.validationSize(), validationSize);
        QCOMPARE(s.testSize(), testSize);
        // The parts cover every sample exactly once.
        const torch::Tensor all = std::get<0>(torch::sort(torch::cat({ s.train, s.validation, s.test })));
        QVERIFY(all.equal(torch::arange(static_cast<std::int64_t>(n), torch::kInt64)));
        QVERIFY(s.train.equal(std::get<0>(torch::sort(s.train))));
    }

    void seedDecides()
    {
        const SplitIndices a = makeSplit(500, { 0.1, 0.2 }, 7);
        const SplitIndices b = makeSplit(500, { 0.1, 0.2 }, 7);
        const SplitIndices c = makeSplit(500, { 0.1, 0.2 }, 8);
        QVERIFY(a.test.equal(b.test) && a.validation.equal(b.validation) && a.train.equal(b.train));
        QVERIFY(!a.test.equal(c.test));
        // The split does not touch LibTorch's global generator.
        torch::manual_seed(1);
        const double before = torch::rand({ 1 }).item<double>();
        torch::manual_seed(1);
        makeSplit(500, { 0.1, 0.2 }, 7);
        QCOMPARE(torch::rand({ 1 }).item<double>(), before);
    }

    void stratifiedKeepsClassShares()
    {
        // 90 of class 0, 10 of class 1: a plain split of 20 % could miss class 1; a stratified one keeps 2.
        const torch::Tensor targets
            = torch::cat({ torch::zeros({ 90 }, torch::kInt64), torch::ones({ 10 }, torch::kInt64) });
        const SplitIndices s = makeStratifiedSplit(targets, { 0.0, 0.2 }, 3);
        QCOMPARE(s.testSize(), qint64(20));
        QCOMPARE(targets.index_select(0, s.test).sum().item<std::int64_t>(), qint64(2));
        QCOMPARE(targets.index_select(0, s.train).sum().item<std::int64_t>(), qint64(8));
    }

    void rejects_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<double>("validation");
        QTest::addColumn<double>("test");
        QTest::addColumn<QString>("message");
        QTest::newRow("fraction 1") << qint64(10) << 0.0 << 1.0 << "must be in [0, 1)";
        QTest::newRow("negative") << qint64(10) << -0.1 << 0.0 << "must be in [0, 1)";
        QTest::newRow("empty test") << qint64(3) << 0.0 << 0.1 << "empty test part";
        QTest::newRow("empty data") << qint64(0) << 0.0 << 0.0 << "empty dataset";
    }

    void rejects()
    {
        QFETCH(qint64, n);
        QFETCH(double, validation);
        QFETCH(double, test);
        QFETCH(QString, message);
        try {
            makeSplit(n, { validation, test }, 1);
            QFAIL("no error");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }
};

NEURINO_TEST_MAIN(TestSplit)
#include "TestSplit.moc"
