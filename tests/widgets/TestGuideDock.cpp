// The exercise guide driven as a student drives it (offscreen), on the lessons' reduced data: opening a
// lesson lists its steps and pending checks; running steps on the worker thread marks them done and gives
// the checks their values, green or red; the TPC pad map shows the lesson's own plane; a failing step says
// why and can be run again; hints come one at a time; a score goes on the leaderboard.
#include "widgets/guide/GuideDock.h"
#include "widgets/session/ExerciseRunner.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/views/physics/PadMapView.h"

#include "core/util/Resources.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseSession.h"

#include "tests/TestMain.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QtTest>

#include <numeric>

using namespace neurino;
using exercises::PadMap;

namespace {

// Long enough for the reduced TPC lesson on a loaded 2-core machine (it takes about a second).
constexpr int kStepsTimeoutMs = 120 * 1000;

struct Bench {
    RunScheduler scheduler;
    GuideDock dock { &scheduler };
    PadMapView padMap;
    RocView roc;
    ConfusionMatrixView confusion;

    explicit Bench(const char* lesson)
    {
        dock.attachViews({ nullptr, &padMap, &roc, &confusion });
        dock.setQuickRun(true);
        QVERIFY(dock.openExercise(lesson));
    }
    ExerciseRunner* runner() const { return dock.runner(); }
    bool run(int step) { return dock.runStep(step) && runner()->waitForIdle(kStepsTimeoutMs); }
};

QTreeWidgetItem* resultRow(const GuideDock& dock, const std::string& checkName)
{
    const auto items = dock.resultsTree()->findItems(QString::fromStdString(checkName), Qt::MatchExactly);
    return items.isEmpty() ? nullptr : items.front();
}

} // namespace

class TestGuideDock : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void openingALessonListsItsSteps();
    void runningStepsMeasuresTheChecks();
    void padMapShowsTheLessonsPlane();
    void judgedClassifiersFillTheRocAndConfusionViews();
    void failedStepIsShownAndCanBeRetried();
    void hintsComeOneAtATime();
    void scoreGoesOnTheLeaderboard();

private:
    QTemporaryDir m_data;
};

void TestGuideDock::initTestCase()
{
    // The leaderboards go to a folder of this test, never the user's.
    QVERIFY(m_data.isValid());
    qputenv("NEURINO_DATA_DIR", m_data.path().toUtf8());
}

void TestGuideDock::openingALessonListsItsSteps()
{
    Bench b("shapes");
    const auto& exercise = exercises::ExerciseCatalog::instance().exercise("shapes");
    QCOMPARE(b.dock.exerciseId(), QString("shapes"));
    QCOMPARE(b.dock.stepList()->count(), int(exercise.steps.size()) + 1); // the introduction first
    for (std::size_t i = 0; i < exercise.steps.size(); ++i)
        QVERIFY(b.dock.stepList()
                    ->item(int(i) + 1)
                    ->text()
                    .contains(QString::fromStdString(exercise.steps[i].title)));
    QCOMPARE(b.dock.selectedStep(), -1);
    QVERIFY(b.dock.textView()->toPlainText().startsWith("Shapes recognition"));
    QVERIFY(b.dock.textView()->toPlainText().contains(QString::fromStdString(exercise.goals.front())));
    QCOMPARE(b.dock.runButton()->text(), QString("Run Step 1"));
    QVERIFY(b.dock.runButton()->isEnabled());
    QCOMPARE(b.dock.resultsTree()->topLevelItemCount(), int(exercise.checks.size()));
    for (const auto& check : exercise.checks) {
        QTreeWidgetItem* row = resultRow(b.dock, check.name);
        QVERIFY2(row, check.name.c_str());
        QCOMPARE(row->text(1), QString("—"));
        QCOMPARE(row->text(2), QString::fromStdString(check.targetText()));
    }
    // A step's own text replaces the introduction when it is chosen.
    b.dock.selectStep(1);
    QCOMPARE(b.dock.selectedStep(), 1);
    QVERIFY(b.dock.textView()->toPlainText().contains("fully connected", Qt::CaseInsensitive));
    QCOMPARE(b.dock.runButton()->text(), QString("Run Step 2"));
    QVERIFY(!b.dock.openExercise("no_such_lesson"));
    QCOMPARE(b.dock.exerciseId(), QString("shapes"));
}

