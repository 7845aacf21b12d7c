// neurino-batch train / evaluate / predict / tsne / pca / gan end to end: the run folder, resuming, exit
// codes and messages.
#include "core/data/DatasetFile.h"
#include "core/graph/ModelJson.h"
#include "core/run/RunSpec.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/Device.h"
#include "core/util/RuntimeInfo.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"
#include <H5Cpp.h>
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <unistd.h>

using namespace neurino;
using nlohmann::json;

namespace {

using Result = test::ProcessResult;

Result runBatch(const QStringList& args)
{
    return test::runProcess(QString(NEURINO_BATCH_EXE), args, {}, 120000);
}

std::vector<json> jsonLines(const std::string& path)
{
    std::vector<json> lines;
    std::istringstream in(readTextFile(path));
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(json::parse(line));
    return lines;
}

#define RUN_OK(result) QVERIFY2((result).exitCode == 0, qPrintable((result).out + (result).err))

} // namespace

class TestBatchCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;

    QString file(const QString& name) const { return m_dir.filePath(name); }

    QStringList trainArgs(const QString& out, int epochs) const
    {
        return { "train", "--model", QString::fromStdString(test::templateFile("xor_mlp")), "--data", m_data,
            "--out", out, "--epochs", QString::number(epochs), "--batch-size", "32", "--lr", "0.05", "--seed",
            "3", "--threads", "1", "--test-split", "0.2" };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        torch::manual_seed(1);
        Dataset d;
        const torch::Tensor corners = torch::randint(0, 2, { 300, 2 }).to(torch::kFloat32) * 2 - 1;
        d.features = corners + 0.15f * torch::randn({ 300, 2 });
        d.targets = (corners.select(1, 0) * corners.select(1, 1) < 0).to(torch::kInt64);
        d.info.task = Task::Binary;
        d.info.classNames = { "same", "different" };
        d.info.featureNames = { "x", "y" };
        m_data = file("xor.h5");
        writeDataset(m_data.toStdString(), d);
        // A model with an unbounded (linear) output, which an absurd learning rate makes diverge.
        ModelGraph g;
        g.addNode("Input", { { "shape", { 2 } } }, "input");
        g.addNode("Dense", { { "units", 16 }, { "activation", "relu" } }, "hidden");
        g.addNode("Dense", { { "units", 1 } }, "value");
        g.addNode("Output", nlohmann::json::object(), "output");
        g.connect("input", "hidden");
        g.connect("hidden", "value");
        g.connect("value", "output");
        saveModel(g, file("linear.neurino.json").toStdString());
    }

    void trainWritesTheRunFolder()
    {
        const QString out = file("run");
        const Result r = runBatch(trainArgs(out, 5));
        RUN_OK(r);
        QVERIFY2(r.out.contains("epoch 5/5"), qPrintable(r.out));
        QVERIFY2(r.out.contains("samples/s"), qPrintable(r.out));
        for (const char* name : { "config.json", "metrics.jsonl", "checkpoint.h5", "best.h5", "summary.txt" })
            QVERIFY2(QFile::exists(out + "/" + name), name);
        const auto lines = jsonLines((out + "/metrics.jsonl").toStdString());
        QCOMPARE(lines.size(), std::size_t(5));
        QCOMPARE(lines[4]["epoch"].get<int>(), 5);
        QVERIFY(lines[4].contains("val_loss") && lines[4].contains("val_auc"));
        QVERIFY(lines[4]["loss"].get<double>() < lines[0]["loss"].get<double>());
        const json config = json::parse(readTextFile((out + "/config.json").toStdString()));
        QCOMPARE(config["training"]["epochs"].get<int>(), 5);
        QCOMPARE(config["split"]["test"].get<int>(), 60);
        const QString summary = QString::fromStdString(readTextFile((out + "/summary.txt").toStdString()));
        QVERIFY2(summary.contains("completed after 5 epoch(s)") && summary.contains("test_accuracy"),
            qPrintable(summary));
        // No temporary files are left behind.
        for (const auto& entry : std::filesystem::directory_iterator(out.toStdString()))
            QVERIFY2(entry.path().string().find(".tmp-") == std::string::npos, entry.path().c_str());
    }

    void resumeEqualsUninterrupted()
    {
        const QString whole = file("whole"), parts = file("parts");
        RUN_OK(runBatch(trainArgs(whole, 4)));
        RUN_OK(runBatch(trainArgs(parts, 2)));
        const Result again = runBatch(trainArgs(parts, 2));
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains("already holds a run"), qPrintable(again.err));
        RUN_OK(runBatch({ "train", "--resume", "--out", parts, "--data", m_data, "--epochs", "4" }));
        const auto a = jsonLines((whole + "/metrics.jsonl").toStdString());
        const auto b = jsonLines((parts + "/metrics.jsonl").toStdString());
        QCOMPARE(b.size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE(b[i]["loss"].get<double>(), a[i]["loss"].get<double>());
            QCOMPARE(b[i]["val_loss"].get<double>(), a[i]["val_loss"].get<double>());
        }
    }

    // "auto" (the default) times the model at 1 and 2 threads, says so, and keeps the choice in config.json;
    // the next run of the same model and batch takes the remembered choice.
    void autoThreadsRecordedInTheRunConfig()
    {
        QStringList args = trainArgs(file("auto"), 1);
        args[args.indexOf("--threads") + 1] = "auto";
        const Result r = runBatch(args);
        RUN_OK(r);
        QVERIFY2(r.out.contains("CPU threads: "), qPrintable(r.out));
        const json config = json::parse(readTextFile((file("auto") + "/config.json").toStdString()));
        QCOMPARE(config["training"]["threads"].get<int>(), 0);
        const json& chosen = config["cpu_threads"];
        QVERIFY(chosen["threads"].get<int>() >= 1);
        if (usableCores() > 1) {
            QCOMPARE(chosen["how"].get<std::string>(), std::string("auto, measured"));
            QVERIFY2(chosen["seconds_per_step"].contains("1") && chosen["seconds_per_step"].contains("2"),
                chosen.dump().c_str());
            args[args.indexOf("--out") + 1] = file("auto-again");
            RUN_OK(runBatch(args));
            const json again = json::parse(readTextFile((file("auto-again") + "/config.json").toStdString()));
            QCOMPARE(again["cpu_threads"]["how"].get<std::string>(), std::string("auto, remembered"));
            QCOMPARE(again["cpu_threads"]["threads"], chosen["threads"]);
        }
        const Result wrong
            = runBatch({ "train", "--model", QString::fromStdString(test::templateFile("xor_mlp")), "--data",
                m_data, "--out", file("wrong"), "--threads", "many" });
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("or 'auto'"), qPrintable(wrong.err));
    }

    // `info` names the BLAS Debian's alternative selects (the one LibTorch loaded), and warns with the fix
    // when it is the reference one.
    void infoNamesTheBlas()
    {
        const Result r = runBatch({ "info" });
        RUN_OK(r);
        for (const char* field :
            { "resources:", "LibTorch:", "BLAS:", "LAPACK:", "oneDNN:", "parallel:", "threads:", "devices:" })
            QVERIFY2(r.out.contains(field), qPrintable(r.out));
        const std::filesystem::path soname = "/usr/lib/x86_64-linux-gnu/libblas.so.3";
        if (!std::filesystem::exists(soname))
            QSKIP("no Debian BLAS alternative on this machine");
        const NumericLibrary selected = classifyBlasLibrary(std::filesystem::canonical(soname).string());
        QVERIFY2(r.out.contains(QString::fromStdString("BLAS:       " + selected.name)), qPrintable(r.out));
        QCOMPARE(r.out.contains("sudo apt install libopenblas0-openmp"), selected.reference);
    }

    // A run spec (as the window saves it) trains on generated data without any file, and the run continues
    // from its folder alone: config.json keeps where the data came from.
    void specOnGeneratedDataTrainsAndResumes()
    {
        RunSpec spec;
        spec.model = loadModel(test::templateFile("xor_mlp"));
        spec.data = DataSource::fromGenerator("xor", {}, 300, 3);
        spec.training.epochs = 2;
        spec.training.threads = 1;
        const QString specFile = file("xor-spec.json"), out = file("spec-run");
        spec.save(specFile.toStdString());
        RUN_OK(runBatch({ "train", "--spec", specFile, "--out", out, "--epochs", "2", "--quiet" }));
        const json config = json::parse(readTextFile((out + "/config.json").toStdString()));
        QCOMPARE(config["source"]["generator"].get<std::string>(), std::string("xor"));
        RUN_OK(runBatch({ "train", "--resume", "--out", out, "--epochs", "3", "--quiet" }));
        QCOMPARE(jsonLines((out + "/metrics.jsonl").toStdString()).size(), std::size_t(3));
        // Without a spec, a model or data there is nothing to train, and the message says what to give.
        const Result none = runBatch({ "train", "--out", file("nothing") });
        QVERIFY(none.exitCode != 0);
        QVERIFY2(none.err.contains("--model"), qPrintable(none.err));
    }

    void foreignCalorimeterFileGetsItsChannel()
    {
        // As the calorimeter tutorial's files store them: ECAL (N, 25, 25) showers and target (N) energies,
        // no attributes. The run reads (N, 1, 25, 25) images, as the window does: both open it with
        // openDataSource.
        const std::string ecal = file("ecal.h5").toStdString();
        {
            torch::manual_seed(4);
            const torch::Tensor showers = torch::rand({ 40, 25, 25 }).contiguous();
            const torch::Tensor energies = showers.sum({ 1, 2 }).contiguous();
            H5::H5File h5(ecal, H5F_ACC_TRUNC);
            const hsize_t showerDims[3] = { 40, 25, 25 }, energyDims[1] = { 40 };
            h5.createDataSet("ECAL", H5::PredType::NATIVE_FLOAT, H5::DataSpace(3, showerDims))
                .write(showers.data_ptr(), H5::PredType::NATIVE_FLOAT);
            h5.createDataSet("target", H5::PredType::NATIVE_FLOAT, H5::DataSpace(1, energyDims))
                .write(energies.data_ptr(), H5::PredType::NATIVE_FLOAT);
        }
        ModelGraph g;
        g.addNode("Input", { { "shape", { 1, 25, 25 } } }, "input");
        g.addNode("Flatten", nlohmann::json::object(), "flatten");
        g.addNode("Dense", { { "units", 1 } }, "energy");
        g.addNode("Output", nlohmann::json::object(), "output");
        g.connect("input", "flatten");
        g.connect("flatten", "energy");
        g.connect("energy", "output");
        saveModel(g, file("calo.neurino.json").toStdString());
        const QString out = file("calo");
        RUN_OK(runBatch({ "train", "--model", file("calo.neurino.json"), "--data", file("ecal.h5"),
            "--features", "ECAL", "--targets", "target", "--out", out, "--epochs", "1", "--batch-size", "8",
            "--threads", "1" }));
        const Checkpoint checkpoint = loadCheckpoint((out + "/checkpoint.h5").toStdString());
        QCOMPARE(checkpoint.data.sampleShape, (std::vector<std::int64_t> { 1, 25, 25 }));
        QCOMPARE(checkpoint.data.featuresPath, std::string("ECAL"));
        RUN_OK(runBatch({ "evaluate", "--checkpoint", out + "/best.h5", "--data", file("ecal.h5") }));
    }

    void evaluatePrintsJson()
    {
        const QString out = file("run");
        if (!QFile::exists(out + "/best.h5"))
            RUN_OK(runBatch(trainArgs(out, 5)));
        const Result r = runBatch({ "evaluate", "--checkpoint", out + "/best.h5", "--data", m_data, "--json",
            "--out", file("predictions.h5") });
        RUN_OK(r);
        const json doc = json::parse(r.out.toStdString());
        QCOMPARE(doc["samples"].get<int>(), 300);
        QVERIFY(doc["accuracy"].get<double>() > 0.9);
        QVERIFY(doc["auc"].get<double>() > 0.9);
        QCOMPARE(doc["confusion_matrix"]["classes"][1].get<std::string>(), std::string("different"));
        QVERIFY(QFile::exists(file("predictions.h5")));
        H5::H5File predictions(file("predictions.h5").toStdString(), H5F_ACC_RDONLY);
        QVERIFY(predictions.nameExists("predictions") && predictions.nameExists("predicted_class"));

        const Result text
            = runBatch({ "evaluate", "--checkpoint", out + "/checkpoint.h5", "--data", m_data });
        RUN_OK(text);
        QVERIFY2(text.out.contains("auc:") && text.out.contains("confusion matrix"), qPrintable(text.out));
    }

    void predictWritesCsv()
    {
        const QString out = file("run");
        if (!QFile::exists(out + "/best.h5"))
            RUN_OK(runBatch(trainArgs(out, 5)));
        const QString csv = file("predictions.csv");
        RUN_OK(runBatch({ "predict", "--checkpoint", out + "/best.h5", "--data", m_data, "--out", csv }));
        std::istringstream in(readTextFile(csv.toStdString()));
        int lines = 0;
        std::string header;
        std::getline(in, header);
        for (std::string line; std::getline(in, line);)
            ++lines;
        QCOMPARE(lines, 300);
        QCOMPARE(QString::fromStdString(header), QString("output_0,predicted_class"));
    }

    void exportPyTorchWritesTheFolder()
    {
        const QString out = file("run");
        if (!QFile::exists(out + "/best.h5"))
            RUN_OK(runBatch(trainArgs(out, 5)));
        const QString folder = file("xor_pytorch");
        const Result r = runBatch({ "export", "pytorch", "--checkpoint", out + "/best.h5", "--out", folder });
        RUN_OK(r);
        QVERIFY2(r.out.contains("class XorMlp"), qPrintable(r.out));
        for (const char* name : { "model.py", "weights.pt", "README.txt" })
            QVERIFY2(QFile::exists(folder + "/" + name), name);
        const std::string py = readTextFile((folder + "/model.py").toStdString());
        QVERIFY(py.find("class XorMlp(nn.Module):") != std::string::npos);
        QVERIFY(py.find("# node 'hidden' (Dense)") != std::string::npos);
        QVERIFY(py.find("input = (input - self.input_mean) / self.input_std") != std::string::npos);
    }

    void embeddingsOfInputsAndLayers()
    {
        const QString out = file("run");
        if (!QFile::exists(out + "/best.h5"))
            RUN_OK(runBatch(trainArgs(out, 5)));
        // PCA of the 2-D inputs keeps all their variance; the labels travel with the points.
        const Result pca = runBatch({ "pca", "--data", m_data, "--out", file("pca.h5") });
        RUN_OK(pca);
        QVERIFY2(pca.out.contains("explained variance"), qPrintable(pca.out));
        const Dataset inputs = readDataset(m_data.toStdString());
        const Dataset projected = readDataset(file("pca.h5").toStdString());
        QCOMPARE(projected.features.sizes().vec(), (std::vector<std::int64_t> { 300, 2 }));
        QVERIFY(torch::equal(projected.targets, inputs.targets));
        const json settings = json::parse(projected.info.optionsJson);
        double explained = 0;
        for (double r : settings["explained_variance_ratio"])
            explained += r;
        QVERIFY(std::abs(explained - 1) < 1e-5);

        // t-SNE of the hidden layer of the trained XOR model: neighbours in the map share their class.
        const Result tsne
            = runBatch({ "tsne", "--data", m_data, "--checkpoint", out + "/best.h5", "--layer", "hidden",
                "--iterations", "400", "--perplexity", "20", "--samples", "200", "--out", file("tsne.h5") });
        RUN_OK(tsne);
        QVERIFY2(tsne.out.contains("activations of layer 'hidden', 8 dimensions"), qPrintable(tsne.out));
        const Dataset map = readDataset(file("tsne.h5").toStdString());
        QCOMPARE(map.size(), std::int64_t(200));
        QVERIFY(torch::isfinite(map.features).all().item<bool>());
        const torch::Tensor rows = map.extras.at("source_row");
        QVERIFY(torch::equal(map.targets, inputs.targets.index_select(0, rows)));
        torch::Tensor distances = torch::cdist(map.features, map.features);
        distances.fill_diagonal_(std::numeric_limits<float>::infinity());
        const torch::Tensor nearest = distances.argmin(1);
        const double agree
            = map.targets.index_select(0, nearest).eq(map.targets).to(torch::kDouble).mean().item<double>();
        QVERIFY2(agree > 0.9, qPrintable(QString("nearest-neighbour class agreement %1").arg(agree)));

        // The FFT method, asked for by name, runs and is recorded; an unknown method is a usage error.
        const Result fft = runBatch({ "tsne", "--data", m_data, "--method", "fft", "--iterations", "300",
            "--perplexity", "20", "--samples", "200", "--out", file("tsne-fft.h5") });
        RUN_OK(fft);
        QVERIFY2(fft.out.contains("FFT-interpolated repulsion, exact neighbours"), qPrintable(fft.out));
        const json fftSettings = json::parse(readDataset(file("tsne-fft.h5").toStdString()).info.optionsJson);
        QCOMPARE(fftSettings["method"].get<std::string>(), std::string("fft"));
        QCOMPARE(
            runBatch({ "tsne", "--data", m_data, "--method", "nosuch", "--out", file("no.h5") }).exitCode, 2);

        const Result wrong = runBatch({ "pca", "--data", m_data, "--checkpoint", out + "/best.h5", "--layer",
            "nosuch", "--out", file("bad.h5") });
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(
            wrong.err.contains("no layer 'nosuch'") && wrong.err.contains("hidden"), qPrintable(wrong.err));
        QVERIFY(!QFile::exists(file("bad.h5")));
    }

    void ganTrainsSamplesAndResumes()
    {
        // Small blurred showers: a Gaussian spot of random width and energy on a 25x25 grid.
        torch::manual_seed(5);
        const torch::Tensor axis = torch::arange(25, torch::kFloat32) - 12;
        const torch::Tensor r2
            = (axis.view({ 25, 1 }).pow(2) + axis.view({ 1, 25 }).pow(2)).view({ 1, 1, 25, 25 });
        const torch::Tensor width = 1.5 + torch::rand({ 160, 1, 1, 1 });
        Dataset showers;
        showers.features
            = (torch::exp(-r2 / (2 * width * width)) * torch::rand({ 160, 1, 1, 1 })).contiguous();
        showers.info.task = Task::Unlabelled;
        writeDataset(file("showers.h5").toStdString(), showers);
        const QString run = file("gan");
        const QStringList train { "gan", "train", "--generator",
            QString::fromStdString(test::templateFile("calo_gan_generator")), "--discriminator",
            QString::fromStdString(test::templateFile("calo_gan_discriminator")), "--data",
            file("showers.h5"), "--out", run, "--epochs", "1", "--batch-size", "64", "--validation-showers",
            "40", "--threads", "1" };
        const Result first = runBatch(train);
        RUN_OK(first);
        QVERIFY2(first.out.contains("energy chi2/NDF"), qPrintable(first.out));
        auto lines = jsonLines((run + "/metrics.jsonl").toStdString());
        QCOMPARE(lines.size(), std::size_t(1));
        QVERIFY(lines[0].contains("g_loss") && lines[0].contains("energy_chi2_ndf"));
        QCOMPARE(runBatch(train).exitCode, 1); // the run is there: --resume or --overwrite

        // A lock left by a killed run (a process that has ended, on this host) is taken over, with a note.
        QProcess gone;
        gone.start("true", {});
        QVERIFY(gone.waitForStarted());
        const QString deadPid = QString::number(gone.processId());
        QVERIFY(gone.waitForFinished());
        char host[256] = {};
        QCOMPARE(::gethostname(host, sizeof host - 1), 0);
        writeTextFileAtomically(
            (run + "/.lock").toStdString(), deadPid.toStdString() + " " + host + " 2026-12-03T08:00:00\n");
        const Result resumed = runBatch(
            { "gan", "train", "--resume", "--data", file("showers.h5"), "--out", run, "--epochs", "2" });
        RUN_OK(resumed);
        QVERIFY2(resumed.err.contains("took over the lock") && resumed.err.contains("PID " + deadPid),
            qPrintable(resumed.err));
        QVERIFY(!QFile::exists(run + "/.lock"));
        lines = jsonLines((run + "/metrics.jsonl").toStdString());
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(lines[1]["epoch"].get<int>(), 2);

        // The lesson's recipe: a physics term, decaying rates, and the best epoch kept.
        QStringList recipe = train;
        recipe[recipe.indexOf("--out") + 1] = file("gan_recipe");
        recipe[recipe.indexOf("--epochs") + 1] = "2";
        recipe << "--physics-weight"
               << "5"
               << "--lr-decay"
               << "cosine"
               << "--keep-best"
               << "energy_chi2_ndf";
        RUN_OK(runBatch(recipe));
        const nlohmann::json gan
            = nlohmann::json::parse(readTextFile(file("gan_recipe/config.json").toStdString()))["gan"];
        QCOMPARE(gan["physics_weight"].get<double>(), 5.0);
        QCOMPARE(gan["schedule"]["kind"].get<std::string>(), std::string("cosine"));
        QCOMPARE(gan["schedule"]["min_learning_rate"].get<double>(), 1e-5);
        const QString summary
            = QString::fromStdString(readTextFile(file("gan_recipe/summary.txt").toStdString()));
        QVERIFY2(summary.contains("kept the networks of epoch"), qPrintable(summary));
        QCOMPARE(jsonLines(file("gan_recipe/metrics.jsonl").toStdString()).size(), std::size_t(2));
        QStringList negative = recipe;
        negative[negative.indexOf("--physics-weight") + 1] = "-1";
        QCOMPARE(runBatch(negative).exitCode, 2); // a usage error

        RUN_OK(
            runBatch({ "gan", "sample", "--checkpoint", run, "--events", "12", "--out", file("fake.h5") }));
        const Dataset fake = readDataset(file("fake.h5").toStdString());
        QCOMPARE(fake.features.sizes().vec(), (std::vector<std::int64_t> { 12, 1, 25, 25 }));
        QVERIFY((fake.features >= 0).all().item<bool>());
    }

    void failuresSayWhat_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString xor_ = QString::fromStdString(test::templateFile("xor_mlp"));
        const QString higgs = QString::fromStdString(test::templateFile("higgs_shallow"));
        QTest::newRow("missing HDF5 path") << QStringList { "train", "--model", xor_, "--data", "@data",
            "--out", "@dir/a", "--features", "ECAL" }
                                           << 1 << "has no features dataset 'ECAL'";
        QTest::newRow("wrong-shaped dataset") << QStringList { "train", "--model", higgs, "--data", "@data",
            "--out", "@dir/b" } << 1 << "takes samples of shape (28,)";
        QTest::newRow("truncated checkpoint") << QStringList { "evaluate", "--checkpoint", "@dir/cut.h5",
            "--data", "@data" } << 1 << "truncated";
        QTest::newRow("absurd learning rate") << QStringList { "train", "--model", "@dir/linear.neurino.json",
            "--data", "@data", "--out", "@dir/c", "--optimizer", "sgd", "--lr", "1e30", "--loss", "mse",
            "--epochs", "3" } << 1 << "the loss became";
        QTest::newRow("export of a truncated checkpoint")
            << QStringList { "export", "pytorch", "--checkpoint", "@dir/cut.h5", "--out", "@dir/cut_pytorch" }
            << 1 << "truncated";
        QTest::newRow("usage: export names no format") << QStringList { "export" } << 2 << "subcommand";
        QTest::newRow("usage: no --out")
            << QStringList { "train", "--model", xor_, "--data", "@data" } << 2 << "--out";
        QTest::newRow("usage: unknown optimizer") << QStringList { "train", "--model", xor_, "--data",
            "@data", "--out", "@dir/d", "--optimizer", "lbfgs" }
                                                  << 2 << "lbfgs";
    }

    void failuresSayWhat()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString cut = file("cut.h5");
        if (!QFile::exists(cut)) {
            const QString out = file("run");
            if (!QFile::exists(out + "/checkpoint.h5"))
                RUN_OK(runBatch(trainArgs(out, 5)));
            const std::string full = readTextFile((out + "/checkpoint.h5").toStdString());
            std::ofstream(cut.toStdString(), std::ios::binary) << full.substr(0, full.size() / 3);
        }
        for (QString& a : args)
            a.replace("@data", m_data).replace("@dir", m_dir.path());
        const Result r = runBatch(args);
        QVERIFY2(r.exitCode == exitCode, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

NEURINO_TEST_MAIN(TestBatchCli)
#include "TestBatchCli.moc"
