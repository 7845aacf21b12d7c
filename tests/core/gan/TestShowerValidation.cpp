#include "core/gan/ShowerValidation.h"
#include "core/util/Error.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

using namespace neurino;

class TestShowerValidation : public QObject {
    Q_OBJECT

private slots:
    void deltaImage()
    {
        torch::Tensor images = torch::zeros({3, 1, 25, 25});
        images.index_put_({torch::indexing::Slice(), 0, 7, 12}, torch::tensor({1.0f, 2.0f, 3.0f}));
        const ShowerStats s = showerStats(images);
        QCOMPARE(s.averageImage.sizes().vec(), (std::vector<std::int64_t>{25, 25}));
        QCOMPARE(s.averageImage[7][12].item<double>(), 2.0);
        QCOMPARE(s.averageImage.sum().item<double>(), 2.0);
        QCOMPARE(s.transverseProfile[7].item<double>(), 2.0);
        QCOMPARE(s.longitudinalProfile[12].item<double>(), 2.0);
        QCOMPARE(s.transverseProfile.sum().item<double>(), 2.0);
        QVERIFY(torch::allclose(s.energySums, torch::tensor({1.0, 2.0, 3.0}, torch::kDouble)));
        QVERIFY(torch::allclose(s.meanRow, torch::full({3}, 7.0, torch::kDouble)));
        QVERIFY(torch::allclose(s.meanColumn, torch::full({3}, 12.0, torch::kDouble)));
        QVERIFY(torch::allclose(s.spreadRow, torch::zeros({3}, torch::kDouble)));
    }

    void spreadOfTwoCells()
    {
        torch::Tensor image = torch::zeros({1, 5, 5});
        image[0][2][1] = 1;
        image[0][2][3] = 1;
        const ShowerStats s = showerStats(image);
        QCOMPARE(s.meanColumn[0].item<double>(), 2.0);
        QCOMPARE(s.spreadColumn[0].item<double>(), 1.0);
        QCOMPARE(s.spreadRow[0].item<double>(), 0.0);
    }

    void identicalShowersAgreePerfectly()
    {
        torch::manual_seed(5);
        const torch::Tensor images = torch::rand({500, 1, 25, 25}).pow(4);
        const ShowerStats s = showerStats(images);
        const ShowerComparison c = compareShowers(s, s);
        QCOMPARE(c.energyChi2.chi2, 0.0);
        QCOMPARE(c.profileDeviation, 0.0);
        QCOMPARE(c.centralCellDeviation, 0.0);
        QCOMPARE(c.spreadRowRatio, 1.0);
        QCOMPARE(c.binEdges.size(), std::size_t(31));
    }

    void differentShowersDisagree()
    {
        torch::manual_seed(6);
        const torch::Tensor real = torch::rand({2000, 1, 10, 10});
        const ShowerStats r = showerStats(real);
        const ShowerStats twice = showerStats(real * 1.2);
        const ShowerComparison c = compareShowers(r, twice);
        QVERIFY(std::abs(c.profileDeviation - 0.2) < 1e-6);
        QVERIFY(std::abs(c.centralCellDeviation - 0.2) < 1e-6);
        QVERIFY(c.energyChi2.chi2PerNdf() > 10);
        // A statistically equivalent second sample gives chi2 / NDF near 1.
        const ShowerComparison same = compareShowers(r, showerStats(torch::rand({2000, 1, 10, 10})));
        QVERIFY2(same.energyChi2.chi2PerNdf() < 2.5, std::to_string(same.energyChi2.chi2PerNdf()).c_str());
        QVERIFY(same.profileDeviation < 0.05);
    }

    void responseCurve()
    {
        torch::manual_seed(7);
        const torch::Tensor energy = torch::rand({4000}) * 490 + 10;
        // A calorimeter with 2 % sampling fraction and 10 % / sqrt(E) resolution.
        const torch::Tensor sums = 0.02 * energy * (1 + torch::randn({4000}) * 0.1 / energy.sqrt());
        const auto curve = neurino::responseCurve(sums, energy, 5);
        QCOMPARE(curve.size(), std::size_t(5));
        for (const auto& bin : curve)
            QVERIFY(std::abs(bin.response - 0.02) < 0.001);
        QVERIFY(curve.front().resolution > curve.back().resolution);
    }

    void refusesBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(DataError, showerStats(torch::rand({4, 3, 5, 5})));
        QVERIFY_THROWS_EXCEPTION(DataError, showerStats(torch::rand({0, 1, 5, 5})));
        QVERIFY_THROWS_EXCEPTION(DataError, neurino::responseCurve(torch::rand({5}), torch::rand({4})));
    }
};

QTEST_GUILESS_MAIN(TestShowerValidation)
#include "TestShowerValidation.moc"
