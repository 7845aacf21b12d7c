// ClassifierReport: one computation of loss, accuracy, AUC, ROC, confusion counts, output histograms with KS
// and misclassified samples, checked against core/eval on small seeded trained models.
#include "core/eval/ConfusionMatrix.h"
#include "core/eval/RocCurve.h"
#include "core/run/ClassifierReport.h"
#include "core/train/Evaluator.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"
#include "tests/core/train/TrainTestData.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cmath>
#include <numeric>

using namespace neurino;

namespace {

TrainConfig quickConfig()
{
    TrainConfig c;
    c.epochs = 8;
    c.batchSize = 32;
    c.optimizer.learningRate = 0.05;
    c.validationSplit = 0.25;
    c.testSplit = 0.2;
    c.seed = 11;
    c.threads = 1;
    return c;
}

// Three Gaussian blobs in the plane, one per class.
std::shared_ptr<Dataset> blobs(std::int64_t n = 450)
{
    torch::manual_seed(9);
    auto d = std::make_shared<Dataset>();
    d->targets = torch::arange(n, torch::kInt64) % 3;
    const torch::Tensor angle = d->targets.to(torch::kFloat32) * (2 * 3.14159265 / 3);
    d->features = torch::stack({ angle.cos(), angle.sin() }, 1) * 1.5 + 0.8 * torch::randn({ n, 2 });
    d->info.task = Task::Classification;
    d->info.classNames = { "red", "green", "blue" };
    d->info.origin = "blobs";
    return d;
}

double integral(const std::vector<double>& densities, const OutputHistograms& h)
{
    const double width = (h.high - h.low) / static_cast<double>(densities.size());
    return std::accumulate(densities.begin(), densities.end(), 0.0) * width;
}

} // namespace

class TestClassifierReport : public QObject {
    Q_OBJECT

private slots:
    void binaryTrainedModel()
    {
        Trainer trainer(test::mlp(2, { { 8, "tanh" }, { 1, "sigmoid" } }), quickConfig());
        trainer.setData(test::xorData(400, 5));
        trainer.fit();
        const ClassifierReport report = classifierReport(trainer);
        const Evaluation test = trainer.evaluate(DataPart::Test);

        QCOMPARE(report.part, std::string("test"));
        QCOMPARE(report.samples, trainer.split().testSize());
        QCOMPARE(report.loss, test.metrics.at("loss"));
        QVERIFY(report.roc);
        const RocCurve roc(test.scores.reshape({ -1 }), test.targets);
        QCOMPARE(report.auc, roc.auc());
        QCOMPARE(report.roc->auc, roc.auc());
        QCOMPARE(report.roc->signalEfficiency, roc.signalEfficiency());
        QCOMPARE(report.roc->backgroundRejection, roc.backgroundRejection());
        QVERIFY2(report.auc > 0.8, qPrintable(QString::number(report.auc)));

        QCOMPARE(report.classNames, (std::vector<std::string> { "background", "signal" }));
        QCOMPARE(report.confusionTotal(), report.samples);
        const ConfusionMatrix matrix = ConfusionMatrix::fromScores(test.scores, test.targets);
        QCOMPARE(report.confusion, matrix.counts());
        QCOMPARE(report.accuracy, matrix.accuracy());
        QCOMPARE(static_cast<std::int64_t>(report.misclassified.size()), report.offDiagonal());
        for (const Misclassification& m : report.misclassified) {
            QCOMPARE(m.row, trainer.split().test[m.position].item<std::int64_t>());
            QVERIFY(m.truth != m.predicted);
        }

        QVERIFY(report.outputs);
        const OutputHistograms& h = *report.outputs;
        for (const auto* densities :
            { &h.trainSignal, &h.trainBackground, &h.heldOutSignal, &h.heldOutBackground }) {
            QCOMPARE(static_cast<int>(densities->size()), kOutputBins);
            QVERIFY(std::abs(integral(*densities, h) - 1.0) < 1e-6);
        }
        for (const double p : { h.ksSignal, h.ksBackground })
            QVERIFY2(p >= 0 && p <= 1, qPrintable(QString::number(p)));
    }

