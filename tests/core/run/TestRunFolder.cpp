// Run folders: a seeded classifier run and a GAN run written by their writers read back as their observers
// saw them; copies; an interrupted run; and damaged files give errors naming the file, line and field.
#include "core/gan/GanTrainer.h"
#include "core/run/GanRunFolderWriter.h"
#include "core/run/RunFolder.h"
#include "core/run/RunFolderWriter.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/core/train/TrainTestData.h"

#include "tests/TestMain.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cmath>

using namespace neurino;

namespace {

// Keeps what a run reported and passes it on to the run folder's writer.
class Recorder : public GanObserver {
public:
    explicit Recorder(TrainingObserver& next)
        : m_next(next)
    {
    }
    void onStart(const TrainStart& s) override
    {
        start = s;
        m_next.onStart(s);
    }
    void onEpochEnd(const EpochStats& s) override
    {
        epochs.push_back(s);
        m_next.onEpochEnd(s);
    }
    void onFinished(const TrainSummary& s) override
    {
        summary = s;
        m_next.onFinished(s);
    }

    TrainStart start;
    std::vector<EpochStats> epochs;
    TrainSummary summary;

private:
    TrainingObserver& m_next;
};

std::string filePath(const QTemporaryDir& dir, const char* name)
{
    return dir.filePath(name).toStdString();
}

// A small classifier folder as RunFolderWriter writes it: two epochs, the second's val_loss not finite.
void writeClassifierFolder(const QTemporaryDir& dir, bool withSummary)
{
    writeTextFileAtomically(filePath(dir, kRunConfigFile),
        R"({"format": "neurino-run", "model": {"name": "tiny"}, "training": {"epochs": 2},)"
        R"( "data": {"origin": "/data/xor.h5"}, "split": {"train": 80, "validation": 20, "test": 0}})");
    writeTextFileAtomically(filePath(dir, kRunMetricsFile),
        "{\"epoch\":1,\"loss\":0.5,\"lr\":0.01,\"seconds\":0.25}\n"
        "{\"epoch\":2,\"loss\":0.4,\"val_loss\":null,\"lr\":0.01}\n");
    if (withSummary)
        writeTextFileAtomically(filePath(dir, kRunSummaryFile),
            "Neurino training run\n\nresult:   completed after 2 epoch(s) in 1.5 s\n"
            "final:    loss 0.4\ntest:     loss 0.41, accuracy 0.875\n");
}

void expectMentions(const std::string& message, const QStringList& fragments)
{
    for (const QString& fragment : fragments)
        QVERIFY2(QString::fromStdString(message).contains(fragment), message.c_str());
}

} // namespace

class TestRunFolder : public QObject {
    Q_OBJECT

private slots:
    void classifierRunReadsBackWhatItsObserverSaw()
    {
        QTemporaryDir dir;
        TrainConfig config;
        config.optimizer.learningRate = 0.05;
        config.epochs = 4;
        config.batchSize = 32;
        config.validationSplit = 0.25;
        config.testSplit = 0.2;
        config.earlyStopping.enabled = true;
        config.earlyStopping.patience = 100;
        config.seed = 5;
        config.threads = 1;
        Trainer trainer(test::mlp(2, { { 8, "tanh" }, { 1, "sigmoid" } }), config);
        trainer.setData(test::xorData(200));
        RunFolderWriter writer(dir.path().toStdString(), trainer);
        Recorder recorder(writer);
        const TrainSummary summary = trainer.fit(&recorder);

        const RunFolder run = RunFolder::read(dir.path().toStdString());
        QCOMPARE(run.kind, RunKind::Classifier);
        QCOMPARE(run.modelName, std::string("test_mlp"));
        QCOMPARE(run.data, std::string("xor"));
        QCOMPARE(run.training.toJson(), trainer.config().toJson());
        QCOMPARE(run.start.trainSamples, recorder.start.trainSamples);
        QCOMPARE(run.start.validationSamples, recorder.start.validationSamples);
        QCOMPARE(run.start.testSamples, recorder.start.testSamples);
        QCOMPARE(run.start.parameters, recorder.start.parameters);
        QCOMPARE(run.epochs.size(), std::size_t(4));
        for (std::size_t i = 0; i < run.epochs.size(); ++i) {
            const EpochStats &read = run.epochs[i], &seen = recorder.epochs[i];
            QCOMPARE(read.epoch, seen.epoch);
            QCOMPARE(read.epochs, 4);
            QVERIFY(read.metrics == seen.metrics);
            QCOMPARE(read.learningRate, seen.learningRate);
            QCOMPARE(read.improved, seen.improved);
            QCOMPARE(read.bestEpoch, seen.bestEpoch);
            QVERIFY(read.seconds > 0 && read.samplesPerSecond > 0);
        }
        QVERIFY(run.finished);
        QCOMPARE(run.summary.reason, summary.reason);
        QCOMPARE(run.summary.epochsCompleted, summary.epochsCompleted);
        QCOMPARE(run.summary.bestEpoch, summary.bestEpoch);
        QCOMPARE(run.summary.restoredBestWeights, summary.restoredBestWeights);
        QCOMPARE(run.summary.message, summary.message);
        QVERIFY(run.summary.bestMetrics == recorder.epochs.at(summary.bestEpoch - 1).metrics);
        QVERIFY(run.summary.finalMetrics == recorder.epochs.back().metrics);
        QVERIFY(std::abs(run.summary.seconds - summary.seconds) < 0.06);
        QCOMPARE(run.summary.testMetrics.size(), summary.testMetrics.size());
        for (const auto& [name, value] : summary.testMetrics)
            QVERIFY2(
                std::abs(run.summary.testMetrics.at(name) - value) <= 1e-4 * std::abs(value), name.c_str());
        QCOMPARE(run.checkpoint, filePath(dir, kRunCheckpointFile));
        QCOMPARE(run.best, filePath(dir, kRunBestFile));
        QVERIFY(run.generator.empty() && run.discriminator.empty());

        QTemporaryDir copies;
        const std::string copy = copies.filePath("copy").toStdString();
        RunFolder::copy(run.dir, copy);
        const RunFolder copied = RunFolder::read(copy);
        QCOMPARE(copied.epochs.size(), run.epochs.size());
        QVERIFY(copied.epochs.back().metrics == run.epochs.back().metrics);
        QVERIFY(!copied.best.empty());
        try {
            RunFolder::copy(run.dir, copy);
            QFAIL("a run was copied over another");
        } catch (const IoError& e) {
            expectMentions(e.what(), { "holds a run already", QString::fromStdString(copy) });
        }
    }

