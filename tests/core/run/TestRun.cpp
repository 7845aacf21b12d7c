// The run engine: a RunSpec round-trips through JSON and refuses what it does not know; a Run executes a
// spec, keeps its folder and reports on its classifier; two seeded runs at once in one process get, each,
// the numbers they get alone.
#include "core/data/DatasetFile.h"
#include "core/graph/ModelJson.h"
#include "core/run/GanRun.h"
#include "core/run/Run.h"
#include "core/run/RunFolder.h"
#include "core/train/Checkpoint.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"
#include "tests/TestMain.h"
#include "tests/TestSupport.h"
#include "tests/core/train/TrainTestData.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <thread>

using namespace neurino;

namespace run_test {

// A spec for the dropout MLP on XOR data stored in `file`.
RunSpec xorSpec(const std::string& file, std::uint64_t seed)
{
    RunSpec spec;
    spec.name = "xor " + std::to_string(seed);
    spec.model = test::mlp(2, { { 16, "relu" }, { 1, "sigmoid" } }, /*dropout=*/0.5);
    spec.data = DataSource::fromFile(file);
    spec.training.epochs = 4;
    spec.training.optimizer.learningRate = 0.02;
    spec.training.seed = seed;
    spec.training.threads = 1;
    spec.training.device = "cpu";
    return spec;
}

NodeTensors trainedWeights(const RunSpec& spec)
{
    Run run(spec);
    run.execute();
    return run.trainer().module()->nodeTensors();
}

bool sameWeights(const NodeTensors& a, const NodeTensors& b)
{
    if (a.size() != b.size())
        return false;
    for (const auto& [node, tensors] : a) {
        for (const auto& [name, tensor] : tensors) {
            if (!torch::equal(tensor, b.at(node).at(name)))
                return false;
        }
    }
    return true;
}

} // namespace run_test

using namespace run_test;