void TestGuideDock::runningStepsMeasuresTheChecks()
{
    Bench b("tpc_krypton");
    QSignalSpy states(b.runner(), &ExerciseRunner::stepStateChanged);
    QSignalSpy checks(b.runner(), &ExerciseRunner::checkMeasured);
    // The last step runs the two before it first.
    QVERIFY(b.dock.runStep(2));
    QVERIFY(b.runner()->isRunning());
    QVERIFY(!b.dock.runButton()->isEnabled()); // the window is free while the worker trains
    QVERIFY(b.runner()->waitForIdle(kStepsTimeoutMs));
    QVERIFY2(b.runner()->lastError().isEmpty(), qPrintable(b.runner()->lastError()));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(b.runner()->stepState(i), ExerciseRunner::StepState::Done);
        QVERIFY(b.dock.stepList()->item(i + 1)->text().endsWith("done"));
    }
    QCOMPARE(states.count(), 6); // running, then done, for each step
    QCOMPARE(checks.count(), 3);

    // Every check shows the session's value in the tree, green when it passes.
    for (const auto& r : b.runner()->results()) {
        QVERIFY2(r.measured(), r.check.id.c_str());
        QTreeWidgetItem* row = resultRow(b.dock, r.check.name);
        QVERIFY(row);
        QCOMPARE(row->text(1).toDouble(), QString::number(*r.value, 'f', r.check.decimals + 1).toDouble());
        QCOMPARE(row->background(1).color(), r.passed ? QColor("#c8e6c9") : QColor("#ffcdd2"));
        QVERIFY2(r.passed, r.reportLine().c_str()); // the reference solution passes on reduced data too
    }
    QVERIFY(!b.runner()->observations().empty());
    QCOMPARE(b.dock.resultsTree()->topLevelItemCount(),
        int(b.runner()->results().size() + 1 + b.runner()->observations().size()));
    QCOMPARE(b.dock.runButton()->text(), QString("Run Step 3 Again"));
}

void TestGuideDock::judgedClassifiersFillTheRocAndConfusionViews()
{
    Bench b("first_steps");
    QVERIFY(b.run(0));
    QCOMPARE(b.roc.curveCount(), 0); // data alone judges nothing
    QVERIFY(b.run(1)); // the network without hidden layer, on XOR
    QCOMPARE(b.roc.curveCount(), 1);
    const ConfusionData flat = b.confusion.data();
    QCOMPARE(int(flat.classNames.size()), 2);
    QVERIFY(flat.total() > 0);
    QVERIFY(b.run(1)); // run again: its curve is replaced, not added
    QCOMPARE(b.roc.curveCount(), 1);
    QVERIFY(b.run(2)); // the starting model again, under its own label: a second curve
    QVERIFY(b.run(3)); // one sigmoid neuron on two Gaussian blobs
    QCOMPARE(b.roc.curveCount(), 3);
    std::vector<double> aucs;
    for (int id = 200000; id < 200003; ++id) {
        const RocData* curve = b.roc.curve(id);
        QVERIFY(curve);
        QVERIFY(!curve->signalEfficiency.empty());
        QCOMPARE(curve->signalEfficiency.size(), curve->backgroundRejection.size());
        aucs.push_back(curve->auc);
    }
    QVERIFY2(aucs[0] < 0.75, qPrintable(QString::number(aucs[0]))); // a straight line cannot cut XOR
    QVERIFY2(aucs[2] > 0.95, qPrintable(QString::number(aucs[2]))); // but it separates two blobs
    std::int64_t right = 0;
    for (std::size_t i = 0; i < 2; ++i)
        right += b.confusion.data().counts[i][i];
    QVERIFY(double(right) / double(b.confusion.data().total()) > 0.9); // the confusion is the latest's

    // Another lesson takes its curves away; its classifiers of four pad classes fill the confusion matrix.
    QVERIFY(b.dock.openExercise("tpc_krypton"));
    QCOMPARE(b.roc.curveCount(), 0);
    QVERIFY(b.run(0));
    QVERIFY(b.run(1));
    const ConfusionData& pads = b.confusion.data();
    QCOMPARE(int(pads.classNames.size()), 4);
    QCOMPARE(pads.classNames.front(), std::string("good"));
    QVERIFY(pads.total() > 0);
    QCOMPARE(b.roc.curveCount(), 0); // not a binary task
}

