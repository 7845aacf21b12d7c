// Electromagnetic showers (EXERCISES.md section 3): linearity, 1/sqrt(E) resolution, shower maximum growing
// with ln E, transverse width of the order of the Moliere radius, sparse edges, the 3D variant.
#include "datasets/Catalog.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cmath>
#include <map>

using namespace neurino;
using namespace neurino::datasets;

namespace {

constexpr double kSamplingFraction = 0.02;
constexpr double kMoliereMm = 18.0, kCellMm = 5.1;
const double kEnergies[] = { 10, 25, 50, 100, 200, 400 };

// Showers at one fixed energy: (N, 1, 25 transverse cells, 25 layers).
const Dataset& showers(double energy)
{
    static std::map<double, Dataset> cache;
    auto it = cache.find(energy);
    if (it == cache.end()) {
        const nlohmann::json options = { { "min_energy", energy }, { "max_energy", energy } };
        it = cache.emplace(energy, Catalog::instance().generate("calorimeter", options, 300, 17)).first;
    }
    return it->second;
}

torch::Tensor sums(double energy)
{
    return showers(energy).features.sum({ 1, 2, 3 }).to(torch::kFloat64);
}

} // namespace

class TestCalorimeter : public QObject {
    Q_OBJECT

private slots:
    void layout()
    {
        const Dataset d = Catalog::instance().generate("calorimeter", nlohmann::json::object(), 200, 1);
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 200, 1, 25, 25 }));
        QCOMPARE(d.targets.sizes().vec(), (std::vector<std::int64_t> { 200, 1 }));
        QCOMPARE(d.info.task, Task::Images);
        QVERIFY(d.targets.min().item<float>() >= 10 && d.targets.max().item<float>() <= 500);
        // Nothing between 0 and the 1e-6 threshold; nothing negative.
        const auto f = d.features;
        QVERIFY(((f == 0) | (f >= 1e-6f)).all().item<bool>());
        // Image sums of a few GeV, up to about 12 for 500 GeV.
        const auto s = f.sum({ 1, 2, 3 });
        QVERIFY(s.max().item<float>() < 13 && s.max().item<float>() > 5);
    }

    void linearity()
    {
        for (double e : kEnergies) {
            const double response = sums(e).mean().item<double>() / (kSamplingFraction * e);
            qInfo("E = %5.0f GeV: <sum> / (f E) = %.4f", e, response);
            QVERIFY2(std::fabs(response - 1.0) < 0.05, qPrintable(QString::number(response)));
        }
    }

    void resolution()
    {
        // Fit (sigma/E)^2 = a^2 / E + b^2 by least squares in 1/E.
        double sx = 0, sy = 0, sxx = 0, sxy = 0, previous = 1;
        for (double e : kEnergies) {
            const auto s = sums(e);
            const double r = (s.std() / s.mean()).item<double>();
            qInfo("E = %5.0f GeV: sigma/E = %.4f, times sqrt(E) = %.3f", e, r, r * std::sqrt(e));
            QVERIFY2(r < previous, "the resolution improves with energy");
            previous = r;
            const double x = 1 / e, y = r * r;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        const double n = std::size(kEnergies);
        const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        const double intercept = (sy - slope * sx) / n;
        const double a = std::sqrt(std::max(slope, 0.0)), b = std::sqrt(std::max(intercept, 0.0));
        qInfo("fit: sigma/E = %.3f/sqrt(E) (+) %.4f", a, b);
        QVERIFY(a > 0.13 && a < 0.22);
        QVERIFY(b < 0.02);
    }

    void showerMaximumGrowsWithLnE()
    {
        // Mean depth (barycentre of the longitudinal profile, in layers of 1 X0) against ln E.
        double sx = 0, sy = 0, sxx = 0, sxy = 0, previous = 0;
        for (double e : kEnergies) {
            const auto longitudinal = showers(e).features.sum({ 1, 2 }).mean(0).to(torch::kFloat64);
            const double depth = (longitudinal * torch::arange(25, torch::kFloat64)).sum().item<double>()
                / longitudinal.sum().item<double>();
            const std::int64_t maximum = longitudinal.argmax().item<std::int64_t>();
            qInfo("E = %5.0f GeV: barycentre %.2f X0, maximum in layer %lld", e, depth, (long long)maximum);
            QVERIFY(depth > previous);
            previous = depth;
            sx += std::log(e);
            sy += depth;
            sxx += std::log(e) * std::log(e);
            sxy += std::log(e) * depth;
        }
        const double n = std::size(kEnergies);
        const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        qInfo("d(depth)/d(ln E) = %.2f X0", slope);
        // Longitudinal scaling of EM showers: the maximum moves by one radiation length per e-fold.
        QVERIFY(slope > 0.7 && slope < 1.3);
    }

    void transverseWidthAndSparseEdges()
    {
        const auto images = showers(100).features.squeeze(1).to(torch::kFloat64); // N x 25 x 25
        const auto transverse = images.sum(2).mean(0);
        const auto x = torch::arange(25, torch::kFloat64) - 12;
        // Half-width holding 90 % of the energy, in mm.
        const double total = transverse.sum().item<double>();
        double inside = transverse[12].item<double>(), halfWidth = 0.5;
        for (int k = 1; inside < 0.9 * total; ++k, halfWidth += 1)
            inside += transverse[12 - k].item<double>() + transverse[12 + k].item<double>();
        const double width = halfWidth * kCellMm;
        qInfo("90%% of the energy within +-%.1f mm (Moliere radius %.0f mm)", width, kMoliereMm);
        QVERIFY(width > 0.4 * kMoliereMm && width < 1.5 * kMoliereMm);
        // Symmetric around the axis.
        QVERIFY(std::fabs((transverse * x).sum().item<double>() / total) < 0.1);
        // The outer cells are almost empty: little energy, mostly zero cells.
        const auto edges = torch::cat({ images.slice(1, 0, 2), images.slice(1, 23, 25) }, 1);
        QVERIFY(edges.sum().item<double>() / images.sum().item<double>() < 0.01);
        QVERIFY((edges == 0).to(torch::kFloat64).mean().item<double>() > 0.8);
        // Cell-to-cell fluctuations: the same shower energy never gives the same image.
        QVERIFY(!torch::allclose(images[0], images[1]));
    }

    void volumes()
    {
        const nlohmann::json options = { { "3d", true }, { "min_energy", 50 }, { "max_energy", 50 } };
        const Dataset d = Catalog::instance().generate("calorimeter", options, 20, 3);
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 20, 1, 51, 51, 25 }));
        const double response
            = d.features.sum({ 1, 2, 3, 4 }).mean().item<double>() / (kSamplingFraction * 50);
        QVERIFY(std::fabs(response - 1.0) < 0.05);
        // Round showers: the same spread in x and y.
        const auto inX = d.features.sum({ 0, 1, 3, 4 }), inY = d.features.sum({ 0, 1, 2, 4 });
        const auto pos = torch::arange(51, torch::kFloat32) - 25;
        const double rmsX = std::sqrt((inX * pos * pos).sum().item<double>() / inX.sum().item<double>());
        const double rmsY = std::sqrt((inY * pos * pos).sum().item<double>() / inY.sum().item<double>());
        QVERIFY(std::fabs(rmsX / rmsY - 1) < 0.2);
    }

    void electronScaleAndShortStacks()
    {
        // The same showers in GeV of the electron scale: every cell divided by the sampling fraction.
        nlohmann::json options = { { "min_energy", 40 }, { "max_energy", 40 } };
        const Dataset seen = Catalog::instance().generate("calorimeter", options, 50, 5);
        options["electron_scale"] = true;
        const Dataset scaled = Catalog::instance().generate("calorimeter", options, 50, 5);
        QVERIFY(torch::allclose(scaled.features * kSamplingFraction, seen.features, 1e-5, 1e-9));
        // A stack of 25 x 0.6 X0 lets a 40 GeV shower leak out of the back: it sums to well below 40 GeV.
        options["layer_x0"] = 0.6;
        const Dataset shortStack = Catalog::instance().generate("calorimeter", options, 50, 5);
        const double full = scaled.features.sum({ 1, 2, 3 }).mean().item<double>() / 40;
        const double leaky = shortStack.features.sum({ 1, 2, 3 }).mean().item<double>() / 40;
        QVERIFY2(
            full > 0.95 && leaky < full - 0.05, (std::to_string(full) + " " + std::to_string(leaky)).c_str());
    }
};

NEURINO_TEST_MAIN(TestCalorimeter)
#include "TestCalorimeter.moc"
