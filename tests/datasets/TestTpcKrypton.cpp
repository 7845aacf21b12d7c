// TPC krypton calibration (EXERCISES.md section 4): the main line sits where a good pad's gain puts it,
// faulty pads look faulty and cluster on the plane, the eye-scan errs 2-3 % of the time.
#include "datasets/Catalog.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;
using namespace neurino::datasets;

namespace {

constexpr int kGood = 0, kNoisy = 1, kDead = 2, kShifted = 3;

const Dataset& plane()
{
    static const Dataset d = Catalog::instance().generate("tpc_krypton", nlohmann::json::object(), 0, 2024);
    return d;
}

torch::Tensor spectraOf(int truth)
{
    return plane().features.index({ plane().extras.at("true_class") == truth });
}

} // namespace

class TestTpcKrypton : public QObject {
    Q_OBJECT

private slots:
    void layout()
    {
        const Dataset& d = plane();
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 90 * 192, 100 }));
        QCOMPARE(d.info.classNames, (std::vector<std::string> { "good", "noisy", "dead", "gain_shifted" }));
        QCOMPARE(d.info.featureNames.size(), std::size_t(100));
        QCOMPARE((d.targets >= 0).sum().item<std::int64_t>(), std::int64_t(5000));
        QVERIFY((d.targets >= -1).all().item<bool>() && (d.targets <= 3).all().item<bool>());
        // The default eye-scan covers the first rows of the plane.
        QVERIFY((d.targets.slice(0, 0, 5000) >= 0).all().item<bool>());
        QCOMPARE(d.extras.at("pad_row")[192].item<std::int64_t>(), std::int64_t(1));
        QCOMPARE(d.extras.at("pad_column")[193].item<std::int64_t>(), std::int64_t(1));
        QVERIFY(d.features.min().item<float>() >= 0);
        // Every class is present in the truth and in the eye-scan.
        const auto truth = d.extras.at("true_class");
        for (int k = 0; k < 4; ++k) {
            QVERIFY((truth == k).sum().item<std::int64_t>() > 50);
            QVERIFY((d.targets == k).sum().item<std::int64_t>() > 20);
        }
        // Mostly good pads.
        QVERIFY((truth == kGood).to(torch::kFloat64).mean().item<double>() > 0.85);
    }

    void goodPadsPeakAtMainLine()
    {
        // 100 bins over 0-60 keV: 41.6 keV is bin 69.
        const auto good = spectraOf(kGood);
        QCOMPARE(good.mean(0).argmax().item<std::int64_t>(), std::int64_t(69));
        // Pad by pad, the main line sits where the pad's gain puts it.
        const auto gains = plane().extras.at("gain").masked_select(plane().extras.at("true_class") == kGood);
        const auto expected = gains * 41.6f / 0.6f - 0.5f;
        const auto peaks = good.argmax(1).to(torch::kFloat32);
        const double near = ((peaks - expected).abs() <= 2.5f).to(torch::kFloat64).mean().item<double>();
        QVERIFY2(near > 0.97, qPrintable(QString::number(near)));
        // Normalised so that a good pad averages about one per bin.
        const double perBin = good.mean().item<double>();
        QVERIFY(perBin > 0.6 && perBin < 1.2);
    }

    void faultyPadsLookFaulty()
    {
        const auto good = spectraOf(kGood);
        const double goodTotal = good.sum(1).median().item<double>();
        const double goodLow = good.slice(1, 0, 10).sum(1).mean().item<double>();
        // Dead or low-count pads: a small fraction of the clusters.
        QVERIFY(spectraOf(kDead).sum(1).max().item<double>() < 0.2 * goodTotal);
        // Noisy pads: an excess of small clusters.
        QVERIFY(spectraOf(kNoisy).slice(1, 0, 10).sum(1).min().item<double>() > 5 * goodLow);
        // Gain-shifted pads: the main line moves by 10 % (7 bins) or more.
        const auto shiftedPeaks = spectraOf(kShifted).argmax(1);
        const double moved = ((shiftedPeaks - 69).abs() >= 5).to(torch::kFloat64).mean().item<double>();
        QVERIFY2(moved > 0.8, qPrintable(QString::number(moved)));
    }

    void faultyPadsCluster()
    {
        const auto faulty = (plane().extras.at("true_class") > 0).view({ 90, 192 });
        auto neighbour = torch::zeros_like(faulty);
        neighbour.slice(0, 1) |= faulty.slice(0, 0, 89);
        neighbour.slice(0, 0, 89) |= faulty.slice(0, 1);
        neighbour.slice(1, 1) |= faulty.slice(1, 0, 191);
        neighbour.slice(1, 0, 191) |= faulty.slice(1, 1);
        const double share = faulty.to(torch::kFloat64).mean().item<double>();
        const double clustered = (faulty & neighbour).sum().item<double>() / faulty.sum().item<double>();
        const double random = 1 - std::pow(1 - share, 4);
        qInfo("faulty pads %.1f %%, with a faulty neighbour %.0f %% (random placement: %.0f %%)", 100 * share,
            100 * clustered, 100 * random);
        QVERIFY(clustered > 1.5 * random);
    }

    void eyeScanMistakes_data()
    {
        QTest::addColumn<QString>("region");
        QTest::addColumn<qint64>("scanned");
        QTest::newRow("rows") << "rows" << qint64(5000);
        QTest::newRow("random") << "random" << qint64(2000);
        QTest::newRow("large") << "rows" << qint64(10000);
    }

    void eyeScanMistakes()
    {
        QFETCH(QString, region);
        QFETCH(qint64, scanned);
        const Dataset d = Catalog::instance().generate(
            "tpc_krypton", { { "scan_region", region.toStdString() }, { "eye_scan", scanned } }, 0, 7);
        const auto mask = d.targets >= 0;
        QCOMPARE(mask.sum().item<std::int64_t>(), std::int64_t(scanned));
        const double error = (d.targets.masked_select(mask) != d.extras.at("true_class").masked_select(mask))
                                 .to(torch::kFloat64)
                                 .mean()
                                 .item<double>();
        qInfo(
            "eye-scan of %lld pads (%s): %.2f %% wrong", (long long)scanned, qPrintable(region), 100 * error);
        QVERIFY(error >= 0.02 && error <= 0.03);
        if (region == "random") // spread over the whole plane
            QVERIFY(d.extras.at("pad_row").masked_select(mask).max().item<std::int64_t>() > 80);
    }
};

NEURINO_TEST_MAIN(TestTpcKrypton)
#include "TestTpcKrypton.moc"