void TestGuideDock::padMapShowsTheLessonsPlane()
{
    Bench b("tpc_krypton");
    QVERIFY(b.padMap.data().empty());
    QVERIFY(b.run(0));
    // After the data step: the eye-scan and the truth, no prediction yet.
    const PadMap* map = b.runner()->padMap();
    QVERIFY(map);
    QCOMPARE(b.padMap.data().size(), map->size());
    QVERIFY(!b.padMap.data().hasPrediction());
    QCOMPARE(b.padMap.mode(), PadMapView::Mode::EyeScan);

    // The same lesson run by its session alone, without the GUI, gives the same plane.
    exercises::RunOptions options;
    options.reduced = true;
    exercises::ExerciseSession session(
        exercises::ExerciseCatalog::instance().createLesson("tpc_krypton"), options);
    session.runStep(0);
    const PadMap* plain = session.padMap();
    QVERIFY(plain);
    QCOMPARE(plain->rows, 30);
    QCOMPARE(b.padMap.data().rows, plain->rows);
    QCOMPARE(b.padMap.data().pads, plain->pads);
    std::int64_t scanned = 0;
    for (const int c : plain->eyeScan)
        scanned += c >= 0 ? 1 : 0;
    QCOMPARE(scanned, std::int64_t(2000));
    const auto eyeCounts = b.padMap.shownCounts();
    QCOMPARE(eyeCounts, plain->counts(plain->eyeScan));
    QCOMPARE(std::accumulate(eyeCounts.begin(), eyeCounts.end(), std::int64_t(0)), scanned);
    b.padMap.setMode(PadMapView::Mode::Truth);
    QCOMPARE(b.padMap.shownCounts(), plain->counts(plain->truth));
    QVERIFY(b.padMap.shownCounts()[0] > b.padMap.shownCounts()[1]); // most pads are good

    // After the prediction: the view switches to the network's classes and counts the disagreements.
    QVERIFY(b.run(2));
    QVERIFY(b.padMap.data().hasPrediction());
    QCOMPARE(b.padMap.mode(), PadMapView::Mode::Predicted);
    const PadMap& shown = b.padMap.data();
    std::int64_t disagree = 0;
    for (std::size_t i = 0; i < shown.size(); ++i)
        disagree += shown.eyeScan[i] >= 0 && shown.eyeScan[i] != shown.predicted[i] ? 1 : 0;
    QVERIFY(disagree > 0);
    QCOMPARE(shown.disagreements(), disagree);
    QCOMPARE(shown.eyeScan, plain->eyeScan);
    QCOMPARE(shown.truth, plain->truth);
    const auto predicted = b.padMap.shownCounts();
    QCOMPARE(
        std::accumulate(predicted.begin(), predicted.end(), std::int64_t(0)), std::int64_t(shown.size()));

    // Hovering a pad names it: the pad under the middle of pad (row 3, pad 17) is that pad.
    b.padMap.resize(900, 420);
    const auto at = b.padMap.padAt(b.padMap.padRect(3, 17).center());
    QVERIFY(at);
    QCOMPARE(*at, std::make_pair(3, 17));
    const std::size_t i = 3 * std::size_t(shown.pads) + 17;
    const QString text = b.padMap.describePad(3, 17);
    QVERIFY2(text.startsWith("row 3, pad 17"), qPrintable(text));
    QVERIFY2(text.contains("true "
                 + QString::fromStdString(shown.classNames[std::size_t(shown.truth[i])]).replace('_', ' ')),
        qPrintable(text));
    QVERIFY(!b.padMap.padAt(QPointF(-5, -5)));
    QCOMPARE(b.padMap.toCsv().count('\n'), int(shown.size()) + 1);
}

