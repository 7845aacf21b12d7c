// Keras import: Keras 2 HDF5 files laid out as Keras's legacy saving writes them, made by
// tests/tools/make_keras_fixtures.py with reference outputs computed in numpy, become graphs whose outputs
// equal the reference within 1e-5 and whose parameter counts are Keras's; weights-only files load into a
// given model; every malformed file is refused with a message naming what is wrong, and neurino-batch then
// writes nothing.
#include "core/graph/ModelJson.h"
#include "core/io/Hdf5.h"
#include "core/io/KerasImport.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"
#include "tests/core/io/KerasFixtures.h"

#include "tests/TestMain.h"
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <set>

using namespace neurino;

namespace kerasimporttest {

using namespace test::kerasfixtures;

double maxDifference(const Checkpoint& checkpoint, const Reference& ref)
{
    GraphModule module = moduleFromCheckpoint(checkpoint);
    torch::NoGradGuard noGrad;
    const torch::Tensor y = module->forward(ref.inputs);
    if (y.sizes() != ref.output.sizes())
        return std::numeric_limits<double>::infinity();
    return (y - ref.output).abs().max().item<double>();
}

template <typename F> QString errorOf(F&& call)
{
    try {
        call();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace kerasimporttest

namespace kit = kerasimporttest;

class TestKerasImport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_problem; // why the fixtures could not be made

    std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_problem = kit::make(m_dir.path());
    }

    void init()
    {
        if (!m_problem.isEmpty())
            QSKIP(qPrintable(m_problem));
    }

    void fixtures_data()
    {
        QTest::addColumn<QString>("name");
        for (const std::string& name : kit::kModels)
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    // Imported, saved as a checkpoint and read back, each model gives numpy's outputs and Keras's count.
    void fixtures()
    {
        QFETCH(QString, name);
        const kit::Reference ref = kit::readReference(path(name + ".ref.h5"));
        const KerasImport imported = importKerasModel(path(name + ".h5"));
        QCOMPARE(imported.kerasParams, ref.kerasParams);
        QCOMPARE(imported.checkpoint.graph.parameterCount().total(), ref.kerasParams);
        QVERIFY(imported.checkpoint.graph.validate().empty());
        saveCheckpoint(path(name + ".neurino.h5"), imported.checkpoint);
        const Checkpoint loaded = loadCheckpoint(path(name + ".neurino.h5"));
        const double difference = kit::maxDifference(loaded, ref);
        qInfo("%s: max |Neurino - numpy| = %.3g over %lld outputs", qPrintable(name), difference,
            static_cast<long long>(ref.output.numel()));
        QVERIFY2(difference <= kit::kTolerance, qPrintable(QString::number(difference)));
    }

    void everyLayerKindIsImported()
    {
        std::set<std::string> kinds;
        for (const std::string& name : kit::kModels) {
            const KerasImport imported = importKerasModel(path(QString::fromStdString(name) + ".h5"));
            for (const Node& n : imported.checkpoint.graph.nodes())
                kinds.insert(n.layer.kind);
        }
        for (const char* kind :
            { "Input", "Dense", "Dropout", "Flatten", "Reshape", "Conv1D", "Conv2D", "ConvTranspose2D",
                "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "UpSampling2D", "ZeroPadding2D",
                "BatchNorm", "LeakyReLU", "ELU", "ReLU", "Softmax", "Sigmoid", "Tanh", "Add", "Concat" })
            QVERIFY2(kinds.count(kind), kind);
    }

    // Keras 2.2+'s Flatten of a channels-first image and a channels_last image: the next Dense's rows are
    // reordered, so that a Dense whose rows were not would differ.
    void flattenOrderMatters()
    {
        const kit::Reference ref = kit::readReference(path("seq_cnn2d_cl.ref.h5"));
        KerasImport imported = importKerasModel(path("seq_cnn2d_cl.h5"));
        QVERIFY(kit::maxDifference(imported.checkpoint, ref) <= kit::kTolerance);
        torch::Tensor& w = imported.checkpoint.weights.at("dense_1").at("weight");
        w = w.reshape({ w.size(0), 6, 2, 2 }).permute({ 0, 2, 3, 1 }).reshape({ w.size(0), -1 }).contiguous();
        QVERIFY(kit::maxDifference(imported.checkpoint, ref) > 1e-3);
    }

    void weightsOnly_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("channelsLast");
        QTest::newRow("seq_mlp") << "seq_mlp" << true;
        QTest::newRow("seq_cnn2d_cl") << "seq_cnn2d_cl" << true;
        QTest::newRow("func_cnn2d_cf") << "func_cnn2d_cf" << false;
        QTest::newRow("func_generator_cl") << "func_generator_cl" << true;
        QTest::newRow("seq_k20_chunked") << "seq_k20_chunked" << true;
    }

    // A weights-only file into the model (as a Neurino model file) that the full file's import made.
    void weightsOnly()
    {
        QFETCH(QString, name);
        QFETCH(bool, channelsLast);
        saveModel(importKerasModel(path(name + ".h5")).checkpoint.graph, path(name + ".neurino.json"));
        const ModelGraph model = loadModel(path(name + ".neurino.json"));
        const KerasImport imported = importKerasWeights(path(name + ".weights.h5"), model,
            channelsLast ? KerasDataFormat::ChannelsLast : KerasDataFormat::ChannelsFirst);
        QCOMPARE(imported.checkpoint.graph, model);
        const double difference
            = kit::maxDifference(imported.checkpoint, kit::readReference(path(name + ".ref.h5")));
        qInfo("%s weights only: max |Neurino - numpy| = %.3g", qPrintable(name), difference);
        QVERIFY2(difference <= kit::kTolerance, qPrintable(QString::number(difference)));
    }

    void weightsOnlyErrors()
    {
        const ModelGraph mlp = importKerasModel(path("seq_mlp.h5")).checkpoint.graph;
        QString e = kit::errorOf(
            [&] { importKerasWeights(path("bad_weights_only.h5"), mlp, KerasDataFormat::ChannelsLast); });
        QVERIFY2(
            e.contains("holds weights of 2 Keras layers but the model 'seq_mlp' has 6 nodes with weights"),
            qPrintable(e));
        ModelGraph wider = mlp;
        wider.setParam("dense_1", "units", 13);
        e = kit::errorOf(
            [&] { importKerasWeights(path("seq_mlp.weights.h5"), wider, KerasDataFormat::ChannelsLast); });
        QVERIFY2(e.contains("Keras layer 'dense_1' (Dense)")
                && e.contains("has shape (10, 12) but Neurino's node "
                              "'dense_1' needs (10, 13)"),
            qPrintable(e));
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("json") << "json"
                              << "model_config is not valid JSON";
        QTest::newRow("no_model_config") << "no_model_config"
                                         << "has no model_config attribute";
        QTest::newRow("weights_only") << "weights_only"
                                      << "it is a weights-only file (save_weights): import it "
                                         "with --model";
        QTest::newRow("no_model_weights") << "no_model_weights"
                                          << "has no model_weights group";
        QTest::newRow("missing_weight") << "missing_weight"
                                        << "Keras layer 'dense_1' lacks its weight "
                                           "'dense_1/bias:0'";
        QTest::newRow("weight_shape") << "weight_shape"
                                      << "Keras layer 'dense_2' (Dense) in";
        QTest::newRow("weight_shape2") << "weight_shape"
                                       << "has shape (2, 3) but Neurino's node 'dense_2' needs "
                                          "(3, 2)";
        QTest::newRow("weight_count") << "weight_count"
                                      << "Keras layer 'dense_1' (Dense) in";
        QTest::newRow("weight_count2") << "weight_count"
                                       << "has 1 weights, but Neurino's node 'dense_1' takes 2 "
                                          "(kernel, bias)";
        QTest::newRow("layer_names") << "layer_names"
                                     << "layer_names lists 'dense_9' but model_weights has no "
                                        "group 'dense_9'";
        QTest::newRow("truncated") << "truncated"
                                   << "damaged or cut short";
        QTest::newRow("unknown_class") << "unknown_class"
                                       << "Keras layer 'dense_1' (LSTM): this class has no "
                                          "Neurino layer; Neurino imports InputLayer, Dense";
        QTest::newRow("model_class") << "model_class"
                                     << "the Keras model is a MyModel; Neurino imports "
                                        "Sequential and Functional";
        QTest::newRow("activation") << "activation"
                                    << "Keras layer 'dense_1' (Dense): activation 'selu' has no "
                                       "Neurino layer; Neurino imports the activations linear";
        QTest::newRow("shared_layer") << "shared_layer"
                                      << "Keras layer 'dense_1' (Dense) is shared by 2 calls";
        QTest::newRow("two_outputs") << "two_outputs"
                                     << "the Keras model has 2 outputs; Neurino's models have one";
        QTest::newRow("free_size") << "free_size"
                                   << "Keras layer 'input_1' (InputLayer): its shape [null,null] "
                                      "has a free size";
        QTest::newRow("sequential_shape") << "sequential_shape"
                                          << "Keras layer 'dense_1' (Dense): the Sequential "
                                             "model's first layer has no batch_input_shape";
        QTest::newRow("dilation") << "dilation"
                                  << "Keras layer 'conv2d_1' (Conv2D): dilation_rate [2,2] is not "
                                     "supported";
        QTest::newRow("groups") << "groups"
                                << "Keras layer 'conv2d_1' (Conv2D): groups 2 is not supported";
        QTest::newRow("output_padding") << "output_padding"
                                        << "Keras layer 'conv2d_transpose_1' "
                                           "(Conv2DTranspose): output_padding is not supported";
        QTest::newRow("causal") << "causal"
                                << "Keras layer 'conv1d_1' (Conv1D): padding 'causal' is not "
                                   "supported; Neurino's windows pad 'valid' or 'same'";
        QTest::newRow("asymmetric_padding") << "asymmetric_padding"
                                            << "Keras layer 'zero_padding2d_1' "
                                               "(ZeroPadding2D): padding [[1,0],[1,1]] is "
                                               "not the same on both sides";
        QTest::newRow("bilinear") << "bilinear"
                                  << "Keras layer 'up_sampling2d_1' (UpSampling2D): interpolation "
                                     "'bilinear' is not supported";
        QTest::newRow("dense_on_image") << "dense_on_image"
                                        << "Keras layer 'dense_1' (Dense): its input (4, 3) "
                                           "has several axes";
        QTest::newRow("bn_center") << "bn_center"
                                   << "Keras layer 'batch_normalization_1' (BatchNormalization): "
                                      "center or scale false is not supported";
        QTest::newRow("mixed_formats") << "mixed_formats"
                                       << "Keras layer 'max_pooling2d_1' (MaxPooling2D): "
                                          "data_format channels_first differs from that of "
                                          "layer 'conv2d_1'";
    }

    void malformed()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const std::string bad = path("bad_" + file + ".h5");
        const QString e = kit::errorOf([&] { importKerasModel(bad); });
        QVERIFY2(e.contains(message), qPrintable(e));
        QVERIFY2(e.contains(QString::fromStdString(bad)), qPrintable(e));
    }

