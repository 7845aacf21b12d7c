// Every layer kind's shape rule and parameter count, against numbers worked out as Keras computes them.
#include "core/graph/ModelGraph.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

using namespace neurino;
using nlohmann::json;

namespace {

// A graph Input(shape) -> layer -> Output, analysed.
GraphAnalysis analyseSingle(const Shape& input, const std::string& kind, const json& params)
{
    ModelGraph g;
    g.addNode("Input", { { "shape", input } }, "input");
    g.addNode(kind, params, "layer");
    g.addNode("Output", {}, "output");
    g.connect("input", "layer");
    g.connect("layer", "output");
    return g.analyze();
}

Shape parseShape(const QString& text)
{
    return json::parse(text.toStdString()).get<Shape>();
}

} // namespace

class TestShapeInference : public QObject {
    Q_OBJECT

private slots:
    void layer_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("output");
        QTest::addColumn<qint64>("trainable");
        QTest::addColumn<qint64>("nonTrainable");

        QTest::newRow("dense") << "Dense"
                               << R"({"units": 512})"
                               << "[1024]"
                               << "[512]" << qint64(524800) << qint64(0);
        QTest::newRow("dense no bias") << "Dense"
                                       << R"({"units": 3, "use_bias": false})"
                                       << "[10]"
                                       << "[3]" << qint64(30) << qint64(0);
        QTest::newRow("conv2d same") << "Conv2D"
                                     << R"({"filters": 32, "kernel_size": 5, "padding": "same"})"
                                     << "[1, 25, 25]"
                                     << "[32, 25, 25]" << qint64(832) << qint64(0);
        QTest::newRow("conv2d rect same") << "Conv2D"
                                          << R"({"filters": 64, "kernel_size": [6, 8], "padding": "same"})"
                                          << "[8, 7, 8]"
                                          << "[64, 7, 8]" << qint64(24640) << qint64(0);
        QTest::newRow("conv2d rect valid") << "Conv2D"
                                           << R"({"filters": 6, "kernel_size": [5, 8]})"
                                           << "[64, 18, 16]"
                                           << "[6, 14, 9]" << qint64(15366) << qint64(0);
        QTest::newRow("conv2d stride") << "Conv2D"
                                       << R"({"filters": 4, "kernel_size": 3, "strides": 2})"
                                       << "[3, 32, 32]"
                                       << "[4, 15, 15]" << qint64(112) << qint64(0);
        QTest::newRow("conv2d stride same")
            << "Conv2D"
            << R"({"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"})"
            << "[3, 33, 32]"
            << "[4, 17, 16]" << qint64(112) << qint64(0);
        QTest::newRow("conv2d padding per axis")
            << "Conv2D"
            << R"({"filters": 2, "kernel_size": 3, "padding": ["same", "valid"]})"
            << "[1, 10, 10]"
            << "[2, 10, 8]" << qint64(20) << qint64(0);
        QTest::newRow("conv1d") << "Conv1D"
                                << R"({"filters": 8, "kernel_size": 5})"
                                << "[1, 100]"
                                << "[8, 96]" << qint64(48) << qint64(0);
        QTest::newRow("conv transpose valid") << "ConvTranspose2D"
                                              << R"({"filters": 3, "kernel_size": 3, "strides": 2})"
                                              << "[4, 5, 5]"
                                              << "[3, 11, 11]" << qint64(111) << qint64(0);
        QTest::newRow("conv transpose same")
            << "ConvTranspose2D"
            << R"({"filters": 3, "kernel_size": 4, "strides": 2, "padding": "same"})"
            << "[4, 5, 6]"
            << "[3, 10, 12]" << qint64(195) << qint64(0);
        QTest::newRow("maxpool2d") << "MaxPool2D"
                                   << R"({})"
                                   << "[8, 25, 25]"
                                   << "[8, 12, 12]" << qint64(0) << qint64(0);
        QTest::newRow("maxpool2d same") << "MaxPool2D"
                                        << R"({"padding": "same"})"
                                        << "[8, 25, 25]"
                                        << "[8, 13, 13]" << qint64(0) << qint64(0);
        QTest::newRow("avgpool2d stride") << "AvgPool2D"
                                          << R"({"pool_size": 3, "strides": 1})"
                                          << "[2, 5, 5]"
                                          << "[2, 3, 3]" << qint64(0) << qint64(0);
        QTest::newRow("maxpool1d") << "MaxPool1D"
                                   << R"({"pool_size": 4})"
                                   << "[3, 100]"
                                   << "[3, 25]" << qint64(0) << qint64(0);
        QTest::newRow("avgpool1d same") << "AvgPool1D"
                                        << R"({"pool_size": 3, "padding": "same"})"
                                        << "[3, 10]"
                                        << "[3, 4]" << qint64(0) << qint64(0);
        QTest::newRow("upsampling") << "UpSampling2D"
                                    << R"({"size": [2, 3]})"
                                    << "[6, 14, 9]"
                                    << "[6, 28, 27]" << qint64(0) << qint64(0);
        QTest::newRow("zeropadding") << "ZeroPadding2D"
                                     << R"({"padding": [0, 3]})"
                                     << "[6, 28, 27]"
                                     << "[6, 28, 33]" << qint64(0) << qint64(0);
        QTest::newRow("batchnorm channels") << "BatchNorm"
                                            << R"({})"
                                            << "[16, 8, 8]"
                                            << "[16, 8, 8]" << qint64(32) << qint64(32);
        QTest::newRow("batchnorm last axis") << "BatchNorm"
                                             << R"({"axis": -1})"
                                             << "[64, 7, 8]"
                                             << "[64, 7, 8]" << qint64(16) << qint64(16);
        QTest::newRow("batchnorm vector") << "BatchNorm"
                                          << R"({})"
                                          << "[200]"
                                          << "[200]" << qint64(400) << qint64(400);
        QTest::newRow("dropout") << "Dropout"
                                 << R"({"rate": 0.3})"
                                 << "[5]"
                                 << "[5]" << qint64(0) << qint64(0);
        QTest::newRow("flatten") << "Flatten"
                                 << R"({})"
                                 << "[8, 11, 11]"
                                 << "[968]" << qint64(0) << qint64(0);
        QTest::newRow("reshape") << "Reshape"
                                 << R"({"target_shape": [8, 7, 8]})"
                                 << "[448]"
                                 << "[8, 7, 8]" << qint64(0) << qint64(0);
        QTest::newRow("reshape inferred") << "Reshape"
                                          << R"({"target_shape": [1, -1]})"
                                          << "[4, 5]"
                                          << "[1, 20]" << qint64(0) << qint64(0);
        QTest::newRow("softmax") << "Softmax"
                                 << R"({})"
                                 << "[3]"
                                 << "[3]" << qint64(0) << qint64(0);
        QTest::newRow("leaky relu") << "LeakyReLU"
                                    << R"({"alpha": 0.2})"
                                    << "[3, 4, 4]"
                                    << "[3, 4, 4]" << qint64(0) << qint64(0);
    }

    void layer()
    {
        QFETCH(QString, kind);
        QFETCH(QString, params);
        QFETCH(QString, input);
        QFETCH(QString, output);
        QFETCH(qint64, trainable);
        QFETCH(qint64, nonTrainable);
        const GraphAnalysis a
            = analyseSingle(parseShape(input), kind.toStdString(), json::parse(params.toStdString()));
        QVERIFY2(a.ok(), a.ok() ? "" : a.issues.front().toString().c_str());
        QCOMPARE(formatShape(a.shapes.at("layer")), formatShape(parseShape(output)));
        QCOMPARE(a.params.at("layer").trainable, trainable);
        QCOMPARE(a.params.at("layer").nonTrainable, nonTrainable);
    }

    void impossible_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("dense on image")
            << "Dense"
            << R"({"units": 10})"
            << "[1, 32, 32]"
            << "Dense needs a flat vector input but gets (1, 32, 32); add a Flatten";
        QTest::newRow("conv on vector") << "Conv2D"
                                        << R"({"filters": 4})"
                                        << "[100]"
                                        << "Conv2D needs an image input (channels, height, width)";
        QTest::newRow("kernel too large") << "Conv2D"
                                          << R"({"filters": 4, "kernel_size": 7})"
                                          << "[1, 5, 5]"
                                          << "window of 7 along the height is larger than the input's 5";
        QTest::newRow("pool too large") << "MaxPool1D"
                                        << R"({"pool_size": 8})"
                                        << "[2, 5]"
                                        << "window of 8 along the length is larger";
        QTest::newRow("reshape volume") << "Reshape"
                                        << R"({"target_shape": [8, 8, 8]})"
                                        << "[448]"
                                        << "cannot reshape (448,) (448 values) into (8, 8, 8) (512 values)";
        QTest::newRow("reshape indivisible") << "Reshape"
                                             << R"({"target_shape": [3, -1]})"
                                             << "[10]"
                                             << "10 is not divisible by 3";
        QTest::newRow("batchnorm axis") << "BatchNorm"
                                        << R"({"axis": 3})"
                                        << "[3, 4, 4]"
                                        << "'axis' is 3 but the input has only 3 axes";
    }

    void impossible()
    {
        QFETCH(QString, kind);
        QFETCH(QString, params);
        QFETCH(QString, input);
        QFETCH(QString, message);
        const GraphAnalysis a
            = analyseSingle(parseShape(input), kind.toStdString(), json::parse(params.toStdString()));
        QCOMPARE(a.issues.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(a.issues[0].nodeId), QString("layer"));
        QVERIFY2(a.issues[0].message.find(message.toStdString()) != std::string::npos,
            a.issues[0].message.c_str());
    }

    void mergeLayers()
    {
        ModelGraph g;
        g.addNode("Input", { { "shape", { 4, 8, 8 } } }, "a");
        g.addNode("Input", { { "shape", { 2, 8, 8 } } }, "b");
        g.addNode("Concat", {}, "cat");
        g.addNode("Conv2D", { { "filters", 6 }, { "padding", "same" } }, "conv");
        g.addNode("Add", {}, "add");
        g.addNode("Output", {}, "out");
        g.connect("a", "cat");
        g.connect("b", "cat");
        g.connect("cat", "conv");
        g.connect("cat", "add");
        g.connect("conv", "add");
        g.connect("add", "out");
        const GraphAnalysis a = g.analyze();
        QVERIFY(a.ok());
        QCOMPARE(formatShape(a.shapes.at("cat")), std::string("(6, 8, 8)"));
        QCOMPARE(formatShape(a.shapes.at("add")), std::string("(6, 8, 8)"));

        g.setParam("conv", "filters", 5);
        const GraphAnalysis bad = g.analyze();
        QCOMPARE(bad.issues.size(), std::size_t(1));
        QCOMPARE(bad.issues[0].nodeId, std::string("add"));
        QVERIFY(
            bad.issues[0].message.find("Add needs inputs of the same shape but gets (6, 8, 8) and (5, 8, 8)")
            != std::string::npos);
    }

    void concatMismatch()
    {
        ModelGraph g;
        g.addNode("Input", { { "shape", { 4, 8, 8 } } }, "a");
        g.addNode("Input", { { "shape", { 2, 8, 7 } } }, "b");
        g.addNode("Concat", {}, "cat");
        g.connect("a", "cat");
        g.connect("b", "cat");
        const auto issues = g.validate();
        QCOMPARE(issues.size(), std::size_t(1));
        QVERIFY(
            issues[0].message.find("Concat along axis 0 needs all other axes equal but gets (4, 8, 8) and "
                                   "(2, 8, 7)")
            != std::string::npos);
    }

    void issuesDoNotCascade()
    {
        // One bad layer gives one problem, not one per downstream layer.
        ModelGraph g;
        g.addNode("Input", { { "shape", { 1, 32, 32 } } }, "input");
        g.addNode("Dense", { { "units", 8 } }, "d1");
        g.addNode("Dense", { { "units", 3 } }, "d2");
        g.connect("input", "d1");
        g.connect("d1", "d2");
        const auto issues = g.validate();
        QCOMPARE(issues.size(), std::size_t(1));
        QCOMPARE(issues[0].nodeId, std::string("d1"));
        QVERIFY_THROWS_EXCEPTION(ModelError, g.inferShapes());
    }
};

NEURINO_TEST_MAIN(TestShapeInference)
#include "TestShapeInference.moc"
