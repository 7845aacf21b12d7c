// The standardizer fits on the training rows only, in chunks, and matches scikit-learn's StandardScaler.
#include "core/data/Standardizer.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

class TestStandardizer : public QObject {
    Q_OBJECT

private slots:
    void fitsOnTheGivenRowsOnly()
    {
        torch::manual_seed(5);
        const torch::Tensor x = torch::randn({ 1000, 3 }) * torch::tensor({ 1.0f, 10.0f, 0.1f })
            + torch::tensor({ 5.0f, -3.0f, 1000.0f });
        const torch::Tensor rows = torch::arange(0, 1000, 2, torch::kInt64);
        // Small chunks exercise the accumulation across chunks.
        const Standardizer s = Standardizer::fit(x, rows, {}, /*chunkRows=*/37);
        const torch::Tensor part = x.index_select(0, rows).to(torch::kFloat64);
        QVERIFY(torch::allclose(s.mean().to(torch::kFloat64), part.mean(0), 1e-6, 1e-4));
        QVERIFY(torch::allclose(s.scale().to(torch::kFloat64), part.std(0, /*unbiased=*/false), 1e-5, 1e-6));
        const torch::Tensor z = s.apply(part.to(torch::kFloat32));
        QVERIFY(z.mean(0).abs().max().item<double>() < 1e-3);
        QVERIFY((z.std(0, false) - 1).abs().max().item<double>() < 1e-3);
        QVERIFY(torch::allclose(s.invert(z), part.to(torch::kFloat32), 1e-5, 1e-3));
    }

    void constantFeatureIsNotScaled()
    {
        const torch::Tensor x = torch::tensor({ { 1.0f, 2.0f }, { 3.0f, 2.0f } });
        const Standardizer s = Standardizer::fit(x);
        QCOMPARE(s.scale()[1].item<float>(), 1.0f);
        QCOMPARE(s.apply(x)[0][1].item<float>(), 0.0f);
    }

    void imagesKeepTheirShape()
    {
        const torch::Tensor x = torch::rand({ 20, 1, 4, 4 });
        const Standardizer s = Standardizer::fit(x);
        QCOMPARE(s.mean().sizes().vec(), (std::vector<std::int64_t> { 1, 4, 4 }));
        QCOMPARE(s.apply(x).sizes().vec(), x.sizes().vec());
    }

    void nanNamesTheFeature()
    {
        torch::Tensor x = torch::ones({ 4, 3 });
        x[2][1] = std::nanf("");
        try {
            Standardizer::fit(x, {}, { "pt", "eta", "phi" });
            QFAIL("no error");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("feature 1 ('eta')"), e.what());
        }
    }

    void unfittedIsIdentityAndShapesAreChecked()
    {
        const Standardizer none;
        QVERIFY(!none.fitted());
        const torch::Tensor x = torch::rand({ 3, 2 });
        QVERIFY(none.apply(x).equal(x));
        const Standardizer s = Standardizer::fit(x);
        QVERIFY_THROWS_EXCEPTION(DataError, s.apply(torch::rand({ 3, 5 })));
    }
};

NEURINO_TEST_MAIN(TestStandardizer)
#include "TestStandardizer.moc"
