// PyTorch export: for every template and for three models that between them hold every layer kind, model.py
// and weights.pt, loaded by python3-torch with strict=True, give the outputs of Neurino's own predict path
// on 100 seeded random raw inputs within 1e-5; a checkpoint that cannot be exported says which node and
// writes nothing.
#include "core/data/Standardizer.h"
#include "core/graph/ModelJson.h"
#include "core/io/PyTorchExport.h"
#include "core/io/PyTorchSource.h"
#include "core/train/Checkpoint.h"
#include "core/train/Evaluator.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"
#include "tests/core/io/ExportCases.h"

#include "tests/TestMain.h"
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

using namespace neurino;
using nlohmann::json;

namespace pytorchexporttest {

// The most |LibTorch - PyTorch| allowed on any output.
constexpr double kTolerance = 1e-5;
// Random inputs per model.
constexpr std::int64_t kSamples = 100;

// Runs model.py with weights.pt on raw float32 inputs and writes the outputs as raw float32:
// runner.py EXPORT_DIR CLASS OUTPUTS.f32 INPUTS.f32 SHAPE [INPUTS.f32 SHAPE ...], one pair per Input;
// prints the output's shape.
const char* const kRunner = R"(import sys

import numpy
import torch

folder, class_name, outputs = sys.argv[1:4]
sys.path.insert(0, folder)
import model

torch.set_num_threads(1)
net = getattr(model, class_name)()
# As README.txt says: weights_only=False, which PyTorch 2.6 and later need for LibTorch's tagged dict.
net.load_state_dict(torch.load(folder + "/weights.pt", weights_only=False), strict=True)
net.eval()
pairs = sys.argv[4:]
xs = [numpy.fromfile(pairs[i], dtype=numpy.float32).reshape([int(s) for s in pairs[i + 1].split(",")])
      for i in range(0, len(pairs), 2)]
with torch.no_grad():
    y = net(*[torch.from_numpy(x) for x in xs])
assert y.dtype == torch.float32, y.dtype
y.numpy().tofile(outputs)
print(",".join(str(s) for s in y.shape))
)";
using namespace neurino::test::exportcases;

std::string shapeArg(const torch::Tensor& t)
{
    std::string text;
    for (std::int64_t s : t.sizes())
        text += (text.empty() ? "" : ",") + std::to_string(s);
    return text;
}

// python3 with torch and numpy: $NEURINO_TORCH_PYTHON, else Debian's /usr/bin/python3 (python3-torch), else
// python3 on PATH; empty when none imports them.
QString torchPython()
{
    QStringList candidates;
    if (!qEnvironmentVariableIsEmpty("NEURINO_TORCH_PYTHON"))
        candidates << qEnvironmentVariable("NEURINO_TORCH_PYTHON");
    candidates << "/usr/bin/python3"
               << "python3";
    for (const QString& python : candidates) {
        if (test::runProcess(python, { "-c", "import torch, numpy" }, {}, 120000).exitCode == 0)
            return python;
    }
    return {};
}

std::set<std::string> graphKinds(const ModelGraph& graph)
{
    std::set<std::string> kinds;
    for (const Node& n : graph.nodes())
        kinds.insert(n.layer.kind);
    return kinds;
}

