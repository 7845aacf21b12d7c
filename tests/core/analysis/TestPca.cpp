#include "core/analysis/Pca.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

using namespace neurino;

class TestPca : public QObject {
    Q_OBJECT

private slots:
    void findsTheAxesOfKnownData()
    {
        torch::manual_seed(1);
        // Variances 9, 4 and 0.25 along three orthogonal directions, rotated and shifted.
        const torch::Tensor latent = torch::randn({ 20000, 3 }) * torch::tensor({ 3.0f, 2.0f, 0.5f });
        const torch::Tensor rotation = std::get<0>(torch::linalg::qr(torch::randn({ 3, 3 })));
        const torch::Tensor data = latent.mm(rotation.t()) + torch::tensor({ 10.0f, -5.0f, 2.0f });
        Pca pca(data, 2);
        const torch::Tensor ratio = pca.explainedVarianceRatio();
        QVERIFY(std::abs(ratio[0].item<float>() - 9.0f / 13.25f) < 0.01f);
        QVERIFY(std::abs(ratio[1].item<float>() - 4.0f / 13.25f) < 0.01f);
        // The first axis is the first rotated direction (up to sign), and the axes are orthonormal.
        const float alignment
            = std::abs(pca.components()[0].dot(rotation.select(1, 0).to(torch::kDouble)).item<float>());
        QVERIFY(alignment > 0.999f);
        QVERIFY(torch::allclose(
            pca.components().mm(pca.components().t()), torch::eye(2, torch::kDouble), 1e-9, 1e-9));
        const torch::Tensor projected = pca.transform(data);
        QCOMPARE(projected.sizes().vec(), (std::vector<std::int64_t> { 20000, 2 }));
        QVERIFY(std::abs(projected.mean(0).abs().max().item<float>()) < 1e-3f);
        QVERIFY(std::abs(projected.select(1, 0).var().item<float>() - 9.0f) < 0.3f);
    }

    void imagesAreFlattened()
    {
        const torch::Tensor images = torch::rand({ 50, 1, 4, 4 });
        Pca pca(images, 3);
        QCOMPARE(pca.transform(images).size(1), std::int64_t(3));
    }

    void refusesImpossibleRequests()
    {
        QVERIFY_THROWS_EXCEPTION(DataError, Pca(torch::rand({ 1, 5 }), 2));
        QVERIFY_THROWS_EXCEPTION(DataError, Pca(torch::rand({ 10, 2 }), 3));
        Pca pca(torch::rand({ 10, 4 }), 2);
        QVERIFY_THROWS_EXCEPTION(DataError, pca.transform(torch::rand({ 3, 5 })));
    }
};

NEURINO_TEST_MAIN(TestPca)
#include "TestPca.moc"
