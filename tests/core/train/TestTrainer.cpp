// The trainer: depth is needed for XOR, losses fall, seeds reproduce, absurd learning rates stop with the
// non-finite-loss error, early stopping restores the best epoch, a stop token cancels between batches.
#include "core/train/Trainer.h"
#include "core/util/Error.h"
#include "tests/core/train/TrainTestData.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

namespace {

TrainConfig quickConfig(const std::string& optimizer = "adam", double lr = 0.05, int epochs = 60)
{
    TrainConfig c;
    c.optimizer.name = optimizer;
    c.optimizer.learningRate = lr;
    c.epochs = epochs;
    c.batchSize = 32;
    c.validationSplit = 0.2;
    c.seed = 11;
    c.threads = 1;
    return c;
}

class CountingObserver : public TrainingObserver {
public:
    void onStart(const TrainStart& s) override { start = s; }
    void onBatchEnd(const BatchStats& s) override
    {
        ++batches;
        last = s;
        if (stop && s.epoch == 2 && s.batch == 3)
            stop->requestStop();
    }
    void onEpochEnd(const EpochStats& s) override { epochs.push_back(s); }
    void onFinished(const TrainSummary& s) override { summary = s; }

    StopToken* stop = nullptr;
    TrainStart start;
    BatchStats last;
    int batches = 0;
    std::vector<EpochStats> epochs;
    TrainSummary summary;
};

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private slots:
    void xorNeedsAHiddenLayer_data()
    {
        QTest::addColumn<bool>("hidden");
        QTest::newRow("no hidden layer") << false;
        QTest::newRow("one hidden layer") << true;
    }

    void xorNeedsAHiddenLayer()
    {
        QFETCH(bool, hidden);
        const ModelGraph g
            = hidden ? test::mlp(2, { { 8, "tanh" }, { 1, "sigmoid" } }) : test::mlp(2, { { 1, "sigmoid" } });
        Trainer trainer(g, quickConfig());
        trainer.setData(test::xorData());
        trainer.fit();
        const double accuracy = trainer.evaluate(DataPart::Validation).metrics.at("accuracy");
        if (hidden)
            QVERIFY2(accuracy > 0.97, qPrintable(QString::number(accuracy)));
        else
            QVERIFY2(accuracy <= 0.75, qPrintable(QString::number(accuracy)));
    }

    void lossFalls_data()
    {
        QTest::addColumn<QString>("optimizer");
        QTest::addColumn<QString>("loss");
        QTest::addColumn<double>("lr");
        for (const char* opt : { "sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam" })
            QTest::newRow(opt) << opt << "mse" << (std::string(opt) == "sgd" ? 0.05 : 0.01);
        for (const char* loss : { "mae", "huber", "mape" })
            QTest::newRow(loss) << "adam" << loss << 0.01;
    }

    void lossFalls()
    {
        QFETCH(QString, optimizer);
        QFETCH(QString, loss);
        QFETCH(double, lr);
        TrainConfig c = quickConfig(optimizer.toStdString(), lr, 15);
        c.loss = loss.toStdString();
        c.metrics = { "mae", "mape" };
        Trainer trainer(test::mlp(4, { { 16, "relu" }, { 1, "linear" } }), c);
        trainer.setData(test::linearData());
        const TrainSummary s = trainer.fit();
        QCOMPARE(s.reason, StopReason::Completed);
        const auto losses = trainer.history().series("loss");
        QCOMPARE(losses.size(), std::size_t(15));
        QVERIFY2(losses.back() < 0.5 * losses.front(),
            qPrintable(QString("%1 -> %2").arg(losses.front()).arg(losses.back())));
        QVERIFY(trainer.history().epoch(14).count("val_mae"));
    }

