// The calorimeter resolution plot: binning in true energy, bias and response-corrected spread, and the
// a/sqrt(E) (+) b fit recovering known terms.
#include "core/eval/EnergyResolution.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

using namespace neurino;

namespace {

// Energies uniform in [low, high], each measured with a Gaussian relative error a/sqrt(E) (+) b around a
// response 1 + bias.
void smear(double a, double b, double bias, int events, std::vector<double>& truth,
    std::vector<double>& measured, double low = 10, double high = 100)
{
    std::mt19937_64 engine(7);
    std::uniform_real_distribution<double> energy(low, high);
    std::normal_distribution<double> gauss;
    for (int i = 0; i < events; ++i) {
        const double e = energy(engine);
        const double sigma = std::sqrt(a * a / e + b * b);
        truth.push_back(e);
        measured.push_back(e * (1 + bias) * (1 + sigma * gauss(engine)));
    }
}

} // namespace

class TestEnergyResolution : public QObject {
    Q_OBJECT

private slots:
    void binsCountMeanBiasAndSpread()
    {
        // Two bins; the first holds E = 10, 12 read as 11, 12 (ratios 1.1, 1.0); the second E = 20 read 18.
        const auto r = energyResolution({ 10, 12, 20, 5, 40 }, { 11, 12, 18, 5, 40 }, { 10, 15, 30 });
        QCOMPARE(r.bins.size(), std::size_t(2));
        QCOMPARE(r.bins[0].count, std::int64_t(2));
        QCOMPARE(r.bins[1].count, std::int64_t(1)); // 5 and 40 are outside the edges
        QCOMPARE(r.bins[0].meanEnergy, 11.0);
        QVERIFY(std::abs(r.bins[0].bias - 0.05) < 1e-12);
        // Ratios 1.1 and 1.0: standard deviation sqrt(0.005), divided by the mean ratio 1.05.
        QVERIFY(std::abs(r.bins[0].resolution - std::sqrt(0.005) / 1.05) < 1e-12);
        QVERIFY(std::abs(r.bins[1].bias + 0.1) < 1e-12);
        QCOMPARE(r.bins[1].resolution, 0.0);
        QVERIFY(!r.fit.valid); // a single bin with two or more events
        QVERIFY(std::abs(r.overallBias - (0.1 + 0 - 0.1) / 3) < 1e-12);
    }

    void fitRecoversExactTerms_data()
    {
        QTest::addColumn<double>("a");
        QTest::addColumn<double>("b");
        QTest::newRow("stochastic and constant") << 0.17 << 0.01;
        QTest::newRow("constant dominates") << 0.05 << 0.04;
        QTest::newRow("no constant term") << 0.2 << 0.0;
    }
    void fitRecoversExactTerms()
    {
        QFETCH(double, a);
        QFETCH(double, b);
        // Points exactly on the curve: least squares must give the terms back to rounding.
        std::vector<ResolutionBin> bins;
        for (double e : { 15.0, 30.0, 50.0, 80.0, 150.0 }) {
            ResolutionBin bin;
            bin.meanEnergy = e;
            bin.count = 1000;
            bin.resolution = std::sqrt(a * a / e + b * b);
            bin.resolutionError = bin.resolution / std::sqrt(2.0 * 999);
            bins.push_back(bin);
        }
        const StochasticFit fit = fitStochasticTerm(bins);
        QVERIFY(fit.valid);
        QVERIFY2(std::abs(fit.a - a) < 1e-9, std::to_string(fit.a).c_str());
        QVERIFY2(std::abs(fit.b - b) < 1e-7, std::to_string(fit.b).c_str());
        QVERIFY(fit.chi2 < 1e-9);
        QCOMPARE(fit.ndf, 3);
        QVERIFY(std::abs(fit.at(50.0) - std::sqrt(a * a / 50 + b * b)) < 1e-9);
    }

    void smearedEventsGiveBackTheirResolution()
    {
        std::vector<double> truth, measured;
        smear(0.17, 0.02, 0.03, 60000, truth, measured);
        const auto r = energyResolution(truth, measured, equalEdges(10, 100, 9));
        QVERIFY(r.fit.valid);
        QCOMPARE(r.fit.ndf, 7);
        // Within a few standard errors of 60,000 events (the bins are 10 GeV wide, so sigma varies a little
        // inside the lowest ones).
        QVERIFY2(std::abs(r.fit.a - 0.17) < 0.01, std::to_string(r.fit.a).c_str());
        QVERIFY2(std::abs(r.fit.b - 0.02) < 0.004, std::to_string(r.fit.b).c_str());
        for (const auto& bin : r.bins) {
            QVERIFY(std::abs(bin.bias - 0.03) < 4 * bin.biasError + 1e-3);
            const double expected = std::sqrt(0.17 * 0.17 / bin.meanEnergy + 0.02 * 0.02);
            QVERIFY2(std::abs(bin.resolution - expected) < 5 * bin.resolutionError,
                (std::to_string(bin.meanEnergy) + ": " + std::to_string(bin.resolution)).c_str());
        }
        QVERIFY(std::abs(r.overallBias - 0.03) < 1e-3);
    }

    void negativeConstantTermIsFixedAtZero()
    {
        // A spread falling faster than 1/sqrt(E) would need b^2 < 0: the fit keeps b = 0 and fits a alone.
        std::vector<ResolutionBin> bins;
        for (double e : { 10.0, 40.0, 90.0 }) {
            ResolutionBin bin;
            bin.meanEnergy = e;
            bin.count = 500;
            bin.resolution = 0.5 / e;
            bin.resolutionError = bin.resolution / std::sqrt(998.0);
            bins.push_back(bin);
        }
        const StochasticFit fit = fitStochasticTerm(bins);
        QVERIFY(fit.valid);
        QCOMPARE(fit.b, 0.0);
        QVERIFY(fit.a > 0);
    }

    void badInputIsNamed()
    {
        QVERIFY_THROWS_EXCEPTION(DataError, energyResolution({ 1, 2 }, { 1 }, { 0, 5 }));
        QVERIFY_THROWS_EXCEPTION(DataError, energyResolution({ 1 }, { 1 }, { 5, 5 }));
        QVERIFY_THROWS_EXCEPTION(DataError, energyResolution({ -1 }, { 1 }, { 0, 5 }));
        QVERIFY_THROWS_EXCEPTION(DataError, equalEdges(5, 5, 3));
        QCOMPARE(equalEdges(10, 100, 6).size(), std::size_t(7));
        QCOMPARE(equalEdges(10, 100, 6)[1], 25.0);
    }
};

NEURINO_TEST_MAIN(TestEnergyResolution)
#include "TestEnergyResolution.moc"
