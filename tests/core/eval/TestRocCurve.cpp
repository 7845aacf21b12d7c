// ROC curves and AUC must equal scikit-learn's on stored vectors, ties included
// (reference numbers from tests/tools/make_eval_reference.py).
#include "core/eval/RocCurve.h"
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

class TestRocCurve : public QObject {
    Q_OBJECT

private slots:
    void matchesScikitLearn_data()
    {
        QTest::addColumn<int>("index");
        const json ref = test::evalReference();
        for (std::size_t i = 0; i < ref["roc"].size(); ++i)
            QTest::newRow(ref["roc"][i]["name"].get<std::string>().c_str()) << int(i);
    }

    void matchesScikitLearn()
    {
        QFETCH(int, index);
        const json c = test::evalReference()["roc"][static_cast<std::size_t>(index)];
        const torch::Tensor weights = c.contains("weights") ? test::tensorOf(c["weights"]) : torch::Tensor();
        const RocCurve roc(test::tensorOf(c["scores"]), test::tensorOf(c["labels"]), weights);
        QVERIFY(std::abs(roc.auc() - c["auc"].get<double>()) < 1e-12);
        const auto fpr = c["fpr"].get<std::vector<double>>();
        const auto tpr = c["tpr"].get<std::vector<double>>();
        const auto thr = c["thresholds"].get<std::vector<double>>();
        QCOMPARE(roc.size(), fpr.size());
        for (std::size_t i = 0; i < fpr.size(); ++i) {
            QVERIFY(std::abs(roc.falsePositiveRate()[i] - fpr[i]) < 1e-12);
            QVERIFY(std::abs(roc.truePositiveRate()[i] - tpr[i]) < 1e-12);
            QVERIFY(std::abs(roc.thresholds()[i] - thr[i]) < 1e-12);
        }
    }

    void physicsAxes()
    {
        const RocCurve roc(torch::tensor({ 0.1, 0.2, 0.8, 0.9 }), torch::tensor({ 0, 0, 1, 1 }));
        QCOMPARE(roc.auc(), 1.0);
        const auto rejection = roc.backgroundRejection();
        QCOMPARE(rejection.front(), 1.0);
        QCOMPARE(rejection.back(), 0.0);
        QCOMPARE(roc.signalEfficiency().back(), 1.0);
        QCOMPARE(roc.truePositiveRateAt(0.0), 0.0);
        QCOMPARE(roc.truePositiveRateAt(0.5), 1.0);
    }

    void invertedScoresGiveOneMinusAuc()
    {
        torch::manual_seed(3);
        const torch::Tensor labels = torch::randint(0, 2, { 500 });
        const torch::Tensor scores = torch::randn({ 500 }) + labels;
        QVERIFY(std::abs(rocAuc(scores, labels) + rocAuc(-scores, labels) - 1.0) < 1e-12);
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("message");
        QTest::newRow("one class") << "one class"
                                   << "only one class";
        QTest::newRow("sizes") << "sizes"
                               << "3 scores but 2 labels";
        QTest::newRow("nan") << "nan"
                             << "NaN";
    }

    void rejectsBadInput()
    {
        QFETCH(QString, what);
        QFETCH(QString, message);
        try {
            if (what == "one class")
                RocCurve(torch::tensor({ 0.1, 0.2 }), torch::tensor({ 1, 1 }));
            else if (what == "sizes")
                RocCurve(torch::tensor({ 0.1, 0.2, 0.3 }), torch::tensor({ 1, 0 }));
            else
                RocCurve(torch::tensor({ 0.1, std::nan("") }), torch::tensor({ 1, 0 }));
            QFAIL("no error");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }
};

NEURINO_TEST_MAIN(TestRocCurve)
#include "TestRocCurve.moc"
