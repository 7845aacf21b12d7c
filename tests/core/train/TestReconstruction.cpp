// The reconstruction task (autoencoders): the targets are the inputs, the default loss is MSE, the trained
// model's per-sample reconstruction error scores samples unlike the training data higher, and the task
// survives a dataset file and a checkpoint.
#include "core/data/Batcher.h"
#include "core/data/DatasetFile.h"
#include "core/eval/AnomalyScore.h"
#include "core/eval/RocCurve.h"
#include "core/train/Checkpoint.h"
#include "core/train/Evaluator.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

namespace reconstruction_test {

constexpr std::int64_t kPlaneWidth = 16;

// Samples on a two-dimensional plane in 16 dimensions, plus a little noise: what an planeAutoencoder with a
// two-value bottleneck can learn. Off-plane samples are the anomalies.
torch::Tensor planeBasis()
{
    torch::manual_seed(5);
    return torch::randn({ 2, kPlaneWidth });
}

torch::Tensor onPlane(std::int64_t n, std::uint64_t seed)
{
    torch::manual_seed(seed);
    return torch::randn({ n, 2 }).matmul(planeBasis()) + 0.05 * torch::randn({ n, kPlaneWidth });
}

std::shared_ptr<Dataset> planeData(std::int64_t n = 600)
{
    auto d = std::make_shared<Dataset>();
    d->features = onPlane(n, 21).to(torch::kFloat32);
    d->info.task = Task::Reconstruction;
    d->info.origin = "plane";
    return d;
}

// Input 16 -> Dense 8 tanh -> Dense 2 -> Dense 8 tanh -> Dense `outputs` -> Output.
ModelGraph planeAutoencoder(std::int64_t outputs = kPlaneWidth)
{
    ModelGraph g;
    g.setName("test_autoencoder");
    std::string last = g.addNode("Input", { { "shape", { kPlaneWidth } } }, "input");
    const std::vector<std::pair<std::int64_t, std::string>> layers
        = { { 8, "tanh" }, { 2, "linear" }, { 8, "tanh" }, { outputs, "linear" } };
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string id
            = g.addNode("Dense", { { "units", layers[i].first }, { "activation", layers[i].second } },
                "dense_" + std::to_string(i));
        g.connect(last, id);
        last = id;
    }
    g.connect(last, g.addNode("Output", nlohmann::json::object(), "output"));
    return g;
}

TrainConfig reconstructionConfig(int epochs = 40)
{
    TrainConfig c;
    c.optimizer.learningRate = 0.01;
    c.epochs = epochs;
    c.batchSize = 32;
    c.validationSplit = 0.2;
    c.seed = 3;
    c.threads = 1;
    return c;
}

} // namespace reconstruction_test

using namespace reconstruction_test;

class TestReconstruction : public QObject {
    Q_OBJECT

private slots:
    void taskName_roundTrips()
    {
        QCOMPARE(taskName(Task::Reconstruction), std::string("reconstruction"));
        QCOMPARE(parseTask("reconstruction"), Task::Reconstruction);
        QVERIFY(!hasClassTargets(Task::Reconstruction));
        QCOMPARE(defaultMetrics(Task::Reconstruction), std::vector<std::string> { "mse" });
    }

    void batcher_targetsAreStandardisedInputs()
    {
        const auto data = planeData(50);
        const torch::Tensor rows = torch::arange(50, torch::kInt64);
        const Standardizer standardizer = Standardizer::fit(data->features, rows, {});
        BatcherOptions options;
        options.batchSize = 16;
        options.shuffle = false;
        const Batcher batcher(*data, rows, options, &standardizer);
        const Batch batch = batcher.batch(1);
        QVERIFY(batch.targets.defined());
        QVERIFY(torch::equal(batch.targets, batch.features));
        QVERIFY(torch::allclose(batch.targets, standardizer.apply(data->features.slice(0, 16, 32))));
    }

