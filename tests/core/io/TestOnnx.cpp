// ONNX export and import, checked against ONNX Runtime (npm's onnxruntime-node, run by
// tests/tools/run_onnxruntime.js) and python3-onnx's checker: for every template, every lesson model and
// three models that between them hold every layer kind, the exported file gives the outputs of Neurino's own
// predict path on 100 seeded random raw inputs within 1e-5, and imports back to the same outputs; every Keras
// fixture (tests/tools/make_keras_fixtures.py), imported, exported and imported again, and run in ONNX
// Runtime, gives the outputs numpy computed for the Keras model within 1e-5; a graph of
// standard operators built here with the ONNX protobuf classes imports and gives ONNX Runtime's outputs;
// malformed and unsupported files each say what and where, and the command writes nothing for them.
#include "core/graph/ModelJson.h"
#include "core/io/KerasImport.h"
#include "core/io/OnnxExport.h"
#include "core/io/OnnxImport.h"
#include "core/io/OnnxProto.h"
#include "core/io/WeightsFile.h"
#include "core/train/Checkpoint.h"
#include "core/train/Evaluator.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"
#include "tests/core/io/ExportCases.h"
#include "tests/core/io/KerasFixtures.h"

#include "tests/TestMain.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>

using namespace neurino;

namespace onnxtest {

using namespace neurino::test::exportcases;

// The most |LibTorch - ONNX Runtime| allowed on any output.
constexpr double kTolerance = 1e-5;
// Random inputs per model.
constexpr std::int64_t kSamples = 100;

// A model exported, the inputs it is run on and what Neurino computes for them.
struct Case {
    std::string name;
    ModelGraph graph;
    bool standardize = false;
    std::string checkpoint, onnx;
    std::vector<std::string> inputNames;
    std::vector<torch::Tensor> xs;
    torch::Tensor expected;
    double exportMs = 0;
    std::size_t bytes = 0;
};

// The lessons' own models (resources/exercises/<lesson>/*.neurino.json), which the templates do not cover.
std::vector<std::pair<std::string, std::string>> lessonModels()
{
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& entry : fs::recursive_directory_iterator(test::sourcePath("resources/exercises"))) {
        const std::string name = entry.path().filename().string();
        const std::string suffix = ".neurino.json";
        if (name.size() > suffix.size()
            && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            files.emplace_back(name.substr(0, name.size() - suffix.size()), entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// ONNX Runtime's folder: $NEURINO_ONNXRUNTIME_NODE, else where scripts/neurino installs it; empty when
// absent.
QString onnxRuntimeFolder()
{
    QStringList candidates;
    if (!qEnvironmentVariableIsEmpty("NEURINO_ONNXRUNTIME_NODE"))
        candidates << qEnvironmentVariable("NEURINO_ONNXRUNTIME_NODE");
    const QString cache = qEnvironmentVariableIsEmpty("XDG_CACHE_HOME")
        ? QDir::homePath() + "/.cache"
        : qEnvironmentVariable("XDG_CACHE_HOME");
    candidates << cache + "/neurino/onnxruntime-node";
    for (const QString& folder : candidates) {
        if (QFile::exists(folder + "/node_modules/onnxruntime-node/package.json"))
            return folder;
    }
    return {};
}

// A model written with the ONNX protobuf classes, as other tools write them.
class OnnxBuilder {
public:
    explicit OnnxBuilder(int opset = 13)
    {
        m_model.set_ir_version(7);
        m_model.set_producer_name("TestOnnx");
        auto* o = m_model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        m_model.mutable_graph()->set_name("hand built");
    }

    void input(
        const std::string& name, const std::vector<std::int64_t>& sample, int type = onnx::TensorProto::FLOAT)
    {
        auto* v = m_model.mutable_graph()->add_input();
        v->set_name(name);
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(type);
        t->mutable_shape()->add_dim()->set_dim_param("batch");
        for (std::int64_t s : sample)
            t->mutable_shape()->add_dim()->set_dim_value(s);
    }

    void output(const std::string& name, const std::vector<std::int64_t>& sample = {})
    {
        auto* v = m_model.mutable_graph()->add_output();
        v->set_name(name);
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        t->mutable_shape()->add_dim()->set_dim_param("batch");
        for (std::int64_t s : sample)
            t->mutable_shape()->add_dim()->set_dim_value(s);
    }

    // A float initializer of random values (scaled), named `name`.
    std::string weights(const std::string& name, const std::vector<std::int64_t>& shape, double scale = 0.5,
        double offset = 0)
    {
        return floats(name, torch::randn(shape) * scale + offset);
    }

    std::string floats(const std::string& name, const torch::Tensor& values)
    {
        auto* t = m_model.mutable_graph()->add_initializer();
        const torch::Tensor v = values.contiguous();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (std::int64_t s : v.sizes())
            t->add_dims(s);
        for (std::int64_t i = 0; i < v.numel(); ++i)
            t->add_float_data(v.data_ptr<float>()[i]);
        return name;
    }

    std::string ints(const std::string& name, const std::vector<std::int64_t>& values)
    {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(static_cast<std::int64_t>(values.size()));
        for (std::int64_t v : values)
            t->add_int64_data(v);
        return name;
    }

    onnx::NodeProto& node(const std::string& op, const std::string& name,
        const std::vector<std::string>& inputs, const std::string& output = {})
    {
        auto* n = m_model.mutable_graph()->add_node();
        n->set_op_type(op);
        n->set_name(name);
        for (const auto& i : inputs)
            n->add_input(i);
        n->add_output(output.empty() ? name : output);
        return *n;
    }

    std::string bytes() const { return m_model.SerializeAsString(); }

private:
    onnx::ModelProto m_model;
};

void attr(onnx::NodeProto& n, const std::string& name, std::vector<std::int64_t> values)
{
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values)
        a->add_ints(v);
}

void attr(onnx::NodeProto& n, const std::string& name, std::int64_t value)
{
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void attrFloat(onnx::NodeProto& n, const std::string& name, float value)
{
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void attrString(onnx::NodeProto& n, const std::string& name, const std::string& value)
{
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(value);
}

// A CNN and MLP of the standard operators the import takes, as a PyTorch or Keras converter writes them:
// explicit pads, separate activations, MatMul + Add, a bias folded from an Add, a residual Add and a Concat.
std::string handBuiltModel()
{
    torch::manual_seed(5);
    OnnxBuilder b;
    b.input("image", { 1, 10, 10 });
    b.node("Sub", "centre", { "image", b.weights("mean", { 1, 10, 10 }, 0.1, 0.5) });
    b.node("Div", "scale", { "centre", b.floats("std", 0.2 + torch::rand({ 1, 1, 10 })) });
    auto& conv1 = b.node(
        "Conv", "conv1", { "scale", b.weights("conv1.w", { 4, 1, 3, 3 }), b.weights("conv1.b", { 4 }) });
    attr(conv1, "pads", { 1, 1, 1, 1 });
    auto& bn = b.node("BatchNormalization", "bn1",
        { "conv1", b.weights("bn.scale", { 4 }, 0.2, 1), b.weights("bn.b", { 4 }, 0.1),
            b.weights("bn.mean", { 4 }, 0.3), b.floats("bn.var", 0.5 + torch::rand({ 4 })) });
    attrFloat(bn, "epsilon", 1e-3F);
    b.node("Relu", "relu1", { "bn1" });
    auto& pool1 = b.node("MaxPool", "pool1", { "relu1" });
    attr(pool1, "kernel_shape", { 2, 2 });
    attr(pool1, "strides", { 2, 2 });
    b.node("Pad", "pad1", { "pool1", b.ints("pad1.pads", { 0, 0, 1, 1, 0, 0, 1, 1 }) });
    auto& conv2 = b.node("Conv", "conv2", { "pad1", b.weights("conv2.w", { 6, 4, 3, 3 }) });
    attr(conv2, "strides", { 2, 2 });
    b.node("Add", "conv2_bias", { "conv2", b.weights("conv2.b", { 6, 1, 1 }) });
    attrFloat(b.node("Elu", "elu", { "conv2_bias" }), "alpha", 0.5F);
    auto& up = b.node(
        "ConvTranspose", "up1", { "elu", b.weights("up1.w", { 6, 3, 2, 2 }), b.weights("up1.b", { 3 }) });
    attr(up, "strides", { 2, 2 });
    auto& resize = b.node(
        "Resize", "resize", { "up1", "", b.floats("resize.scales", torch::tensor({ 1.F, 1.F, 2.F, 2.F })) });
    attrString(resize, "mode", "nearest");
    auto& avg = b.node("AveragePool", "avg", { "resize" });
    attr(avg, "kernel_shape", { 3, 3 });
    attr(avg, "strides", { 2, 2 });
    attr(avg, "pads", { 0, 0, 1, 1 });
    attr(b.node("Conv", "side", { "avg", b.weights("side.w", { 3, 3, 1, 1 }), b.weights("side.b", { 3 }) }),
        "kernel_shape", { 1, 1 });
    b.node("Add", "residual", { "avg", "side" });
    b.node("GlobalAveragePool", "gap", { "residual" });
    b.node("Flatten", "gap_flat", { "gap" });
    attr(b.node("Concat", "cat", { "residual", "avg" }), "axis", std::int64_t { 1 });
    auto& pool2 = b.node("MaxPool", "pool2", { "cat" });
    attr(pool2, "kernel_shape", { 2, 2 });
    attr(pool2, "strides", { 2, 2 });
    b.node("Flatten", "flat", { "pool2" });
    b.node("Gemm", "fc1", { "flat", b.weights("fc1.w", { 54, 16 }, 0.2), b.weights("fc1.b", { 16 }) });
    attrFloat(b.node("LeakyRelu", "leaky", { "fc1" }), "alpha", 0.2F);
    b.node("MatMul", "fc2", { "leaky", b.weights("fc2.w", { 16, 8 }) });
    b.node("Add", "fc2_bias", { "fc2", b.weights("fc2.b", { 8 }) });
    b.node("Tanh", "tanh", { "fc2_bias" });
    b.node("Reshape", "pairs", { "tanh", b.ints("pairs.shape", { -1, 2, 4 }) });
    b.node("Softmax", "pair_softmax", { "pairs" });
    b.node("Reshape", "unpair", { "pair_softmax", b.ints("unpair.shape", { 0, 8 }) });
    attr(b.node("Concat", "features", { "unpair", "gap_flat" }), "axis", std::int64_t { -1 });
    b.node("Sigmoid", "sigmoid", { "features" });
    attr(b.node(
             "Gemm", "scores", { "sigmoid", b.weights("scores.w", { 3, 11 }), b.weights("scores.b", { 3 }) }),
        "transB", std::int64_t { 1 });
    b.node("Softmax", "softmax", { "scores" }, "probs");
    b.output("probs", { 3 });
    return b.bytes();
}

// A small MLP the malformed cases start from: x (4) -> Gemm fc -> Relu.
OnnxBuilder mlpBuilder()
{
    OnnxBuilder b;
    b.input("x", { 4 });
    attr(b.node("Gemm", "fc", { "x", b.weights("fc.w", { 3, 4 }), b.weights("fc.b", { 3 }) }), "transB",
        std::int64_t { 1 });
    return b;
}

std::string malformed(const std::string& which, const std::string& good)
{
    if (which == "truncated")
        return good.substr(0, good.size() * 3 / 5);
    if (which == "not protobuf")
        return "<?xml version=\"1.0\"?><model/>";
    OnnxBuilder b
        = which == "image into Gemm" || which == "grouped convolution" ? OnnxBuilder() : mlpBuilder();
    if (which == "unsupported operator") {
        b.node("Erf", "mystery", { "fc" });
        b.output("mystery");
    } else if (which == "missing initializer") {
        b.node("MatMul", "fc2", { "fc", "fc2.weight" });
        b.output("fc2");
    } else if (which == "image into Gemm") {
        b.input("x", { 1, 4, 4 });
        b.node("Gemm", "dense", { "x", b.weights("w", { 16, 2 }) });
        b.output("dense");
    } else if (which == "grouped convolution") {
        b.input("x", { 4, 6, 6 });
        attr(b.node("Conv", "grouped", { "x", b.weights("w", { 4, 2, 3, 3 }) }), "group", std::int64_t { 2 });
        b.output("grouped");
    } else if (which == "transpose") {
        attr(b.node("Transpose", "swap", { "fc" }), "perm", { 1, 0 });
        b.node("Relu", "relu", { "swap" });
        b.output("relu");
    } else if (which == "integer input") {
        OnnxBuilder ints;
        ints.input("ids", { 4 }, onnx::TensorProto::INT64);
        ints.node("Relu", "relu", { "ids" });
        ints.output("relu");
        return ints.bytes();
    } else if (which == "rank of a bias") {
        b.node("Add", "shift", { "fc", b.weights("shift.c", { 3 }) });
        b.output("shift");
    } else if (which == "two outputs") {
        b.node("Relu", "relu", { "fc" });
        b.node("Tanh", "tanh", { "fc" });
        b.output("relu");
        b.output("tanh");
    }
    return b.bytes();
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

torch::Tensor readFloats(const std::string& file, const torch::Tensor& like)
{
    const std::string bytes = readTextFile(file);
    if (bytes.size() != static_cast<std::size_t>(like.numel()) * sizeof(float))
        return {};
    torch::Tensor t = torch::empty(like.sizes());
    std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
    return t;
}

// Neurino's own outputs: predict for one input, forward() for several (predict takes one).
torch::Tensor neurinoOutputs(const Checkpoint& checkpoint, const std::vector<torch::Tensor>& xs)
{
    GraphModule module = moduleFromCheckpoint(checkpoint);
    if (xs.size() == 1)
        return predict(module, xs[0], checkpoint.standardizer.fitted() ? &checkpoint.standardizer : nullptr)
            .contiguous();
    torch::NoGradGuard noGrad;
    return module->forward(xs).contiguous();
}

} // namespace onnxtest

namespace ot = onnxtest;
namespace kf = neurino::test::kerasfixtures;

class TestOnnx : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::vector<ot::Case> m_cases;
    QString m_ortFolder, m_node, m_ortProblem;
    bool m_ortRan = false;
    torch::Tensor m_handInputs;
    std::string m_handModel;
    QString m_kerasProblem; // why the Keras fixtures could not be made
    std::map<std::string, QString> m_ortRefused; // ONNX file -> why ORT's optimised session refused it

    std::string path(const std::string& name) const
    {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    const ot::Case& findCase(const QString& name) const
    {
        for (const auto& c : m_cases) {
            if (c.name == name.toStdString())
                return c;
        }
        throw std::runtime_error("no case " + name.toStdString());
    }

    ot::Case makeCase(const std::string& name, const ModelGraph& graph, bool standardize)
    {
        ot::Case c;
        c.name = name;
        c.graph = graph;
        c.standardize = standardize;
        c.checkpoint = path(name + ".h5");
        c.onnx = path(name + ".onnx");
        saveCheckpoint(c.checkpoint, ot::seededCheckpoint(graph, standardize, /*seed=*/11));
        exportCase(c);
        GraphModule module = moduleFromCheckpoint(loadCheckpoint(c.checkpoint));
        torch::manual_seed(23);
        for (const auto& input : graph.inputNodes()) {
            const Shape shape = module->shapes().at(input);
            c.inputNames.push_back(input);
            c.xs.push_back(ot::rawFeatures(shape, ot::kSamples, standardize && shape.size() == 1));
        }
        c.expected = ot::neurinoOutputs(loadCheckpoint(c.checkpoint), c.xs);
        return c;
    }

    // A Keras fixture imported (Keras -> Neurino) and exported (-> ONNX); its inputs and expected outputs
    // are those numpy computed for the Keras model.
    ot::Case kerasCase(const std::string& fixture)
    {
        ot::Case c;
        c.name = "keras_" + fixture;
        const std::string folder = path("keras") + "/";
        const Checkpoint imported = importKerasModel(folder + fixture + ".h5").checkpoint;
        c.graph = imported.graph;
        c.checkpoint = path(c.name + ".h5");
        c.onnx = path(c.name + ".onnx");
        saveCheckpoint(c.checkpoint, imported);
        exportCase(c);
        const kf::Reference ref = kf::readReference(folder + fixture + ".ref.h5");
        c.inputNames = c.graph.inputNodes();
        c.xs = ref.inputs;
        c.expected = ref.output;
        return c;
    }

    // The case's checkpoint as an ONNX file, as the command makes it: loaded, made in memory, written.
    void exportCase(ot::Case& c)
    {
        const auto start = std::chrono::steady_clock::now();
        const Checkpoint loaded = loadCheckpoint(c.checkpoint);
        const std::string bytes = exportOnnx(loaded, c.name + ".h5", OnnxExportOptions {});
        writeOnnxFile(bytes, c.onnx);
        c.exportMs
            = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        c.bytes = bytes.size();
    }

    QJsonObject job(const std::string& model, const std::vector<std::string>& names,
        const std::vector<torch::Tensor>& xs, const std::string& output)
    {
        QJsonArray inputs;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const std::string file = output + ".x" + std::to_string(i);
            writeBytes(
                file, xs[i].data_ptr<float>(), static_cast<std::size_t>(xs[i].numel()) * sizeof(float));
            QJsonArray shape;
            for (std::int64_t s : xs[i].sizes())
                shape.append(static_cast<qint64>(s));
            inputs.append(QJsonObject { { "name", QString::fromStdString(names[i]) },
                { "file", QString::fromStdString(file) }, { "shape", shape } });
        }
        return QJsonObject { { "model", QString::fromStdString(model) }, { "inputs", inputs },
            { "output", QString::fromStdString(output) } };
    }

    // Every model in one node process: ONNX Runtime's start-up is paid once.
    void runOnnxRuntime()
    {
        m_ortFolder = ot::onnxRuntimeFolder();
        m_node = QStandardPaths::findExecutable("node");
        if (m_node.isEmpty() || m_ortFolder.isEmpty()) {
            m_ortProblem = m_node.isEmpty()
                ? "node is not installed (Debian: apt install nodejs)"
                : "onnxruntime-node is not installed: `scripts/neurino test` installs it into "
                  "~/.cache/neurino/onnxruntime-node (npm install --ignore-scripts onnxruntime-node), or set "
                  "$NEURINO_ONNXRUNTIME_NODE to a folder holding node_modules/onnxruntime-node";
            return;
        }
        QJsonArray jobs;
        for (const auto& c : m_cases)
            jobs.append(job(c.onnx, c.inputNames, c.xs, c.onnx + ".ort"));
        jobs.append(job(m_handModel, { "image" }, { m_handInputs }, m_handModel + ".ort"));
        const std::string jobFile = path("jobs.json");
        writeTextFileAtomically(jobFile, QJsonDocument(jobs).toJson().toStdString());
        const test::ProcessResult r = test::runProcess(m_node,
            { QString::fromStdString(test::sourcePath("tests/tools/run_onnxruntime.js")), m_ortFolder,
                QString::fromStdString(jobFile) },
            {}, 300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err.left(2000)));
        for (const QString& line : r.out.split('\n', Qt::SkipEmptyParts)) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (o.value("optimized").toString() != "ok")
                m_ortRefused[o.value("model").toString().toStdString()] = o.value("optimized").toString();
        }
        m_ortRan = true;
    }

    torch::Tensor ortOutputs(const std::string& onnxFile, const torch::Tensor& like) const
    {
        return ot::readFloats(onnxFile + ".ort", like);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const auto& name : ot::kTemplates) {
            // As a run's "auto" does: flat features are standardised; a GAN's latent noise is not.
            const bool flat = name.rfind("higgs", 0) == 0 || name == "xor_mlp";
            m_cases.push_back(makeCase(name, ot::caseGraph(name), flat));
        }
        for (const auto& [name, file] : ot::lessonModels()) {
            const ModelGraph graph = loadModel(file);
            const bool flat = graph.node(graph.inputNodes().at(0)).layer.params.at("shape").size() == 1
                && name.find("generator") == std::string::npos;
            m_cases.push_back(makeCase("lesson_" + name, graph, flat));
        }
        for (const char* name : { "branches", "image", "sequence" })
            m_cases.push_back(makeCase(name, ot::caseGraph(name), true));
        m_cases.push_back(makeCase("two_inputs", ot::caseGraph("two_inputs"), false));
        QVERIFY(QDir().mkpath(QString::fromStdString(path("keras"))));
        m_kerasProblem = kf::make(QString::fromStdString(path("keras")));
        if (m_kerasProblem.isEmpty()) {
            for (const std::string& fixture : kf::kModels)
                m_cases.push_back(kerasCase(fixture));
        } else {
            qWarning("the Keras fixtures are left out: %s", qPrintable(m_kerasProblem));
        }

        m_handModel = path("hand_built.onnx");
        writeOnnxFile(ot::handBuiltModel(), m_handModel);
        torch::manual_seed(29);
        m_handInputs = torch::rand({ ot::kSamples, 1, 10, 10 });
        runOnnxRuntime();
    }

    void everyLayerKindIsExportedAndTested()
    {
        const std::vector<std::string> exported = onnxExportKinds();
        std::set<std::string> tested;
        for (const auto& c : m_cases) {
            for (const Node& n : c.graph.nodes())
                tested.insert(n.layer.kind);
        }
        for (const LayerKind& kind : LayerRegistry::instance().kinds()) {
            QVERIFY2(
                std::find(exported.begin(), exported.end(), kind.name) != exported.end(), kind.name.c_str());
            QVERIFY2(tested.count(kind.name), (kind.name + " is in no test model").c_str());
        }
    }

    void matchesOnnxRuntime_data()
    {
        QTest::addColumn<QString>("model");
        for (const auto& c : m_cases)
            QTest::newRow(c.name.c_str()) << QString::fromStdString(c.name);
    }

    void matchesOnnxRuntime()
    {
        QFETCH(QString, model);
        if (!m_ortRan)
            QSKIP(qPrintable("ONNX Runtime is not available: " + m_ortProblem));
        const ot::Case& c = findCase(model);
        // Outputs that vary from sample to sample, so that equal ones mean something.
        QVERIFY(c.expected.std().item<double>() > 1e-4);
        const torch::Tensor got = ortOutputs(c.onnx, c.expected);
        QVERIFY2(got.defined(), "ONNX Runtime's output has another size than Neurino's");
        const double difference = (got - c.expected).abs().max().item<double>();
        qInfo("%s: max |LibTorch - ONNX Runtime| = %.3g over %lld outputs; export %.1f ms, %zu bytes",
            c.name.c_str(), difference, static_cast<long long>(c.expected.numel()), c.exportMs, c.bytes);
        QVERIFY2(difference <= ot::kTolerance, qPrintable(QString("max difference %1").arg(difference)));

        // With ONNX Runtime's default graph optimisations, as a user's session has them. Its Pad fusion
        // (microsoft/onnxruntime#18136) moves a zero Pad into the MaxPool after it, whose padding counts as
        // -inf, not 0: wrong where a window at the border holds only negative values, and refused outright
        // when the padding is as wide as the window. Only a model the export cautions about may differ.
        const bool padIntoMaxPool = !onnxRuntimeCautions(c.graph).empty();
        const auto refused = m_ortRefused.find(c.onnx);
        if (refused != m_ortRefused.end()) {
            qInfo("%s: ONNX Runtime's optimised session refuses the file: %s", c.name.c_str(),
                qPrintable(refused->second));
            QVERIFY2(padIntoMaxPool, qPrintable(refused->second));
            return;
        }
        const torch::Tensor optimized = ot::readFloats(c.onnx + ".ort.optimized", c.expected);
        QVERIFY(optimized.defined());
        const double optimizedDifference = (optimized - c.expected).abs().max().item<double>();
        if (padIntoMaxPool)
            qInfo("%s: max |LibTorch - optimised ONNX Runtime| = %.3g (its Pad fusion into MaxPool)",
                c.name.c_str(), optimizedDifference);
        else
            QVERIFY2(optimizedDifference <= ot::kTolerance,
                qPrintable(QString("optimised: max difference %1").arg(optimizedDifference)));
    }

    void checkerAcceptsEveryExport()
    {
        const QString python = "/usr/bin/python3";
        if (test::runProcess(python, { "-c", "import onnx" }, {}, 60000).exitCode != 0)
            QSKIP("python3-onnx is not installed (Debian: apt install python3-onnx)");
        // A fixed batch and the newest opset too.
        const std::string fixed = path("fixed_batch.onnx");
        OnnxExportOptions options;
        options.opset = kOnnxMaxOpset;
        options.batch = 7;
        writeOnnxFile(exportOnnx(loadCheckpoint(findCase("image").checkpoint), "image.h5", options), fixed);
        QStringList args { "-c",
            "import sys, onnx\n"
            "for f in sys.argv[1:]:\n"
            "    m = onnx.load(f)\n"
            "    onnx.checker.check_model(m, full_check=True)\n"
            "    print(f, m.opset_import[0].version, m.graph.input[0].type.tensor_type.shape.dim[0])\n" };
        for (const auto& c : m_cases)
            args << QString::fromStdString(c.onnx);
        args << QString::fromStdString(fixed) << QString::fromStdString(m_handModel);
        const test::ProcessResult r = test::runProcess(python, args, {}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("fixed_batch.onnx 17 dim_value: 7"), qPrintable(r.out));
        QVERIFY2(r.out.contains("xor_mlp.onnx 13 dim_param: \"N\""), qPrintable(r.out));
    }

    void namesAndMetadata()
    {
        const ot::Case& c = findCase("branches");
        onnx::ModelProto model;
        QVERIFY(model.ParseFromString(readTextFile(c.onnx)));
        QCOMPARE(model.graph().name(), c.graph.name());
        std::map<std::string, std::string> metadata;
        for (const auto& e : model.metadata_props())
            metadata[e.key()] = e.value();
        QCOMPARE(metadata["neurino_version"], std::string(NEURINO_VERSION));
        QCOMPARE(metadata["model_name"], c.graph.name());
        QCOMPARE(metadata["input_standardized"], std::string("true"));
        std::map<std::string, std::string> ops;
        for (const auto& n : model.graph().node())
            ops[n.name()] = n.op_type();
        // The standardisation first, BatchNorm in inference form, Dropout gone, the final softmax kept.
        QCOMPARE(model.graph().node(0).op_type(), std::string("Sub"));
        QCOMPARE(model.graph().node(1).op_type(), std::string("Div"));
        QCOMPARE(ops["batchnorm"], std::string("BatchNormalization"));
        QCOMPARE(ops["softmax"], std::string("Softmax"));
        QCOMPARE(ops["dense-1"], std::string("Gemm"));
        QCOMPARE(ops["dense-1/relu"], std::string("Relu"));
        QCOMPARE(ops["2nd side"], std::string("Gemm"));
        for (const auto& [name, op] : ops)
            QVERIFY2(op != "Dropout" && name != "dropout", name.c_str());
        for (const Node& n : c.graph.nodes()) {
            if (n.layer.kind != "Dropout" && n.layer.kind != "Input")
                QVERIFY2(ops.count(n.id), n.id.c_str());
        }
    }

    void roundTrip_data() { matchesOnnxRuntime_data(); }

    // export -> import -> the same graph (Dropout left out) and the same outputs; for a Keras fixture, the
    // outputs numpy computed for the Keras model (Keras -> Neurino -> ONNX -> Neurino).
    void roundTrip()
    {
        QFETCH(QString, model);
        const ot::Case& c = findCase(model);
        const std::string imported = c.checkpoint + ".imported.h5";
        // As a run's --init reads it (readWeightsFile), and as `import onnx` does.
        saveCheckpoint(imported, readWeightsFile(c.onnx));
        const Checkpoint back = loadCheckpoint(imported);
        QCOMPARE(back.standardizer.fitted(), c.standardize);
        QCOMPARE(back.graph.name(), c.graph.name());
        std::set<std::string> before, after;
        for (const Node& n : c.graph.nodes()) {
            if (n.layer.kind != "Dropout")
                before.insert(n.id + " " + n.layer.kind);
        }
        for (const Node& n : back.graph.nodes())
            after.insert(n.id + " " + n.layer.kind);
        QCOMPARE(after, before);
        QCOMPARE(back.graph.parameterCount().total(), c.graph.parameterCount().total());
        const torch::Tensor got = ot::neurinoOutputs(back, c.xs);
        QCOMPARE(got.sizes().vec(), c.expected.sizes().vec());
        const double difference = (got - c.expected).abs().max().item<double>();
        QVERIFY2(difference <= ot::kTolerance, qPrintable(QString("max difference %1").arg(difference)));
    }

    void handBuiltGraphMatchesOnnxRuntime()
    {
        const Checkpoint c = importOnnxFile(m_handModel);
        // Conv's bias from the Add after it, MatMul + Add as one Dense, the Sub and Div as standardisation.
        QVERIFY(c.standardizer.fitted());
        QCOMPARE(c.graph.node("conv2").layer.params.at("use_bias").get<bool>(), true);
        QCOMPARE(c.graph.node("fc2").layer.kind, std::string("Dense"));
        QCOMPARE(paramChoicePair(c.graph.node("conv1").layer.params, "padding")[0], std::string("same"));
        QCOMPARE(c.graph.node("pad1").layer.kind, std::string("ZeroPadding2D"));
        QCOMPARE(c.graph.node("resize").layer.kind, std::string("UpSampling2D"));
        QCOMPARE(c.graph.node("gap").layer.kind, std::string("AvgPool2D"));
        const torch::Tensor got = ot::neurinoOutputs(c, { m_handInputs });
        QCOMPARE(got.sizes().vec(), (std::vector<std::int64_t> { ot::kSamples, 3 }));
        QVERIFY(got.std().item<double>() > 1e-4);
        if (!m_ortRan)
            QSKIP(qPrintable("ONNX Runtime is not available: " + m_ortProblem));
        const torch::Tensor expected = ortOutputs(m_handModel, got);
        QVERIFY2(expected.defined(), "ONNX Runtime's output has another size than Neurino's");
        const double difference = (got - expected).abs().max().item<double>();
        qInfo("hand-built graph: max |Neurino - ONNX Runtime| = %.3g", difference);
        QVERIFY2(difference <= ot::kTolerance, qPrintable(QString("max difference %1").arg(difference)));
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("unsupported operator")
            << "unsupported operator" << QStringList { "'mystery' (Erf)", "'Erf' is not imported", "Gemm" };
        QTest::newRow("truncated") << "truncated" << QStringList { "not an ONNX model", "truncated" };
        QTest::newRow("not protobuf") << "not protobuf" << QStringList { "not an ONNX model" };
        QTest::newRow("missing initializer")
            << "missing initializer"
            << QStringList { "'fc2' (MatMul)", "'fc2.weight'", "missing initializer" };
        QTest::newRow("image into Gemm")
            << "image into Gemm" << QStringList { "'dense' (Gemm)", "(1, 4, 4)", "Flatten" };
        QTest::newRow("grouped convolution")
            << "grouped convolution" << QStringList { "'grouped' (Conv)", "group=2" };
        QTest::newRow("transpose") << "transpose" << QStringList { "'swap' (Transpose)", "perm [1, 0]" };
        QTest::newRow("integer input")
            << "integer input" << QStringList { "input 'ids'", "not a float tensor" };
        QTest::newRow("constant added after a bias")
            << "rank of a bias" << QStringList { "'shift' (Add)", "'shift.c' is a constant" };
        QTest::newRow("two outputs") << "two outputs" << QStringList { "2 graph outputs" };
    }

    void malformed()
    {
        QFETCH(QString, which);
        QFETCH(QStringList, expected);
        const std::string good = ot::mlpBuilder().bytes();
        const std::string bytes = ot::malformed(which.toStdString(), good);
        const QString message = ot::errorOf<Error>([&] { importOnnx(bytes, "bad.onnx"); });
        QVERIFY2(!message.isEmpty(), "no error");
        QVERIFY2(message.contains("bad.onnx"), qPrintable(message));
        for (const QString& part : expected)
            QVERIFY2(message.contains(part), qPrintable(message + "\n  lacks: " + part));
    }

    // The commands as a user runs them: an export with a fixed batch, an import, and a failed import that
    // writes nothing.
    void commands()
    {
        const ot::Case& c = findCase("shapes_cnn");
        const QString onnxFile = QString::fromStdString(path("cli.onnx"));
        const QString checkpoint = QString::fromStdString(path("cli.h5"));
        test::ProcessResult r = test::runProcess(NEURINO_BATCH_EXE,
            { "export", "onnx", "--checkpoint", QString::fromStdString(c.checkpoint), "--out", onnxFile,
                "--batch", "5", "--opset", "15" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("opset 15, batch 5"), qPrintable(r.out));
        QVERIFY2(!r.err.contains("note:"), qPrintable(r.err));
        r = test::runProcess(NEURINO_BATCH_EXE, { "import", "onnx", onnxFile, "--out", checkpoint });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QCOMPARE(loadCheckpoint(checkpoint.toStdString()).graph.parameterCount().total(),
            c.graph.parameterCount().total());

        r = test::runProcess(NEURINO_BATCH_EXE,
            { "export", "onnx", "-c", QString::fromStdString(c.checkpoint), "-o", onnxFile, "--batch",
                "some" });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--batch takes 'dynamic' or a positive number"), qPrintable(r.err));

        const std::string bad = path("bad.onnx");
        writeOnnxFile(ot::malformed("unsupported operator", {}), bad);
        const QString none = QString::fromStdString(path("none.h5"));
        r = test::runProcess(
            NEURINO_BATCH_EXE, { "import", "onnx", QString::fromStdString(bad), "--out", none });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'mystery' (Erf)"), qPrintable(r.err));
        QVERIFY(!QFile::exists(none));

        // A zero padding before a max pooling: the export says what ONNX Runtime's optimiser does to it.
        if (!m_kerasProblem.isEmpty())
            QSKIP(qPrintable(m_kerasProblem));
        r = test::runProcess(NEURINO_BATCH_EXE,
            { "export", "onnx", "-c", QString::fromStdString(findCase("keras_func_branches_cl").checkpoint),
                "-o", onnxFile });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("note: ONNX Runtime's default graph optimisation fuses the zero padding of "
                                "'zero_padding2d_1' into the max pooling 'max_pooling2d_1'"),
            qPrintable(r.err));
    }
};

NEURINO_TEST_MAIN(TestOnnx)
#include "TestOnnx.moc"
