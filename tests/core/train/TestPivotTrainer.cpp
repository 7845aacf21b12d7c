// The adversarial pivot trainer (Louppe, Kagan and Cranmer 2017) with real, seeded LibTorch training: on a
// toy where one feature carries the nuisance Z, the adversary's term makes the classifier's output
// independent of Z while it still separates the classes; without the term it does not. Also the
// adversary's mixture loss and the checks on networks and settings.
#include "core/eval/RocCurve.h"
#include "core/eval/StatisticalTests.h"
#include "core/train/PivotTrainer.h"
#include "core/util/Error.h"
#include "tests/core/train/TrainTestData.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cmath>

using namespace neurino;

namespace pivot_trainer_test {

// Class y, nuisance Z ~ N(0, 1); x1 ~ N(y, 1) is clean, x2 ~ N(1.5 y + Z, 0.5) separates better but shifts
// with Z: the paper's toy, where a plain classifier leans on x2 and so depends on Z.
PivotData pivotToy(std::int64_t n, std::uint64_t seed)
{
    torch::manual_seed(seed);
    const torch::Tensor y = torch::randint(0, 2, { n }, torch::kInt64);
    const torch::Tensor z = torch::randn({ n });
    const torch::Tensor yf = y.to(torch::kFloat32);
    const torch::Tensor x1 = yf + torch::randn({ n });
    const torch::Tensor x2 = 1.5 * yf + z + 0.5 * torch::randn({ n });
    return { torch::stack({ x1, x2 }, 1), y, z };
}

PivotConfig pivotToyConfig(double lambda)
{
    PivotConfig config;
    config.lambda = lambda;
    config.classifierEpochs = 3;
    config.adversaryEpochs = 1;
    config.epochs = 8;
    config.batchSize = 128;
    config.threads = 1;
    config.seed = 7;
    return config;
}

ModelGraph pivotToyAdversary(int components = 5)
{
    return test::mlp(1, { { 16, "relu" }, { 3 * components, "linear" } });
}

struct PivotToyResult {
    double correlation = 0; // of the classifier's output with Z, on fresh events
    double auc = 0;
    double adversaryLoss = 0; // validation
};

PivotToyResult trainPivotToy(double lambda)
{
    const PivotData training = pivotToy(4000, 1), validation = pivotToy(1000, 2), test = pivotToy(4000, 3);
    PivotTrainer trainer(test::mlp(2, { { 16, "relu" }, { 16, "relu" }, { 1, "sigmoid" } }),
        pivotToyAdversary(), pivotToyConfig(lambda));
    const TrainSummary summary = trainer.train(training, validation);
    PivotToyResult r;
    r.adversaryLoss = summary.finalMetrics.at("val_adversary_loss");
    const torch::Tensor s = trainer.scores(test.features).to(torch::kFloat64);
    const torch::Tensor z = test.nuisance.to(torch::kFloat64);
    const torch::Tensor sc = s - s.mean(), zc = z - z.mean();
    r.correlation = ((sc * zc).sum() / (sc.norm() * zc.norm())).item<double>();
    r.auc = rocAuc(s, test.targets);
    return r;
}

} // namespace pivot_trainer_test

using namespace pivot_trainer_test;

class TestPivotTrainer : public QObject {
    Q_OBJECT

private slots:
    void mixtureLossOfOneUnitGaussianIsItsNll()
    {
        // One component, mean 0, log width 0: the unit Gaussian's -log density, 0.5 z^2 + 0.5 log 2 pi.
        const torch::Tensor z = torch::tensor({ -1.0F, 0.0F, 2.0F });
        const double nll = mixtureNll(torch::zeros({ 3, 3 }), z, 1).item<double>();
        QVERIFY(std::abs(nll - (0.5 * 5.0 / 3.0 + 0.5 * std::log(2 * M_PI))) < 1e-6);
        // Averaged over Z ~ N(0, 1) it is the entropy, what a blind adversary's loss tends to.
        torch::manual_seed(3);
        const double blind
            = mixtureNll(torch::zeros({ 200000, 15 }), torch::randn({ 200000 }), 5).item<double>();
        QVERIFY(std::abs(blind - unitGaussianEntropy()) < 0.01);
        // Two equal components at -1 and +1 of width 1: the mixture density, not either one alone.
        const torch::Tensor out = torch::tensor({ { 0.0F, 0.0F, -1.0F, 1.0F, 0.0F, 0.0F } });
        const double at0 = mixtureNll(out, torch::zeros({ 1 }), 2).item<double>();
        QVERIFY(std::abs(at0 - (0.5 + 0.5 * std::log(2 * M_PI))) < 1e-6);
    }

    void adversaryMakesTheClassifierIndependentOfZ()
    {
        const PivotToyResult plain = trainPivotToy(0.0);
        const PivotToyResult pivot = trainPivotToy(10.0);
        // Without the adversary's term the output follows Z, and the adversary reads Z from it.
        QVERIFY2(plain.correlation > 0.3, std::to_string(plain.correlation).c_str());
        QVERIFY(plain.adversaryLoss < unitGaussianEntropy() - 0.05);
        // With it the classifier gives up x2's Z-dependent part: the adversary is left blind.
        QVERIFY2(std::abs(pivot.correlation) < plain.correlation / 3,
            (std::to_string(pivot.correlation) + " against " + std::to_string(plain.correlation)).c_str());
        QVERIFY(pivot.adversaryLoss > plain.adversaryLoss + 0.05);
        // It still classifies, on x1 (and x2 - Z information it cannot have), at a cost in AUC.
        QVERIFY2(pivot.auc > 0.65, std::to_string(pivot.auc).c_str());
        QVERIFY(pivot.auc < plain.auc);
    }

    void sameSeedSameClassifier()
    {
        const PivotData data = pivotToy(600, 4);
        PivotConfig config = pivotToyConfig(5.0);
        config.classifierEpochs = config.adversaryEpochs = config.epochs = 1;
        const auto classifier = test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } });
        PivotTrainer a(classifier, pivotToyAdversary(), config), b(classifier, pivotToyAdversary(), config);
        a.train(data);
        b.train(data);
        QVERIFY(torch::equal(a.scores(data.features), b.scores(data.features)));
        QCOMPARE(a.history().size(), std::size_t(3));
    }

    void rejectsNetworksThatDoNotFit()
    {
        const PivotConfig config = pivotToyConfig(1.0);
        const auto classifier = test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } });
        // The adversary must end in 3 values per mixture component.
        QVERIFY_THROWS_EXCEPTION(ModelError, PivotTrainer(classifier, pivotToyAdversary(4), config));
        // The classifier must end in one sigmoid unit.
        QVERIFY_THROWS_EXCEPTION(
            ModelError, PivotTrainer(test::mlp(2, { { 2, "softmax" } }), pivotToyAdversary(), config));
        PivotConfig negative = config;
        negative.lambda = -1;
        QVERIFY_THROWS_EXCEPTION(TrainError, PivotTrainer(classifier, pivotToyAdversary(), negative));
        PivotTrainer trainer(classifier, pivotToyAdversary(), config);
        PivotData broken = pivotToy(100, 5);
        broken.nuisance = broken.nuisance.slice(0, 0, 50);
        QVERIFY_THROWS_EXCEPTION(DataError, trainer.train(broken));
    }
};

NEURINO_TEST_MAIN(TestPivotTrainer)
#include "TestPivotTrainer.moc"
