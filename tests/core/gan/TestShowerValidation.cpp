#include "core/gan/ShowerValidation.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <numeric>

using namespace neurino;

namespace {

// Showers whose whole energy lies in one cell of a 5x5 image: their sums are `sums`.
torch::Tensor pointShowers(const torch::Tensor& sums)
{
    torch::Tensor images = torch::zeros({ sums.size(0), 1, 5, 5 });
    images.index_put_({ torch::indexing::Slice(), 0, 2, 2 }, sums.to(torch::kFloat));
    return images;
}

// A calorimeter-like average: a narrow core along row 12 that rises and fades along the columns, and a faint
// halo (a ten-thousandth of the maximum) everywhere else; each of `n` showers scaled by U(0.5, 1.5).
torch::Tensor coreAndHalo(std::int64_t n, double halo)
{
    const torch::Tensor rows = torch::arange(25, torch::kFloat).view({ 25, 1 });
    const torch::Tensor cols = torch::arange(25, torch::kFloat).view({ 1, 25 });
    const torch::Tensor core = torch::exp(-(rows - 12).pow(2) / 2) * torch::exp(-(cols - 10).pow(2) / 40);
    const torch::Tensor image = core + halo;
    return image.view({ 1, 1, 25, 25 }) * (0.5 + torch::rand({ n, 1, 1, 1 }));
}

} // namespace

class TestShowerValidation : public QObject {
    Q_OBJECT

private slots:
    void deltaImage()
    {
        torch::Tensor images = torch::zeros({ 3, 1, 25, 25 });
        images.index_put_({ torch::indexing::Slice(), 0, 7, 12 }, torch::tensor({ 1.0f, 2.0f, 3.0f }));
        const ShowerStats s = showerStats(images);
        QCOMPARE(s.averageImage.sizes().vec(), (std::vector<std::int64_t> { 25, 25 }));
        QCOMPARE(s.averageImage[7][12].item<double>(), 2.0);
        QCOMPARE(s.averageImage.sum().item<double>(), 2.0);
        QCOMPARE(s.transverseProfile[7].item<double>(), 2.0);
        QCOMPARE(s.longitudinalProfile[12].item<double>(), 2.0);
        QCOMPARE(s.transverseProfile.sum().item<double>(), 2.0);
        QVERIFY(torch::allclose(s.energySums, torch::tensor({ 1.0, 2.0, 3.0 }, torch::kDouble)));
        QVERIFY(torch::allclose(s.meanRow, torch::full({ 3 }, 7.0, torch::kDouble)));
        QVERIFY(torch::allclose(s.meanColumn, torch::full({ 3 }, 12.0, torch::kDouble)));
        QVERIFY(torch::allclose(s.spreadRow, torch::zeros({ 3 }, torch::kDouble)));
    }

    void spreadOfTwoCells()
    {
        torch::Tensor image = torch::zeros({ 1, 5, 5 });
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
        const torch::Tensor images = torch::rand({ 500, 1, 25, 25 }).pow(4);
        const ShowerStats s = showerStats(images);
        const ShowerComparison c = compareShowers(s, s);
        QCOMPARE(c.energyChi2.chi2, 0.0);
        QCOMPARE(c.profileDeviation, 0.0);
        QCOMPARE(c.centralCellDeviation, 0.0);
        QCOMPARE(c.spreadRowRatio, 1.0);
        // 500 showers fill 25 bins with 20 on average.
        QCOMPARE(c.binEdges.size(), std::size_t(26));
        QCOMPARE(c.energyChi2.ndf, 24);
    }

    void energyBinsFollowTheBulkOfTheRealSums()
    {
        torch::manual_seed(8);
        // Sums spread evenly over 1..10 GeV, and one stray shower at 100 GeV.
        torch::Tensor sums = 1 + 9 * torch::rand({ 2000 });
        sums[0] = 100;
        const ShowerStats real = showerStats(pointShowers(sums));
        const ShowerComparison same
            = compareShowers(real, showerStats(pointShowers(1 + 9 * torch::rand({ 2000 }))));
        QCOMPARE(same.binEdges.size(), std::size_t(31));
        QVERIFY2(same.binEdges.back() < 11 && same.binEdges.front() > 1 && same.binEdges.front() < 1.2,
            std::to_string(same.binEdges.back()).c_str());
        QCOMPARE(same.energyChi2.ndf, 29);
        QVERIFY2(same.energyChi2.chi2PerNdf() < 2, std::to_string(same.energyChi2.chi2PerNdf()).c_str());
        // Every bin holds a fair share of the real showers, the edge bins too.
        for (double share : same.realEnergy)
            QVERIFY2(share > 0.02 && share < 0.05, std::to_string(share).c_str());
        QVERIFY(std::abs(std::accumulate(same.generatedEnergy.begin(), same.generatedEnergy.end(), 0.0) - 1)
            < 1e-9);

        // Small samples get fewer, fuller bins.
        const ShowerStats few = showerStats(pointShowers(1 + 9 * torch::rand({ 200 })));
        QCOMPARE(compareShowers(few, few).energyChi2.ndf, 9);
    }