    void training_lossFallsAndAnomaliesScoreHigher()
    {
        Trainer trainer(planeAutoencoder(), reconstructionConfig());
        trainer.setData(planeData());
        QCOMPARE(trainer.loss().name(), std::string("mse"));
        const TrainSummary summary = trainer.fit();
        QCOMPARE(summary.reason, StopReason::Completed);
        const auto& epochs = trainer.history().epochs();
        const double first = epochs.front().at("loss"), last = epochs.back().at("loss");
        QVERIFY2(last < 0.25 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
        QVERIFY(epochs.back().count("val_mse") == 1);

        // Held-out samples from the plane against samples off it, each shifted out of the plane.
        const torch::Tensor normal = onPlane(200, 77).to(torch::kFloat32);
        const torch::Tensor anomalous
            = (onPlane(200, 78) + 1.5 * torch::randn({ 200, kPlaneWidth })).to(torch::kFloat32);
        const Reconstruction r = reconstruct(
            trainer.module(), torch::cat({ normal, anomalous }), &trainer.standardizer(), c10::kCPU, 64);
        QCOMPARE(r.errorMap.sizes().vec(), (std::vector<std::int64_t> { 400, kPlaneWidth }));
        QVERIFY(torch::allclose(r.scores, anomalyScores(r.inputs, r.outputs)));
        const torch::Tensor labels
            = torch::cat({ torch::zeros({ 200 }), torch::ones({ 200 }) }).to(torch::kInt64);
        const double auc = rocAuc(r.scores, labels);
        QVERIFY2(auc > 0.95, qPrintable(QString::number(auc)));
        QVERIFY(r.scores.slice(0, 200).median().item<double>()
            > 5 * r.scores.slice(0, 0, 200).median().item<double>());
    }

    void errorMap_pointsAtTheChangedBin()
    {
        const torch::Tensor x = torch::zeros({ 3, 2, 4 });
        torch::Tensor y = x.clone();
        y.index_put_({ 1, 0, 3 }, 2.0);
        const torch::Tensor map = reconstructionErrorMap(x, y);
        QCOMPARE(map.reshape({ 3, -1 }).argmax(1)[1].item<std::int64_t>(), std::int64_t(3));
        QCOMPARE(anomalyScores(x, y)[1].item<double>(), 4.0 / 8.0);
        QCOMPARE(anomalyScores(x, y)[0].item<double>(), 0.0);
        QVERIFY_THROWS_EXCEPTION(DataError, reconstructionErrorMap(x, torch::zeros({ 3, 5 })));
    }

    void outputOfWrongSize_isRefusedWithItsName()
    {
        Trainer trainer(planeAutoencoder(/*outputs=*/3), reconstructionConfig(1));
        try {
            trainer.setData(planeData(40));
            QFAIL("a 3-value output cannot reconstruct 16 values");
        } catch (const DataError& e) {
            QVERIFY2(
                QString(e.what()).contains("output 'output'") && QString(e.what()).contains("16"), e.what());
        }
    }

    void fileAndCheckpoint_keepTheTask()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("plane.h5").toStdString();
        const auto data = planeData(80);
        writeDataset(file, *data);
        const Dataset back = readDataset(file);
        QCOMPARE(back.info.task, Task::Reconstruction);
        QVERIFY(!back.targets.defined());
        QVERIFY(torch::equal(back.features, data->features));

        Trainer trainer(planeAutoencoder(), reconstructionConfig(3));
        trainer.setData(std::make_shared<Dataset>(back));
        trainer.fit();
        const std::string path = dir.filePath("checkpoint.h5").toStdString();
        saveCheckpoint(path, trainer.checkpoint());
        const Checkpoint loaded = loadCheckpoint(path);
        QCOMPARE(loaded.data.task, std::string("reconstruction"));
        GraphModule module = moduleFromCheckpoint(loaded);
        const Loss loss(loaded.config.loss, back.info.task, module->outputActivation());
        EvaluationOptions options;
        const torch::Tensor rows = torch::arange(back.size(), torch::kInt64);
        const Evaluation again = evaluateModel(module, loss, back, rows, &loaded.standardizer, options);
        const Evaluation before
            = evaluateModel(trainer.module(), trainer.loss(), back, rows, &trainer.standardizer(), options);
        QCOMPARE(again.metrics.at("loss"), before.metrics.at("loss"));
        QCOMPARE(again.metrics.at("mse"), before.metrics.at("mse"));
    }
};

NEURINO_TEST_MAIN(TestReconstruction)
#include "TestReconstruction.moc"
