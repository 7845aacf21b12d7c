// The first-steps toys: each class's geometry is the one its name promises, classes are balanced exactly.
#include "datasets/Catalog.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cmath>

using namespace neurino;
using namespace neurino::datasets;

namespace {

Dataset make(const char* name, const nlohmann::json& options, std::int64_t events = 4000)
{
    return Catalog::instance().generate(name, options, events, 3);
}

} // namespace

class TestToys : public QObject {
    Q_OBJECT

private slots:
    void balancedBinary_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : { "xor", "circles", "spirals", "gaussians" })
            QTest::newRow(n) << n;
    }

    void balancedBinary()
    {
        QFETCH(QString, name);
        const Dataset d = make(name.toUtf8().constData(), nlohmann::json::object());
        QCOMPARE(d.info.task, Task::Binary);
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 4000, 2 }));
        QCOMPARE(d.targets.sum().item<std::int64_t>(), std::int64_t(2000));
        QCOMPARE(d.info.classNames.size(), std::size_t(2));
        QCOMPARE(d.info.featureNames, (std::vector<std::string> { "x1", "x2" }));
    }

    void xorQuadrants()
    {
        const Dataset d = make("xor", { { "noise", 0.0 }, { "margin", 0.1 } });
        const auto x = d.features.select(1, 0), y = d.features.select(1, 1);
        QVERIFY(torch::equal((x * y > 0).to(torch::kInt64), d.targets));
        QVERIFY(d.features.abs().max().item<float>() <= 1.0f);
        // The margin keeps points off the axes: |x| >= 0.1 / 1.1.
        QVERIFY(d.features.abs().min().item<float>() >= 0.09f);
        // Every quadrant is populated.
        for (int sx : { -1, 1 })
            for (int sy : { -1, 1 })
                QVERIFY(((x * sx > 0) & (y * sy > 0)).sum().item<std::int64_t>() > 800);
    }

    void circlesRadii()
    {
        const Dataset d = make("circles", { { "noise", 0.0 } });
        const auto r = d.features.norm(2, 1);
        const auto inner = r.masked_select(d.targets == 0), outer = r.masked_select(d.targets == 1);
        QVERIFY(inner.max().item<float>() <= 0.5f + 1e-6f);
        QVERIFY(outer.min().item<float>() >= 0.7f - 1e-6f);
        QVERIFY(outer.max().item<float>() <= 1.0f + 1e-6f);
        // Uniform in area: half the disc's points lie within 0.5 / sqrt(2).
        const double within = (inner < 0.5 / std::sqrt(2.0)).to(torch::kFloat64).mean().item<double>();
        QVERIFY(std::fabs(within - 0.5) < 0.05);
    }

    void spiralsInterleave()
    {
        const double turns = 1.5;
        const Dataset d = make("spirals", { { "noise", 0.0 }, { "turns", turns } });
        const auto x = d.features.select(1, 0).to(torch::kFloat64),
                   y = d.features.select(1, 1).to(torch::kFloat64);
        const auto r = (x * x + y * y).sqrt();
        const auto angle = torch::atan2(y, x);
        // Each point lies on its arm: angle = r * turns * 2 pi + label * pi (mod 2 pi).
        const auto expected = r * turns * 2 * M_PI + d.targets.to(torch::kFloat64) * M_PI;
        auto diff = torch::remainder(angle - expected + M_PI, 2 * M_PI) - M_PI;
        QVERIFY(diff.abs().max().item<double>() < 1e-4);
        QVERIFY(r.max().item<double>() <= 1.0);
    }

    void gaussiansAndNuisance()
    {
        const Dataset plain = make("gaussians", { { "separation", 2.0 }, { "sigma", 0.5 } }, 20000);
        const auto mean0 = plain.features.index({ plain.targets == 0 }).mean(0);
        const auto mean1 = plain.features.index({ plain.targets == 1 }).mean(0);
        const double half = 2.0 / (2 * std::sqrt(2.0));
        QVERIFY(torch::allclose(mean0, torch::full({ 2 }, -half), 0, 0.03));
        QVERIFY(torch::allclose(mean1, torch::full({ 2 }, half), 0, 0.03));
        QVERIFY(
            std::fabs(plain.features.index({ plain.targets == 1 }).std(0)[0].item<double>() - 0.5) < 0.02);

        const Dataset shifted = make("gaussians",
            { { "separation", 2.0 }, { "sigma", 0.5 }, { "shift", 1.0 }, { "nuisance", 0.8 } }, 20000);
        const auto s1 = shifted.features.index({ shifted.targets == 1 });
        QVERIFY(std::fabs(s1.mean(0)[0].item<double>() - (half + 1.0)) < 0.03);
        // x2 of the signal carries the nuisance: its spread grows to sqrt(0.5^2 + 0.8^2).
        QVERIFY(std::fabs(s1.std(0)[1].item<double>() - std::hypot(0.5, 0.8)) < 0.03);
        const auto z = shifted.extras.at("nuisance");
        QVERIFY(std::fabs(z.std().item<double>() - 0.8) < 0.03);
        // The background does not see it.
        const auto b = shifted.features.index({ shifted.targets == 0 });
        QVERIFY(std::fabs(b.std(0)[1].item<double>() - 0.5) < 0.02);
    }

    void function1d_data()
    {
        QTest::addColumn<QString>("function");
        for (const char* f : { "sin", "abs", "step", "bump", "square", "cubic" })
            QTest::newRow(f) << f;
    }

    void function1d()
    {
        QFETCH(QString, function);
        const Dataset d = make(
            "function1d", { { "function", function.toStdString() }, { "xmin", -2.0 }, { "xmax", 2.0 } });
        QCOMPARE(d.info.task, Task::Regression);
        QCOMPARE(d.targets.sizes().vec(), (std::vector<std::int64_t> { 4000, 1 }));
        const auto x = d.features.to(torch::kFloat64);
        QVERIFY(x.min().item<double>() >= -2 && x.max().item<double>() < 2);
        auto f = [&](const torch::Tensor& v) -> torch::Tensor {
            if (function == "sin")
                return torch::sin(M_PI * v);
            if (function == "abs")
                return v.abs();
            if (function == "step")
                return (v > 0).to(torch::kFloat64);
            if (function == "bump")
                return torch::exp(-v * v / 0.08);
            if (function == "square")
                return v * v;
            return v * v * v;
        };
        QVERIFY(torch::allclose(d.targets.to(torch::kFloat64), f(x), 1e-5, 1e-5));

        const Dataset noisy
            = make("function1d", { { "function", function.toStdString() }, { "noise", 0.2 } }, 20000);
        const auto residual = noisy.targets.to(torch::kFloat64) - f(noisy.features.to(torch::kFloat64));
        QVERIFY(std::fabs(residual.std().item<double>() - 0.2) < 0.01);
        QVERIFY(std::fabs(residual.mean().item<double>()) < 0.01);
    }
};

NEURINO_TEST_MAIN(TestToys)
#include "TestToys.moc"