    void multiClassTrainedModel()
    {
        TrainConfig config = quickConfig();
        config.testSplit = 0;
        Trainer trainer(test::mlp(2, { { 12, "relu" }, { 3, "softmax" } }), config);
        trainer.setData(blobs());
        trainer.fit();
        const ClassifierReport report = classifierReport(trainer);
        QCOMPARE(report.part, std::string("validation"));
        QCOMPARE(report.classes(), std::int64_t(3));
        QCOMPARE(report.classNames, (std::vector<std::string> { "red", "green", "blue" }));
        QCOMPARE(report.confusionTotal(), trainer.split().validationSize());
        QCOMPARE(static_cast<std::int64_t>(report.misclassified.size()), report.offDiagonal());
        QVERIFY(report.accuracy > 0.6);
        // No signal and background: no ROC, no output histograms.
        QVERIFY(!report.roc && !report.outputs);
        QVERIFY(std::isnan(report.auc));
    }

    void fromScores()
    {
        // p(signal) for six samples: two wrong answers (rows 1 and 4), both classes present.
        Evaluation e;
        e.scores = torch::tensor({ 0.9f, 0.2f, 0.7f, 0.1f, 0.6f, 0.3f }).reshape({ 6, 1 });
        e.targets = torch::tensor({ 1, 1, 1, 0, 0, 0 }, torch::kInt64);
        e.samples = 6;
        ClassifierSetup setup;
        setup.binary = true;
        setup.classNames = { "b", "s" };
        setup.part = "mine";
        const ClassifierReport report = makeClassifierReport(setup, e, torch::Tensor(), nullptr);
        QCOMPARE(report.part, std::string("mine"));
        QVERIFY(std::isnan(report.loss));
        QCOMPARE(report.confusion, (std::vector<std::vector<std::int64_t>> { { 2, 1 }, { 1, 2 } }));
        QCOMPARE(report.classLabels(), (std::vector<std::string> { "b", "s" }));
        QCOMPARE(report.accuracy, 4.0 / 6.0);
        QCOMPARE(report.auc, rocAuc(e.scores, e.targets));
        QCOMPARE(report.misclassified.size(), std::size_t(2));
        QCOMPARE(report.misclassified[0].row, std::int64_t(1));
        QCOMPARE(report.misclassified[1].row, std::int64_t(4));
        QVERIFY(!report.outputs);
        QCOMPARE(report.confusionMatrix().toString(),
            ConfusionMatrix::fromScores(e.scores, e.targets, 2, { "b", "s" }).toString());

        // One class only: no curve, and no error.
        e.targets = torch::ones({ 6 }, torch::kInt64);
        const ClassifierReport single = makeClassifierReport(setup, e, torch::Tensor(), nullptr);
        QVERIFY(!single.roc);
        QVERIFY(std::isnan(single.auc));
        QCOMPARE(single.confusionTotal(), std::int64_t(6));
    }

    void unnamedClassesAreNumbered()
    {
        Evaluation e;
        e.scores = torch::eye(3).repeat({ 2, 1 });
        e.targets = torch::tensor({ 0, 1, 2, 1, 1, 2 }, torch::kInt64);
        e.samples = 6;
        const ClassifierReport report = makeClassifierReport({}, e, torch::Tensor(), nullptr);
        QVERIFY(report.classNames.empty());
        QCOMPARE(report.classLabels(), (std::vector<std::string> { "0", "1", "2" }));
        QCOMPARE(report.offDiagonal(), std::int64_t(1));
        QCOMPARE(report.misclassified.size(), std::size_t(1));
        QCOMPARE(report.misclassified[0].row, std::int64_t(3));
    }

    void regressionIsRefused()
    {
        Trainer trainer(test::mlp(4, { { 1, "linear" } }), quickConfig());
        trainer.setData(test::linearData());
        QVERIFY_THROWS_EXCEPTION(DataError, classifierReport(trainer));
    }
};

NEURINO_TEST_MAIN(TestClassifierReport)
#include "TestClassifierReport.moc"