void TestGuideDock::failedStepIsShownAndCanBeRetried()
{
    Bench b("tpc_krypton");
    // The student's model from the canvas: an image classifier, which cannot read 100-bin spectra.
    b.dock.setTaskModelSource([] { return QString::fromStdString(templatePath("shapes_dense")); });
    b.dock.setUseCanvasModel(true);
    QSignalSpy failures(b.runner(), &ExerciseRunner::stepFailed);
    QVERIFY(b.run(1));
    QCOMPARE(failures.count(), 1);
    QCOMPARE(failures.front().at(0).toInt(), 1);
    QCOMPARE(b.runner()->stepState(0), ExerciseRunner::StepState::Done);
    QCOMPARE(b.runner()->stepState(1), ExerciseRunner::StepState::Failed);
    QVERIFY(!b.dock.errorLabel()->isHidden());
    QVERIFY2(b.dock.errorLabel()->text().contains("Step 2 failed"), qPrintable(b.dock.errorLabel()->text()));
    QVERIFY(b.dock.stepList()->item(2)->text().endsWith("failed"));
    QCOMPARE(b.dock.selectedStep(), 1);
    QCOMPARE(b.dock.runButton()->text(), QString("Retry Step 2"));

    // With the lesson's own model the same step runs.
    b.dock.setUseCanvasModel(false);
    QVERIFY(b.run(1));
    QVERIFY2(b.runner()->lastError().isEmpty(), qPrintable(b.runner()->lastError()));
    QCOMPARE(b.runner()->stepState(1), ExerciseRunner::StepState::Done);
    QVERIFY(b.dock.errorLabel()->isHidden());
}

void TestGuideDock::hintsComeOneAtATime()
{
    Bench b("shapes");
    const auto& hints = exercises::ExerciseCatalog::instance().exercise("shapes").hints;
    QVERIFY(hints.size() >= 2);
    QCOMPARE(b.dock.hintsShown(), 0);
    QVERIFY(!b.dock.hintsView()->toPlainText().contains(QString::fromStdString(hints[0]).left(30)));
    b.dock.hintButton()->click();
    QCOMPARE(b.dock.hintsShown(), 1);
    QVERIFY(b.dock.hintsView()->toPlainText().contains(QString::fromStdString(hints[0]).left(30)));
    QVERIFY(!b.dock.hintsView()->toPlainText().contains(QString::fromStdString(hints[1]).left(30)));
    while (b.dock.hintButton()->isEnabled())
        b.dock.hintButton()->click();
    QCOMPARE(b.dock.hintsShown(), int(hints.size()));
    QVERIFY(!b.dock.showNextHint());
    // A lesson opened afresh hides them again.
    QVERIFY(b.dock.openExercise("shapes"));
    QCOMPARE(b.dock.hintsShown(), 0);
}

void TestGuideDock::scoreGoesOnTheLeaderboard()
{
    Bench b("tpc_krypton");
    QVERIFY(!b.dock.submitScore("Ada")); // nothing measured yet
    QVERIFY(b.run(2));
    QCOMPARE(b.dock.leaderboardTable()->rowCount(), 0);
    QVERIFY(b.dock.submitScore("Ada"));
    QCOMPARE(b.dock.leaderboardTable()->rowCount(), 1);
    QCOMPARE(b.dock.leaderboardTable()->item(0, 0)->text(), QString("Ada"));
    double truth = 0;
    for (const auto& r : b.runner()->results())
        if (r.check.id == "truth_accuracy")
            truth = *r.value;
    QCOMPARE(b.dock.leaderboardTable()->item(0, 2)->text(), QString::number(truth, 'f', 4));
    QVERIFY(QFileInfo::exists(m_data.filePath("leaderboards/tpc_krypton.json")));
}

NEURINO_TEST_MAIN(TestGuideDock)
#include "TestGuideDock.moc"