    void classesWithCrossEntropy()
    {
        // Three classes from the signs of two features; a softmax model trained on logits.
        torch::manual_seed(9);
        auto d = std::make_shared<Dataset>();
        d->features = torch::randn({ 300, 2 });
        d->targets = (d->features.select(1, 0) > 0).to(torch::kInt64)
            + (d->features.select(1, 1) > 0.5).to(torch::kInt64);
        d->info.task = Task::Classification;
        Trainer trainer(test::mlp(2, { { 16, "relu" }, { 3, "softmax" } }), quickConfig("adam", 0.02, 30));
        trainer.setData(d);
        trainer.fit();
        QCOMPARE(trainer.loss().name(), std::string("cross_entropy"));
        QVERIFY(trainer.loss().usesLogits());
        QVERIFY(trainer.history().epochs().back().at("val_accuracy") > 0.9);
    }

    void sameSeedSameLosses()
    {
        const ModelGraph g = test::mlp(2, { { 8, "relu" }, { 1, "sigmoid" } }, /*dropout=*/0.3);
        std::vector<std::vector<double>> runs;
        for (std::uint64_t seed : { 5, 5, 6 }) {
            TrainConfig c = quickConfig("nadam", 0.01, 4);
            c.seed = seed;
            Trainer trainer(g, c);
            trainer.setData(test::xorData());
            trainer.fit();
            auto losses = trainer.history().series("loss");
            const auto val = trainer.history().series("val_loss");
            losses.insert(losses.end(), val.begin(), val.end());
            runs.push_back(losses);
        }
        QCOMPARE(runs[0], runs[1]);
        QVERIFY(runs[0] != runs[2]);
    }