class TestRun : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_file;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_file = m_dir.filePath("xor.h5").toStdString();
        writeDataset(m_file, *test::xorData(256));
    }

    void specRoundTripsWithRunSettingsOnTop()
    {
        RunSpec spec = xorSpec(m_file, 9);
        spec.training.threads = 3;
        spec.training.device = "cuda:1";
        spec.data.task = Task::Binary;
        const nlohmann::json doc = spec.toJson();
        QCOMPARE(doc.at("format").get<std::string>(), std::string("neurino-run-spec"));
        QCOMPARE(doc.at("seed").get<std::uint64_t>(), std::uint64_t(9));
        QCOMPARE(doc.at("threads").get<int>(), 3);
        QCOMPARE(doc.at("device").get<std::string>(), std::string("cuda:1"));
        QVERIFY(!doc.at("training").contains("seed"));
        const RunSpec back = RunSpec::fromJson(doc);
        QCOMPARE(back.toJson(), doc);
        QCOMPARE(back.training.seed, std::uint64_t(9));
        QCOMPARE(back.model.nodes().size(), spec.model.nodes().size());
        QVERIFY(back.data.task.has_value());

        const std::string path = m_dir.filePath("spec.json").toStdString();
        spec.save(path);
        QCOMPARE(RunSpec::load(path).toJson(), doc);
    }

    void ganSpecRoundTripsAndIsNotAClassifierSpec()
    {
        GanRunSpec spec;
        spec.name = "showers";
        spec.generator = loadModel(test::templateFile("calo_gan_generator"));
        spec.discriminator = loadModel(test::templateFile("calo_gan_discriminator"));
        spec.data = DataSource::fromGenerator("calorimeter", { { "min_energy", 20.0 } }, 500, 4);
        spec.gan.epochs = 3;
        spec.gan.seed = 17;
        spec.gan.labelFlip = 0.1;
        const nlohmann::json doc = spec.toJson();
        QCOMPARE(doc.at("format").get<std::string>(), std::string("neurino-gan-run-spec"));
        QCOMPARE(doc.at("seed").get<std::uint64_t>(), std::uint64_t(17));
        QVERIFY(!doc.at("gan").contains("seed"));
        const GanRunSpec back = GanRunSpec::fromJson(doc);
        QCOMPARE(back.toJson(), doc);
        QCOMPARE(back.gan.labelFlip, 0.1);
        QCOMPARE(back.data.options.at("min_energy").get<double>(), 20.0);
        // A GAN spec is not a classifier's, and the message says what the file is.
        try {
            RunSpec::fromJson(doc, "'gan.json'");
            QFAIL("a GAN spec was read as a classifier spec");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("neurino-gan-run-spec") != std::string::npos, e.what());
        }
    }

    void specRefusesWhatItDoesNotKnow()
    {
        nlohmann::json doc = xorSpec(m_file, 1).toJson();
        doc["epochs"] = 5; // belongs in "training"
        try {
            RunSpec::fromJson(doc, "'typo.json'");
            QFAIL("an unknown field was accepted");
        } catch (const DataError& e) {
            QVERIFY(std::string(e.what()).find("'typo.json'") != std::string::npos);
            QVERIFY(std::string(e.what()).find("'epochs'") != std::string::npos);
        }
        doc = xorSpec(m_file, 1).toJson();
        doc["training"]["optimizer"]["name"] = "adamm";
        QVERIFY_THROWS_EXCEPTION(TrainError, RunSpec::fromJson(doc));
        doc = xorSpec(m_file, 1).toJson();
        doc.erase("model");
        QVERIFY_THROWS_EXCEPTION(DataError, RunSpec::fromJson(doc));
    }

    void runKeepsItsFolderAndReports()
    {
        const std::string folder = m_dir.filePath("run").toStdString();
        Run run(xorSpec(m_file, 3));
        run.keepFolder(folder);
        const TrainSummary summary = run.execute();
        QCOMPARE(summary.epochsCompleted, 4);
        const RunFolder read = RunFolder::read(folder);
        QCOMPARE(read.epochs.size(), std::size_t(4));
        QCOMPARE(read.training.seed, std::uint64_t(3));
        QVERIFY(!read.checkpoint.empty());
        const std::optional<ClassifierReport> report = run.report();
        QVERIFY(report.has_value());
        QCOMPARE(report->samples, run.trainer().split().validationSize());
        QVERIFY(report->roc.has_value());

        // A second run into the same folder is refused unless it resumes or overwrites.
        Run again(xorSpec(m_file, 3));
        again.keepFolder(folder);
        QVERIFY_THROWS_EXCEPTION(IoError, again.prepare());
        RunSpec longer = xorSpec(m_file, 3);
        longer.training.epochs = 6;
        Run resumed(longer);
        resumed.resumeFrom(loadCheckpoint(read.checkpoint));
        resumed.keepFolder(folder, FolderMode::Resume);
        QCOMPARE(resumed.execute().epochsCompleted, 6);
        QCOMPARE(RunFolder::read(folder).epochs.size(), std::size_t(6));
    }

    // A spec's `init` file starts the run: every node that fits takes its weights, an edited node starts
    // fresh and the note names it; a file of another model is refused; the spec file keeps `init`.
    void runStartsFromItsInitWeights()
    {
        const std::string folder = m_dir.filePath("init_source").toStdString();
        Run source(xorSpec(m_file, 4));
        source.keepFolder(folder);
        source.execute();
        const std::string checkpoint = RunFolder::read(folder).checkpoint;
        const NodeTensors trained = loadCheckpoint(checkpoint).weights;

        RunSpec spec = xorSpec(m_file, 12);
        Run fresh(spec);
        fresh.prepare();
        QVERIFY(!sameWeights(fresh.trainer().module()->nodeTensors(), trained));
        QVERIFY(fresh.startNote().empty());

        spec.init = checkpoint;
        Run started(spec);
        started.prepare();
        QVERIFY(sameWeights(started.trainer().module()->nodeTensors(), trained));
        QVERIFY2(
            started.startNote().find("for 2 of 2 layers") != std::string::npos, started.startNote().c_str());
        QVERIFY(started.startNote().find("fresh") == std::string::npos);

        // A layer added after dense_1 and dense_2 widened: dense_1 keeps the file's weights.
        RunSpec edited = spec;
        edited.model = test::mlp(2, { { 16, "relu" }, { 8, "relu" }, { 1, "sigmoid" } }, 0.5);
        Run changed(edited);
        changed.prepare();
        const NodeTensors now = changed.trainer().module()->nodeTensors();
        QVERIFY(torch::equal(now.at("dense_1").at("weight"), trained.at("dense_1").at("weight")));
        const std::string& note = changed.startNote();
        QVERIFY2(note.find("for 1 of 3 layers") != std::string::npos, note.c_str());
        QVERIFY2(note.find("dense_2 (bias [8] here, [1] in the file)") != std::string::npos, note.c_str());
        QVERIFY2(note.find("dense_3 (not in the file)") != std::string::npos, note.c_str());
        QCOMPARE(changed.execute().epochsCompleted, 4);

        RunSpec other = spec;
        other.model = test::mlp(3, { { 5, "relu" }, { 2, "softmax" } });
        try {
            Run(other).prepare();
            QFAIL("weights of another model were accepted");
        } catch (const TrainError& e) {
            QVERIFY2(std::string(e.what()).find("no layer of the model fits the weights in '" + checkpoint)
                    != std::string::npos,
                e.what());
        }

        const nlohmann::json doc = spec.toJson();
        QCOMPARE(doc.at("init").get<std::string>(), checkpoint);
        QCOMPARE(RunSpec::fromJson(doc).init, checkpoint);
        QVERIFY(!xorSpec(m_file, 1).toJson().contains("init"));
        nlohmann::json bad = doc;
        bad["init"] = 5;
        QVERIFY_THROWS_EXCEPTION(DataError, RunSpec::fromJson(bad));
    }

    // Each run reads its file, initialises, splits, shuffles and drops out from its own stream and sets
    // its threads on its own thread: beside another run, it gets exactly what it gets alone.
    void twoSeededRunsAtOnceGetWhatTheyGetAlone()
    {
        const RunSpec a = xorSpec(m_file, 7), b = xorSpec(m_file, 8);
        const NodeTensors aloneA = trainedWeights(a), aloneB = trainedWeights(b);
        QVERIFY(!sameWeights(aloneA, aloneB));
        NodeTensors togetherA, togetherB;
        std::thread other([&] { togetherB = trainedWeights(b); });
        togetherA = trainedWeights(a);
        other.join();
        QVERIFY(sameWeights(togetherA, aloneA));
        QVERIFY(sameWeights(togetherB, aloneB));
    }
};

NEURINO_TEST_MAIN(TestRun)
#include "TestRun.moc"