    void generatedSumsBeyondTheRealRangeCount()
    {
        torch::manual_seed(9);
        const ShowerStats real = showerStats(pointShowers(1 + 9 * torch::rand({ 2000 })));
        // A tenth of the generated showers far above every real one, the rest as real.
        torch::Tensor sums = 1 + 9 * torch::rand({ 2000 });
        sums.slice(0, 0, 200).fill_(30);
        const ShowerComparison c = compareShowers(real, showerStats(pointShowers(sums)));
        QVERIFY2(c.energyChi2.chi2PerNdf() > 3, std::to_string(c.energyChi2.chi2PerNdf()).c_str());
        QVERIFY(c.generatedEnergy.back() > 0.1);
    }

    void onlyCellsWithSignalAreCentral()
    {
        torch::manual_seed(10);
        const ShowerStats real = showerStats(coreAndHalo(4000, 1e-4));
        // A generator whose halo is five times too bright still agrees where the showers are.
        const ShowerComparison halo = compareShowers(real, showerStats(coreAndHalo(4000, 5e-4)));
        QVERIFY2(halo.centralCellDeviation < 0.05, std::to_string(halo.centralCellDeviation).c_str());
        QVERIFY2(halo.profileDeviation < 0.1, std::to_string(halo.profileDeviation).c_str());
        // One that makes the core's flanks 20 % too bright does not.
        torch::Tensor wide = coreAndHalo(4000, 1e-4);
        wide.select(2, 11).mul_(1.2);
        wide.select(2, 13).mul_(1.2);
        const ShowerComparison flanks = compareShowers(real, showerStats(wide));
        QVERIFY2(
            std::abs(flanks.profileDeviation - 0.2) < 0.05, std::to_string(flanks.profileDeviation).c_str());
        QVERIFY2(std::abs(flanks.centralCellDeviation - 0.2) < 0.05,
            std::to_string(flanks.centralCellDeviation).c_str());
    }

    void differentShowersDisagree()
    {
        torch::manual_seed(6);
        const torch::Tensor real = torch::rand({ 2000, 1, 10, 10 });
        const ShowerStats r = showerStats(real);
        const ShowerStats twice = showerStats(real * 1.2);
        const ShowerComparison c = compareShowers(r, twice);
        QVERIFY(std::abs(c.profileDeviation - 0.2) < 1e-6);
        QVERIFY(std::abs(c.centralCellDeviation - 0.2) < 1e-6);
        QVERIFY(c.energyChi2.chi2PerNdf() > 10);
        // A statistically equivalent second sample gives chi2 / NDF near 1.
        const ShowerComparison same = compareShowers(r, showerStats(torch::rand({ 2000, 1, 10, 10 })));
        QVERIFY2(same.energyChi2.chi2PerNdf() < 2.5, std::to_string(same.energyChi2.chi2PerNdf()).c_str());
        QVERIFY(same.profileDeviation < 0.05);
    }

    void responseCurve()
    {
        torch::manual_seed(7);
        const torch::Tensor energy = torch::rand({ 4000 }) * 490 + 10;
        // A calorimeter with 2 % sampling fraction and 10 % / sqrt(E) resolution.
        const torch::Tensor sums = 0.02 * energy * (1 + torch::randn({ 4000 }) * 0.1 / energy.sqrt());
        const auto curve = neurino::responseCurve(sums, energy, 5);
        QCOMPARE(curve.size(), std::size_t(5));
        for (const auto& bin : curve)
            QVERIFY(std::abs(bin.response - 0.02) < 0.001);
        QVERIFY(curve.front().resolution > curve.back().resolution);
    }

    void refusesBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(DataError, showerStats(torch::rand({ 4, 3, 5, 5 })));
        QVERIFY_THROWS_EXCEPTION(DataError, showerStats(torch::rand({ 0, 1, 5, 5 })));
        QVERIFY_THROWS_EXCEPTION(DataError, neurino::responseCurve(torch::rand({ 5 }), torch::rand({ 4 })));
    }
};

NEURINO_TEST_MAIN(TestShowerValidation)
#include "TestShowerValidation.moc"