    void absurdLearningRateStops()
    {
        Trainer trainer(test::mlp(4, { { 16, "relu" }, { 1, "linear" } }), quickConfig("sgd", 1e12, 5));
        trainer.setData(test::linearData());
        CountingObserver observer;
        try {
            trainer.fit(&observer);
            QFAIL("no error");
        } catch (const TrainError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains("the loss became") && message.contains("epoch 1")
                    && message.contains("learning rate 1e+12") && message.contains("last good weights"),
                e.what());
        }
        QCOMPARE(observer.summary.reason, StopReason::Failed);
        for (const auto& p : trainer.module()->parameters())
            QVERIFY(torch::isfinite(p).all().item<bool>());
    }

    void earlyStoppingRestoresTheBestEpoch()
    {
        TrainConfig c = quickConfig("adam", 0.01, 60);
        c.validationSplit = 0.3;
        c.earlyStopping.enabled = true;
        c.earlyStopping.patience = 3;
        Trainer trainer(test::mlp(8, { { 64, "relu" }, { 64, "relu" }, { 1, "sigmoid" } }), c);
        trainer.setData(test::noiseData());
        const TrainSummary s = trainer.fit();
        QCOMPARE(s.reason, StopReason::EarlyStopped);
        QVERIFY(s.restoredBestWeights);
        QCOMPARE(s.epochsCompleted, s.bestEpoch + 3);
        const double best = trainer.history().epoch(static_cast<std::size_t>(s.bestEpoch - 1)).at("val_loss");
        for (const double v : trainer.history().series("val_loss"))
            QVERIFY(v >= best);
        const double now = trainer.evaluate(DataPart::Validation).metrics.at("loss");
        QVERIFY2(std::abs(now - best) < 1e-6, qPrintable(QString("%1 vs best %2").arg(now).arg(best)));
    }

    void stopTokenCancelsBetweenBatches()
    {
        StopToken stop;
        CountingObserver observer;
        observer.stop = &stop;
        Trainer trainer(test::mlp(2, { { 4, "tanh" }, { 1, "sigmoid" } }), quickConfig("adam", 0.01, 10));
        trainer.setData(test::xorData());
        const TrainSummary s = trainer.fit(&observer, &stop);
        QCOMPARE(s.reason, StopReason::Cancelled);
        QCOMPARE(s.epochsCompleted, 1);
        QCOMPARE(trainer.history().size(), std::size_t(1));
        QCOMPARE(observer.batches, int(observer.start.batchesPerEpoch) + 3);
        QCOMPARE(observer.summary.reason, StopReason::Cancelled);
        // The same trainer continues when asked again.
        stop.reset();
        QCOMPARE(trainer.fit(nullptr, &stop).epochsCompleted, 10);
    }

    void observerGetsTimings()
    {
        CountingObserver observer;
        Trainer trainer(test::mlp(2, { { 4, "tanh" }, { 1, "sigmoid" } }), quickConfig("adam", 0.01, 2));
        trainer.setData(test::xorData());
        trainer.fit(&observer);
        QCOMPARE(observer.start.trainSamples, std::int64_t(320));
        QCOMPARE(observer.start.batchesPerEpoch, std::int64_t(10));
        QCOMPARE(observer.epochs.size(), std::size_t(2));
        QVERIFY(observer.epochs[1].samplesPerSecond > 0);
        QVERIFY(observer.epochs[1].metrics.count("val_auc"));
        QCOMPARE(observer.last.batch, observer.last.batches);
        QVERIFY(observer.last.samplesPerSecond > 0);
    }

    void schedulesSetTheRate_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("third"); // lr of epoch 3 with base 0.1
        QTest::newRow("none") << "none" << 0.1;
        QTest::newRow("step") << "step" << 0.1 * 0.5;
        QTest::newRow("exponential") << "exponential" << 0.1 * 0.25;
        QTest::newRow("cosine") << "cosine" << 0.1 * (1 + std::cos(M_PI * 2 / 4)) / 2;
    }

    void schedulesSetTheRate()
    {
        QFETCH(QString, kind);
        QFETCH(double, third);
        TrainConfig c = quickConfig("sgd", 0.1, 4);
        c.schedule.kind = kind.toStdString();
        c.schedule.stepSize = 2;
        c.schedule.gamma = 0.5;
        Trainer trainer(test::mlp(4, { { 1, "linear" } }), c);
        trainer.setData(test::linearData());
        trainer.fit();
        QVERIFY(std::abs(trainer.history().epoch(2).at("lr") - third) < 1e-12);
    }

    void penaltiesShrinkWeights()
    {
        double norms[2];
        for (int i = 0; i < 2; ++i) {
            TrainConfig c = quickConfig("adam", 0.01, 10);
            c.l2 = i == 0 ? 0.0 : 0.1;
            Trainer trainer(test::mlp(4, { { 16, "relu" }, { 1, "linear" } }), c);
            trainer.setData(test::linearData());
            trainer.fit();
            norms[i] = trainer.module()->nodeTensors().at("dense_1").at("weight").norm().item<double>();
        }
        QVERIFY(norms[1] < norms[0]);
    }

    void dataMustFitTheModel_data()
    {
        QTest::addColumn<int>("inputs");
        QTest::addColumn<int>("outputs");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong-shaped dataset") << 3 << 1
                                              << "takes samples of shape (3,) but the dataset 'xor' has "
                                                 "samples of shape (2,)";
        QTest::newRow("two outputs for BCE") << 2 << 2 << "one output per sample";
    }

    void dataMustFitTheModel()
    {
        QFETCH(int, inputs);
        QFETCH(int, outputs);
        QFETCH(QString, message);
        TrainConfig c = quickConfig();
        c.loss = "binary_cross_entropy";
        Trainer trainer(test::mlp(inputs, { { outputs, "sigmoid" } }), c);
        try {
            trainer.setData(test::xorData());
            QFAIL("no error");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void earlyStoppingNeedsValidation()
    {
        TrainConfig c = quickConfig();
        c.validationSplit = 0.0;
        c.earlyStopping.enabled = true;
        Trainer trainer(test::mlp(2, { { 1, "sigmoid" } }), c);
        trainer.setData(test::xorData());
        QVERIFY_THROWS_EXCEPTION(TrainError, trainer.fit());
    }
};

NEURINO_TEST_MAIN(TestTrainer)
#include "TestTrainer.moc"