template <typename E, typename F> QString errorOf(F&& call)
{
    try {
        call();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace pytorchexporttest

namespace pxt = pytorchexporttest;

class TestPyTorchExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_python;

    std::string path(const std::string& name) const
    {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    // Exports the checkpoint's file as the CLI does: loaded, made in memory, written.
    PyTorchExport exportTo(const std::string& checkpointPath, const std::string& dir) const
    {
        const PyTorchExport files = exportPyTorch(loadCheckpoint(checkpointPath), "checkpoint.h5");
        writePyTorchExport(files, dir);
        return files;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_python = pxt::torchPython();
    }

    void everyLayerKindIsExportedAndTested()
    {
        const std::vector<std::string> exported = pyTorchExportKinds();
        std::set<std::string> tested;
        for (const auto& name : { "branches", "image", "sequence" }) {
            const ModelGraph g = pxt::caseGraph(name);
            QVERIFY2(g.validate().empty(), formatIssues(g, g.validate()).c_str());
            const auto kinds = pxt::graphKinds(g);
            tested.insert(kinds.begin(), kinds.end());
        }
        for (const LayerKind& kind : LayerRegistry::instance().kinds()) {
            QVERIFY2(
                std::find(exported.begin(), exported.end(), kind.name) != exported.end(), kind.name.c_str());
            QVERIFY2(tested.count(kind.name), (kind.name + " is in no test model").c_str());
        }
    }

    void pythonIdentifiers_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("identifier");
        QTest::newRow("plain") << "dense_1"
                               << "dense_1";
        QTest::newRow("dash and space") << "conv-2 a"
                                        << "conv_2_a";
        QTest::newRow("leading digit") << "2nd"
                                       << "n_2nd";
        QTest::newRow("leading underscore") << "_modules"
                                            << "n_modules";
        QTest::newRow("keyword") << "lambda"
                                 << "lambda_";
        QTest::newRow("nn.Module attribute") << "training"
                                             << "training_";
        QTest::newRow("import") << "F"
                                << "F_";
        QTest::newRow("not ASCII") << "énergie"
                                   << "n__nergie";
    }

    void pythonIdentifiers()
    {
        QFETCH(QString, id);
        QFETCH(QString, identifier);
        QCOMPARE(QString::fromStdString(pythonIdentifier(id.toStdString())), identifier);
    }

    void matchesLibTorch_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("standardize");
        for (const auto& name : pxt::kTemplates) {
            // As a run's "auto" does: flat features are standardised; a GAN's latent noise is not.
            const bool flat = name.rfind("higgs", 0) == 0 || name == "xor_mlp";
            QTest::newRow(name.c_str()) << QString::fromStdString(name) << flat;
        }
        for (const char* name : { "branches", "image", "sequence" })
            QTest::newRow(name) << name << true;
        QTest::newRow("two_inputs") << "two_inputs" << false;
    }

    void matchesLibTorch()
    {
        QFETCH(QString, model);
        QFETCH(bool, standardize);
        if (m_python.isEmpty())
            QSKIP(
                "python3-torch is not installed: neither $NEURINO_TORCH_PYTHON, /usr/bin/python3 nor python3 "
                "imports torch and numpy (Debian: apt install python3-torch)");
        const std::string name = model.toStdString();
        const ModelGraph graph = pxt::caseGraph(name);
        const std::string checkpointPath = path(name + ".h5");
        saveCheckpoint(checkpointPath, pxt::seededCheckpoint(graph, standardize, /*seed=*/11));
        const std::string dir = path(name + "_pytorch");
        const PyTorchExport files = exportTo(checkpointPath, dir);

        // Neurino's own predict path on the raw features; forward() for a model of several inputs, which
        // predict does not take.
        const Checkpoint loaded = loadCheckpoint(checkpointPath);
        QCOMPARE(loaded.standardizer.fitted(), standardize);
        GraphModule module = moduleFromCheckpoint(loaded);
        torch::manual_seed(23);
        std::vector<torch::Tensor> xs;
        for (const auto& input : graph.inputNodes()) {
            const Shape shape = module->shapes().at(input);
            xs.push_back(pxt::rawFeatures(shape, pxt::kSamples, standardize && shape.size() == 1));
        }
        torch::Tensor expected;
        if (xs.size() == 1) {
            expected = predict(module, xs[0], standardize ? &loaded.standardizer : nullptr);
        } else {
            torch::NoGradGuard noGrad;
            expected = module->forward(xs);
        }
        expected = expected.contiguous();
        // Outputs that vary from sample to sample, so that equal ones mean something.
        QVERIFY(expected.std().item<double>() > 1e-4);

        const std::string outputs = path(name + "_y.f32"), runner = path("runner.py");
        writeTextFileAtomically(runner, pxt::kRunner);
        QStringList args { QString::fromStdString(runner), QString::fromStdString(dir),
            QString::fromStdString(files.className), QString::fromStdString(outputs) };
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const std::string inputs = path(name + "_x" + std::to_string(i) + ".f32");
            writeBytes(
                inputs, xs[i].data_ptr<float>(), static_cast<std::size_t>(xs[i].numel()) * sizeof(float));
            args << QString::fromStdString(inputs) << QString::fromStdString(pxt::shapeArg(xs[i]));
        }
        const test::ProcessResult r = test::runProcess(m_python, args, {}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QCOMPARE(r.out.trimmed().toStdString(), pxt::shapeArg(expected));
        const std::string bytes = readTextFile(outputs);
        QCOMPARE(bytes.size(), static_cast<std::size_t>(expected.numel()) * sizeof(float));
        torch::Tensor got = torch::empty(expected.sizes());
        std::memcpy(got.data_ptr<float>(), bytes.data(), bytes.size());
        const double difference = (got - expected).abs().max().item<double>();
        qInfo("%s: max |LibTorch - PyTorch| = %.3g over %lld outputs", name.c_str(), difference,
            static_cast<long long>(expected.numel()));
        QVERIFY2(difference <= pxt::kTolerance, qPrintable(QString("max difference %1").arg(difference)));

        // The source names every node and its kind; the README says how to load it.
        const std::string py = readTextFile(dir + "/model.py");
        for (const Node& n : graph.nodes()) {
            const std::string comment = "node '" + n.id + "' (" + n.layer.kind + ")";
            QVERIFY2(py.find(comment) != std::string::npos, comment.c_str());
        }
        QVERIFY(py.find("class " + files.className + "(nn.Module):") != std::string::npos);
        const std::string readme = readTextFile(dir + "/README.txt");
        QVERIFY2(readme.find("from model import " + files.className) != std::string::npos, readme.c_str());
        QVERIFY2(readme.find("torch.load(\"weights.pt\", weights_only=False)") != std::string::npos,
            readme.c_str());
    }

    void templateClassNames()
    {
        const std::string checkpointPath = path("names.h5");
        saveCheckpoint(checkpointPath, pxt::seededCheckpoint(pxt::caseGraph("higgs_deep"), true, 1));
        const PyTorchExport files = exportPyTorch(loadCheckpoint(checkpointPath), "names.h5");
        QCOMPARE(files.className, std::string("HiggsDeep"));
        QVERIFY(
            files.modelPy.find("self.register_buffer(\"input_mean\", torch.zeros(28))") != std::string::npos);
        QVERIFY(files.modelPy.find("# node 'dense_1' (Dense)\n        self.dense_1 = nn.Linear(28, 200)")
            != std::string::npos);
        QVERIFY(files.readme.find("(N, 28)") != std::string::npos);
    }

    void invalidGraphWritesNothing()
    {
        // A Dense straight after an image: shape inference fails at that node.
        ModelGraph g = pxt::buildGraph("broken",
            { { "input", "Input", { { "shape", { 1, 4, 4 } } } }, { "dense_1", "Dense", { { "units", 2 } } },
                { "output", "Output" } });
        Checkpoint c;
        c.graph = g;
        const std::string checkpointPath = path("broken.h5");
        saveCheckpoint(checkpointPath, c);
        const std::string dir = path("broken_pytorch");
        const QString message = pxt::errorOf<Error>([&] { exportTo(checkpointPath, dir); });
        QVERIFY2(message.contains("node 'dense_1' (Dense)"), qPrintable(message));
        QVERIFY(!std::filesystem::exists(dir));
    }

    void missingWeightWritesNothing()
    {
        Checkpoint c = pxt::seededCheckpoint(pxt::caseGraph("xor_mlp"), true, 2);
        c.weights.at("hidden").erase("bias");
        const std::string checkpointPath = path("nobias.h5");
        saveCheckpoint(checkpointPath, c);
        const std::string dir = path("nobias_pytorch");
        const QString message = pxt::errorOf<Error>([&] { exportTo(checkpointPath, dir); });
        QVERIFY2(message.contains("hidden") && message.contains("bias"), qPrintable(message));
        QVERIFY(!std::filesystem::exists(dir));
    }

    void standardisationOfAnotherShapeWritesNothing()
    {
        Checkpoint c = pxt::seededCheckpoint(pxt::caseGraph("xor_mlp"), false, 3);
        c.standardizer = Standardizer(torch::zeros({ 3 }), torch::ones({ 3 }));
        const std::string dir = path("shape_pytorch");
        const QString message
            = pxt::errorOf<Error>([&] { writePyTorchExport(exportPyTorch(c, "c.h5"), dir); });
        QVERIFY2(message.contains("(3,)") && message.contains("'input'"), qPrintable(message));
        QVERIFY(!std::filesystem::exists(dir));
    }

    void unwritableFolderIsNamed()
    {
        const std::string blocker = path("a_file");
        writeTextFileAtomically(blocker, "in the way");
        const PyTorchExport files
            = exportPyTorch(pxt::seededCheckpoint(pxt::caseGraph("xor_mlp"), true, 4), "c.h5");
        const QString message = pxt::errorOf<Error>([&] { writePyTorchExport(files, blocker); });
        QVERIFY2(message.contains(QString::fromStdString(blocker)), qPrintable(message));
    }
};

NEURINO_TEST_MAIN(TestPyTorchExport)
#include "TestPyTorchExport.moc"