    // The command writes the checkpoint that predict and summary read, and nothing for a malformed file.
    void batchCommand()
    {
        const QString batch = NEURINO_BATCH_EXE;
        const QString out = m_dir.filePath("cli.h5");
        test::ProcessResult r = test::runProcess(
            batch, { "import", "keras", m_dir.filePath("func_branches_cl.h5"), "--out", out }, {}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("931 parameters"), qPrintable(r.out));
        r = test::runProcess(batch, { "summary", out }, {}, 120000);
        QVERIFY2(r.exitCode == 0 && r.out.contains("Total params: 931"), qPrintable(r.out + r.err));

        const QString refused = m_dir.filePath("refused.h5");
        r = test::runProcess(batch,
            { "import", "keras", m_dir.filePath("bad_unknown_class.h5"), "--out", refused }, {}, 120000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("(LSTM): this class has no Neurino layer"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(refused));
        QVERIFY(QDir(m_dir.path()).entryList({ "refused*" }, QDir::Files | QDir::Hidden).isEmpty());

        saveModel(importKerasModel(path("seq_mlp.h5")).checkpoint.graph, path("cli_mlp.neurino.json"));
        r = test::runProcess(batch,
            { "import", "keras", m_dir.filePath("seq_mlp.weights.h5"), "--model",
                m_dir.filePath("cli_mlp.neurino.json"), "--out", m_dir.filePath("cli_mlp.h5") },
            {}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(
            kit::maxDifference(loadCheckpoint(path("cli_mlp.h5")), kit::readReference(path("seq_mlp.ref.h5")))
            <= kit::kTolerance);
    }

    // train --init fine-tunes the imported weights: after one epoch at a tiny learning rate the parameters
    // have hardly moved, where a fresh initialisation would differ by their own size.
    void fineTuning()
    {
        const QString batch = NEURINO_BATCH_EXE;
        const KerasImport imported = importKerasModel(path("seq_mlp.h5"));
        saveCheckpoint(path("tune_init.h5"), imported.checkpoint);
        torch::manual_seed(5);
        {
            auto held = hdf5::lock();
            H5::H5File file(path("tune_data.h5"), H5F_ACC_TRUNC);
            hdf5::writeTensor(file, "features", torch::randn({ 64, 10 }));
            hdf5::writeTensor(file, "targets", torch::randint(0, 4, { 64 }, torch::kLong));
            hdf5::writeString(file, "task", "classification");
        }
        const test::ProcessResult r = test::runProcess(batch,
            { "train", "--init", m_dir.filePath("tune_init.h5"), "--data", m_dir.filePath("tune_data.h5"),
                "--out", m_dir.filePath("tune_run"), "--epochs", "1", "--lr", "1e-6", "--quiet" },
            {}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Checkpoint tuned = loadCheckpoint(path("tune_run/checkpoint.h5"));
        QCOMPARE(tuned.epoch, 1);
        double moved = 0;
        for (const auto& [node, tensors] : imported.checkpoint.weights)
            for (const auto& [name, before] : tensors) {
                if (name.rfind("running_", 0) == 0) // BatchNorm's moving statistics follow the new data
                    continue;
                const torch::Tensor change = tuned.weights.at(node).at(name) - before;
                moved = std::max(moved, change.abs().max().item<double>());
            }
        QVERIFY2(moved > 0 && moved < 1e-3, qPrintable(QString::number(moved)));

        // The Keras file itself starts the run as well: its graph is the model, its weights the start, and
        // the features stay raw, as the Keras model saw them.
        const test::ProcessResult direct = test::runProcess(batch,
            { "train", "--init", m_dir.filePath("seq_mlp.h5"), "--data", m_dir.filePath("tune_data.h5"),
                "--out", m_dir.filePath("tune_direct"), "--epochs", "1", "--lr", "1e-6" },
            {}, 120000);
        QVERIFY2(direct.exitCode == 0, qPrintable(direct.err));
        QVERIFY2(direct.out.contains("started from the weights in '" + m_dir.filePath("seq_mlp.h5") + "'"),
            qPrintable(direct.out));
        QVERIFY2(direct.out.contains("standardisation off: the weights expect raw features"),
            qPrintable(direct.out));
        const Checkpoint fromKeras = loadCheckpoint(path("tune_direct/checkpoint.h5"));
        QVERIFY(!fromKeras.standardizer.fitted());
        for (const auto& [node, tensors] : tuned.weights)
            for (const auto& [name, value] : tensors)
                QVERIFY2(torch::allclose(fromKeras.weights.at(node).at(name), value, 0, 1e-6),
                    qPrintable(QString::fromStdString(node + "/" + name)));
    }
};

NEURINO_TEST_MAIN(TestKerasImport)
#include "TestKerasImport.moc"
