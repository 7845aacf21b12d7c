// The shipped templates must reproduce the lectures' models to the parameter and to the shape.
#include "core/graph/ModelJson.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

using namespace neurino;

class TestTemplates : public QObject {
    Q_OBJECT

private slots:
    void parameterCounts_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<qint64>("nonTrainable");
        QTest::newRow("shapes_dense") << "shapes_dense" << qint64(788995) << qint64(0);
        QTest::newRow("higgs_shallow") << "higgs_shallow" << qint64(6001) << qint64(0);
        QTest::newRow("higgs_deep") << "higgs_deep" << qint64(166801) << qint64(0);
        QTest::newRow("calo_gan_generator") << "calo_gan_generator" << qint64(86216) << qint64(34);
        QTest::newRow("calo_gan_discriminator") << "calo_gan_discriminator" << qint64(11717) << qint64(146);
        QTest::newRow("xor_mlp") << "xor_mlp" << qint64(2 * 8 + 8 + 8 + 1) << qint64(0);
        // 512*64+64 + 64*12+12 + 12*64+64 + 64*512+512
        QTest::newRow("dqm_autoencoder") << "dqm_autoencoder" << qint64(67724) << qint64(0);
        // 28*64+64 + 2 * (64*64+64) + 64+1; the adversary: 2*32+32 + 32*32+32 + 32*15+15
        QTest::newRow("higgs_pivot") << "higgs_pivot" << qint64(10241) << qint64(0);
        QTest::newRow("pivot_adversary") << "pivot_adversary" << qint64(1647) << qint64(0);
    }

    void parameterCounts()
    {
        QFETCH(QString, name);
        QFETCH(qint64, total);
        QFETCH(qint64, nonTrainable);
        const ModelGraph g = loadModel(test::templateFile(name.toStdString()));
        QVERIFY2(g.validate().empty(), formatIssues(g, g.validate()).c_str());
        const ParamCount count = g.parameterCount();
        QCOMPARE(count.total(), total);
        QCOMPARE(count.nonTrainable, nonTrainable);
        QVERIFY(g.summary().find("Total params: " + formatCount(total)) != std::string::npos);
    }

    void everyTemplateIsValid_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n :
            { "xor_mlp", "shapes_dense", "shapes_cnn", "higgs_shallow", "higgs_deep", "calo_gan_generator",
                "calo_gan_discriminator", "dqm_autoencoder", "higgs_pivot", "pivot_adversary" })
            QTest::newRow(n) << n;
    }

    void everyTemplateIsValid()
    {
        QFETCH(QString, name);
        const ModelGraph g = loadModel(test::templateFile(name.toStdString()));
        QVERIFY2(g.validate().empty(), formatIssues(g, g.validate()).c_str());
        QVERIFY(!g.description().empty());
    }

    // Shapes of the tutorial's Keras models, converted to channels first, at every layer.
    void generatorShapes()
    {
        const ModelGraph g = loadModel(test::templateFile("calo_gan_generator"));
        const auto shapes = g.inferShapes();
        const std::vector<std::pair<std::string, Shape>> expected = { { "latent", { 100 } },
            { "dense_1", { 448 } }, { "reshape_1", { 8, 7, 8 } }, { "conv2d_1", { 64, 7, 8 } },
            { "leakyrelu_1", { 64, 7, 8 } }, { "batchnorm_1", { 64, 7, 8 } },
            { "upsampling2d_1", { 64, 14, 16 } }, { "zeropadding2d_1", { 64, 18, 16 } },
            { "conv2d_2", { 6, 14, 9 } }, { "batchnorm_2", { 6, 14, 9 } },
            { "upsampling2d_2", { 6, 28, 27 } }, { "zeropadding2d_2", { 6, 28, 33 } },
            { "conv2d_3", { 6, 26, 26 } }, { "conv2d_4", { 1, 25, 25 } }, { "output", { 1, 25, 25 } } };
        for (const auto& [id, shape] : expected)
            QVERIFY2(shapes.at(id) == shape, (id + " is " + formatShape(shapes.at(id))).c_str());
    }

    void discriminatorShapes()
    {
        const ModelGraph g = loadModel(test::templateFile("calo_gan_discriminator"));
        const auto shapes = g.inferShapes();
        const std::vector<std::pair<std::string, Shape>> expected = { { "conv2d_1", { 32, 25, 25 } },
            { "zeropadding2d_1", { 32, 29, 29 } }, { "conv2d_2", { 8, 25, 25 } },
            { "zeropadding2d_2", { 8, 29, 29 } }, { "conv2d_3", { 8, 25, 25 } },
            { "zeropadding2d_3", { 8, 27, 27 } }, { "conv2d_4", { 8, 23, 23 } },
            { "avgpool2d_1", { 8, 11, 11 } }, { "flatten", { 968 } }, { "dense_1", { 1 } } };
        for (const auto& [id, shape] : expected)
            QVERIFY2(shapes.at(id) == shape, (id + " is " + formatShape(shapes.at(id))).c_str());
        // Keras's default BatchNormalization axis is the last one: here the image width.
        const auto analysis = g.analyze();
        QCOMPARE(analysis.params.at("batchnorm_1").total(), qint64(4 * 25));
        QCOMPARE(analysis.params.at("batchnorm_3").nonTrainable, qint64(2 * 23));
    }
};

NEURINO_TEST_MAIN(TestTemplates)
#include "TestTemplates.moc"
