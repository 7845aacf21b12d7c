// The data-quality run monitor (offscreen): alone with constructed runs (the chooser, the worst bin, the
// score histograms, the export), and fed by the guide while the reduced lesson runs.
#include "widgets/guide/GuideDock.h"
#include "widgets/session/ExerciseRunner.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/views/physics/RunMonitorView.h"

#include "tests/TestMain.h"

#include <QComboBox>
#include <QLabel>
#include <QtTest>

#include <numeric>

using namespace neurino;
using exercises::MonitoringRuns;

namespace run_monitor_test {

// Long enough for the reduced lesson on a loaded 2-core machine (it takes a few seconds).
constexpr int kDqmStepsTimeoutMs = 180 * 1000;
constexpr int kMonitorRows = 4, kMonitorBins = 8;

// Six runs of three modes; run k's reconstruction misses its map by 0.1 * (k + 1) in bin (k % 4, k).
MonitoringRuns constructedRuns(bool scored)
{
    MonitoringRuns runs;
    runs.rows = kMonitorRows;
    runs.bins = kMonitorBins;
    runs.modeNames = { "good", "dead_region", "noisy_channel" };
    runs.failure = { 0, 0, 1, 1, 2, 0 };
    runs.runNumbers = { 10, 11, 12, 13, 14, 15 };
    runs.faultRowBegin = { -1, -1, 2, 0, 3, -1 };
    runs.faultRowEnd = { -1, -1, 4, 2, 4, -1 };
    runs.maps.assign(6 * kMonitorRows * kMonitorBins, 1.0f);
    if (!scored)
        return runs;
    runs.reconstructions = runs.maps;
    for (int k = 0; k < 6; ++k)
        runs.reconstructions[std::size_t(
            k * kMonitorRows * kMonitorBins + (k % kMonitorRows) * kMonitorBins + k)]
            -= 0.1f * float(k + 1);
    for (int k = 0; k < 6; ++k)
        runs.scores.push_back(0.01 * (k + 1) * (k + 1) / (kMonitorRows * kMonitorBins));
    runs.threshold = 0.5 * (runs.scores[1] + runs.scores[2]);
    return runs;
}

} // namespace run_monitor_test

using namespace run_monitor_test;

class TestRunMonitorView : public QObject {
    Q_OBJECT

private slots:
    void choosesRunsByModeAndFindsTheWorstBin()
    {
        RunMonitorView view;
        view.resize(1000, 640);
        view.setData(constructedRuns(true));
        auto* modes = view.findChild<QComboBox*>("runMonitorMode");
        auto* runs = view.findChild<QComboBox*>("runMonitorRun");
        QVERIFY(modes && runs);
        QCOMPARE(modes->count(), 3);
        QVERIFY(modes->itemText(1).contains("dead card (2)"));
        QCOMPARE(view.mode(), 2); // a noisy channel first
        QCOMPARE(view.run(), 4);
        // Good runs, the most anomalous first.
        view.setMode(0);
        QCOMPARE(view.offeredRuns(), (std::vector<int> { 5, 1, 0 }));
        QCOMPARE(runs->count(), 3);
        QVERIFY(runs->itemText(0).startsWith("run 15, score"));
        // Choosing in the run box shows that run; its worst bin is where its reconstruction missed.
        runs->setCurrentIndex(2);
        emit runs->activated(2);
        QCOMPARE(view.run(), 0);
        QVERIFY(view.worstBin() == std::make_pair(0, 0));
        view.setRun(3);
        QCOMPARE(view.mode(), 1);
        QVERIFY(view.worstBin() == std::make_pair(3, 3));
    }

    void histogramsCountEveryRunAndTheExportListsThem()
    {
        RunMonitorView view;
        view.setData(constructedRuns(true));
        const auto h = view.scoreHistograms(10);
        QCOMPARE(std::accumulate(h.good.begin(), h.good.end(), 0), 3);
        QCOMPARE(std::accumulate(h.bad.begin(), h.bad.end(), 0), 3);
        QVERIFY(h.high > h.low);
        const QStringList lines = view.toCsv().trimmed().split('\n');
        QCOMPARE(lines.size(), 7);
        QCOMPARE(lines.front(), QString("run,failure,score,flagged"));
        QVERIFY(lines[3].startsWith("12,dead_region,") && lines[3].endsWith(",1"));
        QVERIFY(lines[1].endsWith(",0"));
        QVERIFY(view.findChild<QLabel*>("runMonitorSummary")->text().contains("3 of 3 bad runs flagged"));
    }

    void drawsTheMapsOrSaysWhatIsMissing()
    {
        RunMonitorView view;
        view.resize(1000, 640);
        view.setData(constructedRuns(false));
        QVERIFY(!view.worstBin());
        QVERIFY(view.findChild<QLabel*>("runMonitorSummary")->text().contains("6 held-out runs"));
        const QImage before = view.grab().toImage();
        view.setData(constructedRuns(true));
        const QImage after = view.grab().toImage();
        QCOMPARE(after.size(), before.size());
        QVERIFY(after != before); // the reconstruction, the difference and the histogram
        view.clear();
        QCOMPARE(view.run(), -1);
        QVERIFY(view.findChild<QLabel*>("runMonitorSummary")->text().startsWith("No runs yet"));
        view.grab(); // nothing to draw, and no crash
    }

    void theGuideFeedsItTheLessonsRuns()
    {
        RunScheduler scheduler;
        GuideDock dock(&scheduler);
        RunMonitorView view;
        GuideViews views;
        views.runMonitor = &view;
        dock.attachViews(views);
        dock.setQuickRun(true);
        QVERIFY(dock.openExercise("dqm_autoencoder"));
        QVERIFY(dock.runStep(0) && dock.runner()->waitForIdle(kDqmStepsTimeoutMs));
        QCOMPARE(int(view.data().runs()), 400);
        QVERIFY(!view.data().scored());
        QVERIFY(dock.runStep(3) && dock.runner()->waitForIdle(kDqmStepsTimeoutMs));
        QVERIFY(dock.runner()->lastError().isEmpty());
        QVERIFY(view.data().scored());
        QCOMPARE(view.data().scores.size(), std::size_t(400));
        // On a noisy-channel run, the worst bin is in most cases in the noisy row (the lesson checks the
        // share); the most anomalous one offered first is a clear case.
        QCOMPARE(view.mode(), 2);
        const auto worst = view.worstBin();
        QVERIFY(worst);
        QCOMPARE(worst->first, view.data().faultRowBegin[std::size_t(view.run())]);
    }
};

NEURINO_TEST_MAIN(TestRunMonitorView)
#include "TestRunMonitorView.moc"
