// Confusion matrices: rows are the truth, columns the prediction, as scikit-learn lays them out.
#include "core/eval/ConfusionMatrix.h"
#include "core/eval/Metrics.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace neurino;

class TestConfusionMatrix : public QObject {
    Q_OBJECT

private slots:
    void countsFromClassScores()
    {
        // Truth 0,0,1,2,2,2; predictions by arg-max 0,1,1,2,0,2.
        const torch::Tensor scores = torch::tensor({ { 0.9, 0.1, 0.0 }, { 0.2, 0.7, 0.1 }, { 0.1, 0.8, 0.1 },
            { 0.0, 0.1, 0.9 }, { 0.6, 0.2, 0.2 }, { 0.1, 0.1, 0.8 } });
        const torch::Tensor truth = torch::tensor({ 0, 0, 1, 2, 2, 2 });
        const ConfusionMatrix m
            = ConfusionMatrix::fromScores(scores, truth, 0, { "circle", "square", "triangle" });
        const std::vector<std::vector<std::int64_t>> expected = { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 2 } };
        QCOMPARE(m.counts(), expected);
        QCOMPARE(m.total(), std::int64_t(6));
        QCOMPARE(m.accuracy(), 4.0 / 6.0);
        QCOMPARE(m.accuracy(), accuracy(scores, truth));
        QCOMPARE(m.recall(2), 2.0 / 3.0);
        QCOMPARE(m.precision(0), 0.5);
        QCOMPARE(m.normalizedByTruth()[0][1], 0.5);
        QVERIFY(m.toString().find("triangle") != std::string::npos);
        QCOMPARE(m.toJson()["counts"][2][2].get<int>(), 2);
    }

    void binaryProbabilitiesThresholdAtHalf()
    {
        const torch::Tensor p = torch::tensor({ { 0.2 }, { 0.7 }, { 0.51 }, { 0.4 } });
        const ConfusionMatrix m = ConfusionMatrix::fromScores(p, torch::tensor({ 0, 1, 0, 1 }));
        QCOMPARE(m.classes(), std::int64_t(2));
        QCOMPARE(m.count(0, 0), std::int64_t(1));
        QCOMPARE(m.count(0, 1), std::int64_t(1));
        QCOMPARE(m.count(1, 0), std::int64_t(1));
        QCOMPARE(m.count(1, 1), std::int64_t(1));
    }

    void rejectsClassOutOfRange()
    {
        ConfusionMatrix m(2);
        QVERIFY_THROWS_EXCEPTION(DataError, m.add(torch::tensor({ 0, 2 }), torch::tensor({ 0, 1 })));
        QVERIFY_THROWS_EXCEPTION(DataError, ConfusionMatrix(3, { "a", "b" }));
    }
};

NEURINO_TEST_MAIN(TestConfusionMatrix)
#include "TestConfusionMatrix.moc"
