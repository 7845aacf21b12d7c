// The regression losses on hand-computed values: MAPE (the Warsaw lecture's regression loss, in per cent as
// Keras gives it) and its gradient, the relative weighting that makes it fit an energy measurement.
#include "core/eval/Metrics.h"
#include "core/train/Loss.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

class TestLoss : public QObject {
    Q_OBJECT

private slots:
    void mapeOnKnownValues()
    {
        const Loss loss("mape", Task::Regression, "linear");
        // |10-11|/10 = 0.1, |50-45|/50 = 0.1, |100-100|/100 = 0, |20-26|/20 = 0.3: mean 0.125, 12.5 %.
        const auto targets = torch::tensor({ 10.0f, 50.0f, 100.0f, 20.0f }).reshape({ 4, 1 });
        const auto output = torch::tensor({ 11.0f, 45.0f, 100.0f, 26.0f }).reshape({ 4, 1 });
        QVERIFY(std::abs(loss.compute(output, targets).item<double>() - 12.5) < 1e-4);
        QVERIFY(std::abs(meanAbsolutePercentageError(output, targets) - 12.5) < 1e-4);
        // A target of zero is floored at Keras's epsilon rather than dividing by zero.
        const auto zero = loss.compute(torch::tensor({ 1e-7f }), torch::tensor({ 0.0f }));
        QVERIFY(std::isfinite(zero.item<double>()));
    }

    void mapeWeighsErrorsRelativeToTheTarget()
    {
        // The same 1 GeV error costs ten times more at 10 GeV than at 100 GeV: d loss / d output = 100 /
        // (n |y|) * sign(output - y).
        const Loss loss("mape", Task::Images, "linear");
        auto output = torch::tensor({ 11.0f, 101.0f }, torch::requires_grad());
        const auto targets = torch::tensor({ 10.0f, 100.0f });
        loss.compute(output, targets).backward();
        const auto grad = output.grad();
        QVERIFY(std::abs(grad[0].item<double>() - 5.0) < 1e-5);
        QVERIFY(std::abs(grad[1].item<double>() - 0.5) < 1e-5);
        QVERIFY(!loss.usesLogits());
        QCOMPARE(loss.scores(output).data_ptr<float>()[1], 101.0f);
    }

    void mapeNeedsTargets()
    {
        const Loss loss("mape", Task::Regression, "linear");
        QVERIFY_THROWS_EXCEPTION(TrainError, loss.compute(torch::ones({ 2 }), torch::Tensor()));
        QVERIFY_THROWS_EXCEPTION(TrainError, Loss("mean_percentage", Task::Regression, "linear"));
    }
};

NEURINO_TEST_MAIN(TestLoss)
#include "TestLoss.moc"
