// The pivot view from a lesson's plain numbers: a panel per classifier with a curve per class and nuisance
// value, the KS probabilities in its caption, the CSV and PNG exports, and the guide feeding it the pivot
// lesson's figure after its training steps (real, reduced training).
#include "widgets/guide/GuideDock.h"
#include "widgets/session/ExerciseRunner.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/views/charts/PivotView.h"

#include "tests/TestMain.h"

#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace neurino;

namespace pivot_view_test {

// Steps 0 to 2 of the pivot lesson on reduced data take seconds; this bounds a stuck one.
constexpr int kPivotStepsTimeoutMs = 180 * 1000;
constexpr int kPivotBins = 20;

// A Gaussian bump over [0, 1] centred at `mean`, normalised to unit area.
std::vector<double> pivotBump(double mean)
{
    std::vector<double> d(kPivotBins);
    double sum = 0;
    for (int b = 0; b < kPivotBins; ++b) {
        const double x = (b + 0.5) / kPivotBins;
        d[std::size_t(b)] = std::exp(-0.5 * std::pow((x - mean) / 0.12, 2));
        sum += d[std::size_t(b)];
    }
    for (double& v : d)
        v *= kPivotBins / sum;
    return d;
}

// Two classifiers: one whose output slides with the nuisance, one whose output does not.
exercises::PivotFigure pivotSample()
{
    exercises::PivotFigure f;
    f.nuisanceName = "jet energy scale";
    f.nuisanceValues = { -0.1, 0.0, 0.1 };
    f.classNames = { "background", "signal" };
    f.bins = kPivotBins;
    for (const double slide : { 0.08, 0.0 }) {
        exercises::PivotPanel p;
        p.label = slide > 0 ? "nominal training" : "with adversary (λ = 10)";
        for (const double centre : { 0.3, 0.7 })
            p.densities.push_back(
                { pivotBump(centre - slide), pivotBump(centre), pivotBump(centre + slide) });
        p.ksLow = { slide > 0 ? 1e-9 : 0.4, slide > 0 ? 2e-12 : 0.8 };
        p.ksHigh = { slide > 0 ? 3e-8 : 0.6, slide > 0 ? 5e-10 : 0.5 };
        p.auc = slide > 0 ? 0.855 : 0.848;
        f.panels.push_back(p);
    }
    return f;
}

} // namespace pivot_view_test

using namespace pivot_view_test;

class TestPivotView : public QObject {
    Q_OBJECT

private slots:
    void drawsAPanelPerClassifierWithItsKsProbabilities()
    {
        PivotView view;
        view.resize(1000, 320);
        view.show();
        QCOMPARE(view.panelCount(), 0);
        view.grab(); // empty: says which steps fill it, and no crash
        view.setFigure(pivotSample());
        QCOMPARE(view.panelCount(), 2);
        const auto charts = view.findChildren<QChartView*>();
        QCOMPARE(charts.size(), 2);
        for (QChartView* chart : charts) {
            // Two classes at three nuisance values, each a step outline of 20 bins.
            QCOMPARE(chart->chart()->series().size(), 6);
            for (QAbstractSeries* s : chart->chart()->series())
                QCOMPARE(qobject_cast<QLineSeries*>(s)->count(), 2 * kPivotBins);
        }
        QVERIFY(view.panelText(0).contains("nominal training"));
        QVERIFY(view.panelText(0).contains("signal 2e-12 / 5e-10"));
        QVERIFY(view.panelText(1).contains("background 0.400 / 0.600"));
        QVERIFY(view.panelText(1).contains("AUC 0.848"));
        QCOMPARE(view.findChild<QLabel*>("pivotCaption1")->text(), view.panelText(1));
        // The colours' key names the nuisance and its values.
        const QString key = view.findChild<QLabel*>("pivotHint")->text();
        QVERIFY(key.contains("jet energy scale") && key.contains("−10 %") && key.contains("+10 %"));

        // One CSV row per bin of every curve, after the header.
        QCOMPARE(view.toCsv().count('\n'), 1 + 2 * 2 * 3 * kPivotBins);
        QVERIFY(view.toCsv().contains("with adversary (λ = 10),signal,0.1,"));
        QTemporaryDir dir;
        const QString png = dir.filePath("pivot.png");
        QVERIFY(view.exportPng(png));
        QVERIFY(!QImage(png).isNull());

        view.clear();
        QCOMPARE(view.panelCount(), 0);
    }

    void theGuideFeedsItThePivotLesson()
    {
        RunScheduler scheduler;
        GuideDock dock(&scheduler);
        PivotView view;
        GuideViews views;
        views.pivot = &view;
        dock.attachViews(views);
        dock.setQuickRun(true);
        QVERIFY(dock.openExercise("higgs_pivot"));
        QVERIFY(dock.runStep(1) && dock.runner()->waitForIdle(kPivotStepsTimeoutMs));
        QVERIFY(dock.runner()->lastError().isEmpty());
        QCOMPARE(view.panelCount(), 1);
        QVERIFY(view.panelText(0).contains("nominal training"));
        QVERIFY(dock.runStep(2) && dock.runner()->waitForIdle(kPivotStepsTimeoutMs));
        QCOMPARE(view.panelCount(), 2);
        QCOMPARE(view.figure().panels.back().label, std::string("varied scale, no adversary"));
        // Another lesson empties it.
        QVERIFY(dock.openExercise("first_steps"));
        QCOMPARE(view.panelCount(), 0);
    }
};

NEURINO_TEST_MAIN(TestPivotView)
#include "TestPivotView.moc"
