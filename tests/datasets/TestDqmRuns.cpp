// Per-run TPC monitoring maps (the data-quality lesson): good runs share one drift-time plateau, and each
// failure mode shows where and how it should, compared with the good runs of the same seeded sample.
#include "datasets/Catalog.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;
using namespace neurino::datasets;

namespace dqm_runs_test {

constexpr int kModeGood = 0, kModeDead = 1, kModeNoisy = 2, kModeGainDrift = 3, kModeTimingShift = 4;

const Dataset& runs()
{
    static const Dataset d = Catalog::instance().generate("dqm_runs", nlohmann::json::object(), 600, 7);
    return d;
}

torch::Tensor mapsOf(int failure)
{
    return runs().features.index({ runs().extras.at("failure_mode") == failure });
}

// The mean drift-time distribution (over rows) of each run: (n, bins).
torch::Tensor timeProfiles(const torch::Tensor& maps)
{
    return maps.mean({ 1, 2 });
}

} // namespace dqm_runs_test

using namespace dqm_runs_test;

class TestDqmRuns : public QObject {
    Q_OBJECT

private slots:
    void layout()
    {
        const Dataset& d = runs();
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 600, 1, 16, 32 }));
        QCOMPARE(d.info.task, Task::Reconstruction);
        QVERIFY(!d.targets.defined());
        QCOMPARE(d.info.classNames.size(), std::size_t(5));
        QVERIFY(d.features.min().item<float>() >= 0);
        const auto failure = d.extras.at("failure_mode");
        const double good = (failure == kModeGood).to(torch::kFloat64).mean().item<double>();
        QVERIFY2(good > 0.5 && good < 0.7, qPrintable(QString::number(good)));
        for (int k = 1; k <= 4; ++k)
            QVERIFY((failure == k).sum().item<std::int64_t>() > 40);
        // A good run's plateau averages about one; before t0 (bins 0-1) the window is nearly empty.
        const auto profile = timeProfiles(mapsOf(kModeGood)).mean(0);
        QVERIFY(profile.slice(0, 6, 24).mean().item<double>() > 0.85);
        QVERIFY(profile.slice(0, 6, 24).mean().item<double>() < 1.1);
        QVERIFY(profile.slice(0, 0, 2).max().item<double>() < 0.05);
        // Attachment: fewer clusters pass the threshold far from the read-out plane.
        QVERIFY(profile[24].item<double>() < profile[6].item<double>());
    }

    void sameSeedSameRuns()
    {
        const Dataset again = Catalog::instance().generate("dqm_runs", nlohmann::json::object(), 600, 7);
        QVERIFY(torch::equal(again.features, runs().features));
        const Dataset other = Catalog::instance().generate("dqm_runs", nlohmann::json::object(), 600, 8);
        QVERIFY(!torch::equal(other.features, runs().features));
    }

    void deadCardReadsLittle()
    {
        const Dataset& d = runs();
        const auto rows = (d.extras.at("failure_mode") == kModeDead).nonzero().reshape({ -1 });
        const double goodRow = mapsOf(kModeGood).mean().item<double>();
        for (std::int64_t k = 0; k < rows.numel(); ++k) {
            const std::int64_t i = rows[k].item<std::int64_t>();
            const std::int64_t begin = d.extras.at("fault_row_begin")[i].item<std::int64_t>();
            const std::int64_t end = d.extras.at("fault_row_end")[i].item<std::int64_t>();
            QCOMPARE(end - begin, std::int64_t(2));
            const auto map = d.features[i][0];
            QVERIFY(map.slice(0, begin, end).mean().item<double>() < 0.45 * goodRow);
            // The other rows are normal.
            const double others = (map.sum() - map.slice(0, begin, end).sum()).item<double>() / (14 * 32);
            QVERIFY(std::abs(others / goodRow - 1.0) < 0.2);
        }
    }

    void noisyChannelFillsItsRow()
    {
        const Dataset& d = runs();
        const auto rows = (d.extras.at("failure_mode") == kModeNoisy).nonzero().reshape({ -1 });
        for (std::int64_t k = 0; k < rows.numel(); ++k) {
            const std::int64_t i = rows[k].item<std::int64_t>();
            const std::int64_t row = d.extras.at("fault_row_begin")[i].item<std::int64_t>();
            const auto map = d.features[i][0];
            // Noise hits come at any time: the row is busy even before t0, where good rows are empty.
            QVERIFY(map[row].slice(0, 0, 2).mean().item<double>() > 0.1);
            QVERIFY(map.slice(1, 0, 2).sum(1).argmax().item<std::int64_t>() == row);
        }
    }

    void gainDropCutsLateClustersInOneChamber()
    {
        const Dataset& d = runs();
        const auto good = mapsOf(kModeGood).mean(0)[0]; // (rows, bins)
        const auto rows = (d.extras.at("failure_mode") == kModeGainDrift).nonzero().reshape({ -1 });
        double early = 0, late = 0, other = 0;
        for (std::int64_t k = 0; k < rows.numel(); ++k) {
            const std::int64_t i = rows[k].item<std::int64_t>();
            const std::int64_t begin = d.extras.at("fault_row_begin")[i].item<std::int64_t>();
            const std::int64_t end = d.extras.at("fault_row_end")[i].item<std::int64_t>();
            QVERIFY((begin == 0 && end == 8) || (begin == 8 && end == 16)); // the inner or the outer chamber
            const auto ratio = d.features[i][0] / good;
            early += ratio.slice(0, begin, end).slice(1, 5, 8).mean().item<double>();
            late += ratio.slice(0, begin, end).slice(1, 23, 26).mean().item<double>();
            other += ratio.slice(0, 8 - begin, 16 - begin).slice(1, 5, 26).mean().item<double>();
        }
        early /= double(rows.numel());
        late /= double(rows.numel());
        other /= double(rows.numel());
        QVERIFY2(early < 0.97, qPrintable(QString::number(early)));
        QVERIFY2(late < early - 0.04, qPrintable(QString("%1 %2").arg(early).arg(late)));
        QVERIFY2(
            std::abs(other - 1.0) < 0.03, qPrintable(QString::number(other))); // the other chamber is fine
    }

    void timingShiftMovesTheEdges()
    {
        const Dataset& d = runs();
        const auto failure = d.extras.at("failure_mode");
        const auto shift = d.extras.at("t0").index({ failure == kModeTimingShift }) - 3.0f;
        QVERIFY((shift.abs() >= 1.0f).all().item<bool>()); // 1.5 to 3 bins, less the good runs' jitter
        const auto goodT0 = d.extras.at("t0").index({ failure == kModeGood }) - 3.0f;
        QVERIFY((goodT0.abs() < 1.0f).all().item<bool>());
        // The leading edge (half height) of each shifted run's profile moves with its t0.
        const auto profiles = timeProfiles(mapsOf(kModeTimingShift));
        for (std::int64_t k = 0; k < profiles.size(0); ++k) {
            const auto above = (profiles[k] > 0.5f).nonzero();
            const double edge = above[0].item<double>();
            QVERIFY2(std::abs(edge - (3.0 + shift[k].item<double>())) <= 1.0,
                qPrintable(QString("%1 %2").arg(edge).arg(shift[k].item<double>())));
        }
    }
};

NEURINO_TEST_MAIN(TestDqmRuns)
#include "TestDqmRuns.moc"