    void ganRunReadsBackWhatItsObserverSaw()
    {
        QTemporaryDir dir;
        torch::manual_seed(3);
        const torch::Tensor real = 2 + 0.5 * torch::randn({ 96, 2 });
        ModelGraph generator = test::mlp(4, { { 16, "relu" }, { 2, "linear" } });
        generator.setName("generator");
        ModelGraph discriminator = test::mlp(2, { { 16, "relu" }, { 1, "sigmoid" } });
        discriminator.setName("discriminator");
        GanConfig config;
        config.epochs = 3;
        config.batchSize = 32;
        config.generatorOptimizer.name = config.discriminatorOptimizer.name = "adam";
        config.keepBest = "g_loss";
        config.validationShowers = 32;
        config.samplesShown = 2;
        config.device = "cpu";
        config.threads = 1;
        config.seed = 7;
        GanTrainer gan(generator, discriminator, config);
        const std::string folder = dir.path().toStdString();
        GanRunFolderWriter writer(folder, gan, "a Gaussian blob");
        Recorder recorder(writer);
        const GanSummary summary = gan.train(real, {}, &recorder);

        const RunFolder run = RunFolder::read(folder);
        QCOMPARE(run.kind, RunKind::Gan);
        QCOMPARE(run.modelName, std::string("generator vs discriminator"));
        QCOMPARE(run.data, std::string("a Gaussian blob"));
        QCOMPARE(run.gan.toJson(), gan.config().toJson());
        QCOMPARE(run.start.epochs, 3);
        QCOMPARE(run.epochs.size(), std::size_t(3));
        for (std::size_t i = 0; i < run.epochs.size(); ++i) {
            QCOMPARE(run.epochs[i].epoch, recorder.epochs[i].epoch);
            QVERIFY(run.epochs[i].metrics == recorder.epochs[i].metrics);
        }
        QVERIFY(run.finished);
        QCOMPARE(run.summary.reason, summary.reason);
        QCOMPARE(run.summary.epochsCompleted, 3);
        QCOMPARE(run.summary.bestEpoch, summary.bestEpoch);
        QVERIFY(run.summary.bestMetrics == summary.bestMetrics);
        QCOMPARE(run.summary.restoredBestWeights, summary.restoredBestWeights);
        QCOMPARE(run.summary.message, summary.message);
        QVERIFY(run.summary.message.find("kept the networks of epoch") != std::string::npos);
        QCOMPARE(run.generator, filePath(dir, kRunGeneratorFile));
        QCOMPARE(run.discriminator, filePath(dir, kRunDiscriminatorFile));
        QVERIFY(run.checkpoint.empty() && run.best.empty());
        QCOMPARE(GanTrainer::load(folder)->epochsDone(), 3);

        try {
            GanRunFolderWriter again(folder, gan, "a Gaussian blob");
            QFAIL("a GAN run was replaced");
        } catch (const IoError& e) {
            expectMentions(e.what(), { "already holds a GAN run", QString::fromStdString(folder) });
        }
    }

    void interruptedRunReadsAsCancelled()
    {
        QTemporaryDir dir;
        writeClassifierFolder(dir, /*withSummary=*/false);
        const RunFolder run = RunFolder::read(dir.path().toStdString());
        QCOMPARE(run.modelName, std::string("tiny"));
        QCOMPARE(run.data, std::string("/data/xor.h5"));
        QCOMPARE(run.start.trainSamples, std::int64_t(80));
        QCOMPARE(run.epochs.size(), std::size_t(2));
        QCOMPARE(run.epochs[0].seconds, 0.25);
        QVERIFY(!run.epochs[0].metrics.count("seconds"));
        QCOMPARE(run.epochs[0].learningRate, 0.01);
        QVERIFY(!run.epochs[1].metrics.count("val_loss")); // not finite when written
        // Without val_loss, the best epoch follows the training loss, as the trainer does.
        QCOMPARE(run.epochs[1].bestEpoch, 2);
        QVERIFY(!run.finished);
        QCOMPARE(run.summary.reason, StopReason::Cancelled);
        QVERIFY(run.checkpoint.empty());

        writeClassifierFolder(dir, /*withSummary=*/true);
        const RunFolder finished = RunFolder::read(dir.path().toStdString());
        QCOMPARE(finished.summary.reason, StopReason::Completed);
        QCOMPARE(finished.summary.seconds, 1.5);
        QCOMPARE(finished.summary.testMetrics.at("accuracy"), 0.875);
    }

    void damagedFilesSayWhereAndWhat_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("config not JSON") << "config.json"
                                         << "{ \"training\": " << QStringList { "config.json", "line 1" };
        QTest::newRow("config setting")
            << "config.json"
            << R"({"training": {"epochs": "three"}})" << QStringList { "config.json", "training", "epochs" };
        QTest::newRow("config field") << "config.json"
                                      << R"({"format": "neurino-run", "split": {"train": "many"}})"
                                      << QStringList { "config.json", "'split.train'", "a number" };
        // 1e300 converted to an int was undefined behaviour (found by fuzz_run_folder).
        QTest::newRow("config field out of range")
            << "config.json"
            << R"({"format": "neurino-run", "first_epoch": 1e300})"
            << QStringList { "config.json", "'first_epoch'", "1e+300", "whole number" };
        QTest::newRow("GAN setting") << "config.json"
                                     << R"({"gan": {"batch_size": "big"}})"
                                     << QStringList { "config.json", "'gan'", "batch_size" };
        QTest::newRow("no run config")
            << "config.json"
            << R"({"model": {}})" << QStringList { "config.json", "neither 'training'" };
        QTest::newRow("metrics not JSON") << "metrics.jsonl"
                                          << "{\"epoch\":1,\"loss\":1}\n{\"epoch\":2,\"loss\":}\n"
                                          << QStringList { "metrics.jsonl", "line 2", "not JSON" };
        QTest::newRow("metric not a number")
            << "metrics.jsonl"
            << "{\"epoch\":1,\"loss\":\"low\"}\n"
            << QStringList { "metrics.jsonl", "line 1", "'loss'", "\"low\"" };
        QTest::newRow("no epoch") << "metrics.jsonl"
                                  << "{\"loss\":0.5}\n"
                                  << QStringList { "metrics.jsonl", "line 1", "'epoch'", "missing" };
        QTest::newRow("epoch skipped") << "metrics.jsonl"
                                       << "{\"epoch\":1}\n\n{\"epoch\":3}\n"
                                       << QStringList { "metrics.jsonl", "line 3", "must be 2" };
        // 2^32 + 1 read as an int wrapped to 1.
        QTest::newRow("epoch wrapped") << "metrics.jsonl"
                                       << "{\"epoch\":4294967297}\n"
                                       << QStringList { "metrics.jsonl", "line 1", "must be 1" };
        // std::stoi threw std::out_of_range, not an IoError.
        QTest::newRow("epochs out of range") << "summary.txt"
                                             << "result:   completed after 99999999999 epoch(s) in 1.0 s\n"
                                             << QStringList { "summary.txt", "'99999999999'", "too large" };
        // std::regex recursed once per character and overflowed the stack.
        QTest::newRow("very long line") << "summary.txt"
                                        << "result:   " + QString(40000, 'a') + " after 2 epoch(s) in 1.0 s\n"
                                        << QStringList { "summary.txt", "how the run ended" };
        QTest::newRow("summary without result") << "summary.txt"
                                                << "Neurino training run\n"
                                                << QStringList { "summary.txt", "how the run ended" };
        QTest::newRow("unknown ending") << "summary.txt"
                                        << "result:   exploded after 2 epoch(s) in 1.0 s\n"
                                        << QStringList { "summary.txt", "'exploded'" };
    }

    void damagedFilesSayWhereAndWhat()
    {
        QFETCH(QString, file);
        QFETCH(QString, text);
        QFETCH(QStringList, mentions);
        QTemporaryDir dir;
        writeClassifierFolder(dir, /*withSummary=*/true);
        writeTextFileAtomically(dir.filePath(file).toStdString(), text.toStdString());
        try {
            RunFolder::read(dir.path().toStdString());
            QFAIL("no error");
        } catch (const IoError& e) {
            expectMentions(e.what(), mentions);
        }
    }

    void folderWithoutConfigIsNoRun()
    {
        QTemporaryDir dir;
        try {
            RunFolder::read(dir.path().toStdString());
            QFAIL("no error");
        } catch (const IoError& e) {
            expectMentions(e.what(), { "is not a run folder", dir.path() });
        }
    }
};

NEURINO_TEST_MAIN(TestRunFolder)
#include "TestRunFolder.moc"
