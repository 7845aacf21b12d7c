// The workbench window: save and reopen, templates, unsaved changes, autosave and recovery after a crash.
#include "app/gui/EditorActions.h"
#include "app/gui/ExerciseWorkspace.h"
#include "app/gui/HelpMenu.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/TourOverlay.h"
#include "app/gui/TrainingWorkspace.h"
#include "app/gui/WelcomePage.h"
#include "app/gui/WorkbenchLayout.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/GraphView.h"
#include "widgets/editor/LayerPalette.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/editor/SummaryDock.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/session/ExerciseRunner.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/views/inside/DecisionBoundaryView.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"
#include "exercises/ExerciseCatalog.h"

#include "tests/TestMain.h"

#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace neurino;

namespace {

MainWindow::Options quiet()
{
    MainWindow::Options options;
    options.interactive = false;
    options.restoreSettings = false;
    return options;
}

using Activity = WorkbenchLayout::Activity;

// A widget's share of the window's area: 0 when hidden.
double areaShare(const QWidget* part, const QWidget* window)
{
    if (!part->isVisible())
        return 0;
    return double(part->width()) * part->height() / (double(window->width()) * window->height());
}

constexpr int kRunTimeoutMs = 120 * 1000;

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void saveAndReopenGiveTheSameGraph();
    void templatesOpenAsNewModels();
    void unsavedChangesMarkTheWindow();
    void badFileSaysWhatIsWrong();
    void autosaveRecoveryRestoresUnsavedWork();
    void runningSessionsAreNotOffered();
    void menusExist();
    void editorActionsEditTheCanvas();
    void workspacesShowTheirViews();
    void exercisesMenuOpensEveryLesson();
    void layoutsGiveEachPartRoomAt1366x768();
    void layoutsAreRememberedAndReset();
    void problemsListShowsOnlyWithProblems();
    void lessonClearsTheLastModelsResults();
    void welcomePageOpensWhatIsChosen();
    void tourLightsEachPart();
    void f1ExplainsWhatIsSelected();
    void lessonTextLinksToItsView();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    // Settings and autosaves go to test locations, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("NeurinoTest");
    QCoreApplication::setApplicationName("NeurinoTest");
    QVERIFY(m_dir.isValid());
}

void TestMainWindow::init()
{
    QSettings().clear();
    QDir(AutosaveManager::defaultDirectory()).removeRecursively();
}

void TestMainWindow::saveAndReopenGiveTheSameGraph()
{
    const QString path = m_dir.filePath("edited.neurino.json");
    ModelGraph saved;
    {
        MainWindow window(quiet());
        ModelDocument* doc = window.document();
        QVERIFY(doc->newFromTemplate("shapes_cnn"));
        QVERIFY(doc->editor()->setParam("conv2d_1", "filters", 8));
        QVERIFY(doc->editor()->renameNode("dense_2", "classifier"));
        QVERIFY(doc->isModified());
        QVERIFY(doc->saveTo(path));
        QVERIFY(!doc->isModified());
        QCOMPARE(doc->filePath(), QFileInfo(path).absoluteFilePath());
        QCOMPARE(doc->recentFiles().value(0), QFileInfo(path).absoluteFilePath());
        saved = doc->model()->graph();
    }
    MainWindow reopened(quiet());
    ModelDocument* reopenedDoc = reopened.document();
    QVERIFY(reopenedDoc->openFile(path));
    QVERIFY(reopenedDoc->model()->graph() == saved);
    QVERIFY(!reopenedDoc->isModified());
    QVERIFY(reopened.windowTitle().startsWith("edited.neurino.json"));
    QVERIFY(reopened.summaryDock()->totalsText().contains(
        QString::fromStdString(formatCount(saved.parameterCount().total()))));
}

void TestMainWindow::templatesOpenAsNewModels()
{
    MainWindow window(quiet());
    ModelDocument* doc = window.document();
    QVERIFY(ModelDocument::templateNames().contains("calo_gan_generator"));
    QVERIFY(doc->openFile(QString::fromStdString(templatePath("calo_gan_generator"))));
    // A template is never overwritten: it opens untitled, laid out for the screen, same network.
    QVERIFY(doc->filePath().isEmpty());
    QVERIFY(!doc->isModified());
    const ModelGraph reference = loadModel(templatePath("calo_gan_generator"));
    QCOMPARE(doc->model()->graph().nodes().size(), reference.nodes().size());
    QVERIFY(doc->model()->graph().edges() == reference.edges());
    QCOMPARE(doc->model()->analysis().totalParams().total(), std::int64_t(86216));
}

void TestMainWindow::unsavedChangesMarkTheWindow()
{
    MainWindow window(quiet());
    ModelDocument* doc = window.document();
    window.show();
    QVERIFY(doc->newFromTemplate("xor_mlp"));
    QVERIFY(!window.isWindowModified());
    doc->editor()->addLayer("Dropout", QPointF(400, 0));
    QVERIFY(window.isWindowModified());
    doc->editor()->undoStack()->undo();
    QVERIFY(!window.isWindowModified());
}

void TestMainWindow::badFileSaysWhatIsWrong()
{
    const QString path = m_dir.filePath("broken.neurino.json");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "neurino-model", "version": 1, "nodes": [{"id": "a", "kind": "Dens"}]})");
    file.close();
    MainWindow window(quiet());
    ModelDocument* doc = window.document();
    const ModelGraph before = doc->model()->graph();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(".*Dens.*"));
    QVERIFY(!doc->openFile(path));
    QVERIFY(doc->model()->graph() == before);
    QVERIFY(window.logDock()->text().contains("broken.neurino.json"));
    QVERIFY(window.logDock()->text().contains("Dense")); // "did you mean"
}

void TestMainWindow::autosaveRecoveryRestoresUnsavedWork()
{
    const QString path = m_dir.filePath("work.neurino.json");
    ModelGraph unsaved;
    QString autosaveFile;
    {
        auto window = std::make_unique<MainWindow>(quiet());
        ModelDocument* doc = window->document();
        QVERIFY(doc->newFromTemplate("shapes_dense"));
        QVERIFY(doc->saveTo(path));
        doc->editor()->setParam("dense_1", "units", 256);
        doc->editor()->addLayer("Dropout", QPointF(500, 200));
        unsaved = doc->model()->graph();
        doc->autosaveNow();
        autosaveFile = doc->autosave()->filePath();
        QVERIFY(QFile::exists(autosaveFile));
        // A running session's copy is never offered to another window.
        MainWindow other(quiet());
        QVERIFY(other.document()->recoverableAutosaves().isEmpty());
        // The process dies: no clean-up runs, the lock goes with it.
        doc->autosave()->abandon();
    }
    QVERIFY(QFile::exists(autosaveFile));

    MainWindow next(quiet());
    ModelDocument* nextDoc = next.document();
    const auto entries = nextDoc->recoverableAutosaves();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.front().originalFile, QFileInfo(path).absoluteFilePath());
    QVERIFY(nextDoc->recover(entries.front()));
    QVERIFY(nextDoc->model()->graph() == unsaved);
    QVERIFY(nextDoc->isModified());
    QCOMPARE(nextDoc->filePath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(!QFile::exists(autosaveFile));
    QVERIFY(nextDoc->recoverableAutosaves().isEmpty());

    // Saving the recovered work makes it a normal, clean document again.
    QVERIFY(nextDoc->save());
    QVERIFY(loadModel(path.toStdString()) == unsaved);
}

void TestMainWindow::runningSessionsAreNotOffered()
{
    MainWindow first(quiet());
    first.document()->editor()->addLayer("Dense", QPointF(0, 0));
    first.document()->autosaveNow();
    MainWindow second(quiet());
    QVERIFY(second.document()->recoverableAutosaves().isEmpty());
}

void TestMainWindow::menusExist()
{
    MainWindow window(quiet());
    QStringList titles;
    for (QAction* action : window.menuBar()->actions())
        titles << action->text().remove('&');
    QCOMPARE(titles, (QStringList { "File", "Edit", "View", "Model", "Train", "Exercises", "Help" }));
    for (QAction* action : window.menuBar()->actions())
        QVERIFY2(!action->menu()->actions().isEmpty(), qPrintable(action->text()));
}

void TestMainWindow::editorActionsEditTheCanvas()
{
    MainWindow window(quiet());
    ModelDocument* doc = window.document();
    QVERIFY(doc->newFromTemplate("xor_mlp"));
    const ModelGraph before = doc->model()->graph();
    QStringList ids;
    for (const Node& node : before.nodes())
        ids << QString::fromStdString(node.id);
    window.scene()->selectNodes(ids);
    EditorActions* actions = window.editorActions();
    QVERIFY(actions->deleteAction()->isEnabled());
    actions->deleteAction()->trigger();
    QVERIFY(doc->model()->graph().nodes().empty());
    QVERIFY(doc->isModified());
    actions->undoAction()->trigger();
    QVERIFY(doc->model()->graph() == before);
    QVERIFY(!doc->isModified());
}

void TestMainWindow::workspacesShowTheirViews()
{
    MainWindow window(quiet());
    window.show();
    TrainingWorkspace* training = window.trainingWorkspace();
    ExerciseWorkspace* exercises = window.exerciseWorkspace();
    QVERIFY(exercises->padMapDock()->isHidden());
    exercises->showView("pad_map");
    QVERIFY(exercises->padMapDock()->isVisible());
    exercises->showView("roc");
    QVERIFY(training->areaDock()->isVisible());
    QCOMPARE(training->area()->currentWidget(), static_cast<QWidget*>(training->area()->roc()));
    training->showTraining();
    QVERIFY(training->dock()->isVisible());
    QVERIFY(training->dock()->runList()->model() == &training->scheduler()->registry());
}

void TestMainWindow::exercisesMenuOpensEveryLesson()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.exerciseWorkspace()->dock()->isHidden());
    const auto& catalog = exercises::ExerciseCatalog::instance();
    for (const std::string& id : catalog.ids()) {
        const auto& exercise = catalog.exercise(id);
        QAction* action = window.menuBar()->findChild<QAction*>(QString::fromStdString("exercise_" + id));
        QVERIFY2(action, id.c_str());
        QVERIFY(action->text().contains(QString::fromStdString(exercise.title)));
        action->trigger();
        QCOMPARE(window.exerciseWorkspace()->dock()->exerciseId(), QString::fromStdString(id));
        QVERIFY(window.exerciseWorkspace()->dock()->isVisible());
        // The lesson's starting model is on the canvas, as a new model that never overwrites the lesson's
        // file.
        for (const auto& ref : exercise.models) {
            if (ref.role == "start") {
                QCOMPARE(window.document()->model()->graph().name(), loadModel(ref.path(id)).name());
                QVERIFY(window.document()->filePath().isEmpty());
            }
        }
    }
}

// At a classroom projector's 1366×768: the building layout gives the canvas most of the window; starting
// a run switches to the training layout, where the canvas, the training settings and the curves each get
// a fair share, and the settings the right side's whole height.
void TestMainWindow::layoutsGiveEachPartRoomAt1366x768()
{
    MainWindow window(quiet());
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), QSize(1366, 768));
    QVERIFY(window.document()->newFromTemplate("xor_mlp"));
    QApplication::processEvents();
    QCOMPARE(window.workbenchLayout()->activity(), Activity::Building);
    const double canvasBuilding = areaShare(window.view(), &window);
    QVERIFY2(canvasBuilding >= 0.45,
        qPrintable(QStringLiteral("canvas %1x%2: %3 of the window")
                       .arg(window.view()->width())
                       .arg(window.view()->height())
                       .arg(canvasBuilding)));
    QVERIFY(window.propertiesDock()->isVisible());
    QVERIFY(window.summaryDock()->isVisible());
    QVERIFY(window.trainingWorkspace()->areaDock()->isHidden());

    TrainingWorkspace* training = window.trainingWorkspace();
    TrainingDock* dock = training->dock();
    dock->setEvents(400);
    dock->setEpochs(1);
    QSignalSpy finished(training->scheduler(), &RunScheduler::runFinished);
    QVERIFY(dock->start());
    QCOMPARE(window.workbenchLayout()->activity(), Activity::Training);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QApplication::processEvents();
    const double canvas = areaShare(window.view(), &window);
    const double settings = areaShare(dock, &window);
    const double curves = areaShare(training->area()->curves(), &window);
    qInfo("1366x768 training layout: canvas %.2f, settings %.2f, curves %.2f of the window (building: canvas "
          "%.2f)",
        canvas, settings, curves, canvasBuilding);
    // The results' views do not push the window beyond the screen (it grew to 942 pixels high).
    QCOMPARE(window.size(), QSize(1366, 768));
    QVERIFY2(canvas >= 0.25, qPrintable(QString::number(canvas)));
    QVERIFY2(settings >= 0.2, qPrintable(QString::number(settings)));
    QVERIFY2(curves >= 0.2, qPrintable(QString::number(curves)));
    QVERIFY(canvas < canvasBuilding);
    QVERIFY2(dock->height() >= window.height() * 3 / 4, qPrintable(QString::number(dock->height())));
    QVERIFY(dock->width() >= 340);
}

// Each layout is kept as the user leaves it; Reset Layout puts the current one back; the layouts outlive
// the window in QSettings.
void TestMainWindow::layoutsAreRememberedAndReset()
{
    MainWindow::Options options = quiet();
    options.restoreSettings = true;
    {
        MainWindow window(options);
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        WorkbenchLayout* layout = window.workbenchLayout();
        window.summaryDock()->hide();
        layout->switchTo(Activity::Training);
        QVERIFY(window.trainingWorkspace()->dock()->isVisible());
        QVERIFY(!window.summaryDock()->isHidden()); // the training layout has its own panels
        layout->switchTo(Activity::Building);
        QVERIFY(window.summaryDock()->isHidden()); // as the user left it
        QAction* reset = window.findChild<QAction*>("resetLayout");
        QVERIFY(reset);
        reset->trigger();
        QVERIFY(window.summaryDock()->isVisible());
        window.logDock()->show();
        window.close();
    }
    MainWindow again(options);
    again.resize(1366, 768);
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(again.workbenchLayout()->activity(), Activity::Building);
    QVERIFY(again.logDock()->isVisible()); // remembered from the last session
    QAction* training = again.findChild<QAction*>("layoutTraining");
    QVERIFY(training);
    training->trigger();
    QCOMPARE(again.workbenchLayout()->activity(), Activity::Training);
    QVERIFY(training->isChecked());
}

void TestMainWindow::problemsListShowsOnlyWithProblems()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.document()->newFromTemplate("xor_mlp"));
    QVERIFY(window.problemsDock()->isHidden());
    // A layer with nothing connected is a problem: the list appears, and goes when it is undone.
    window.document()->editor()->addLayer("Dense", QPointF(600, 600));
    QVERIFY(!window.document()->model()->analysis().ok());
    QVERIFY(window.problemsDock()->isVisible());
    window.editorActions()->undoAction()->trigger();
    QVERIFY(window.document()->model()->analysis().ok());
    QVERIFY(window.problemsDock()->isHidden());
}

// Opening a lesson after training another model: the views no longer show the old model's results.
void TestMainWindow::lessonClearsTheLastModelsResults()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.document()->newFromTemplate("xor_mlp"));
    TrainingWorkspace* training = window.trainingWorkspace();
    training->dock()->setEvents(400);
    training->dock()->setEpochs(2);
    QSignalSpy finished(training->scheduler(), &RunScheduler::runFinished);
    QVERIFY(training->dock()->start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QApplication::processEvents();
    QCOMPARE(training->area()->roc()->curveCount(), 1);
    QVERIFY(!training->area()->confusion()->isEmpty());
    QVERIFY(window.exerciseWorkspace()->openExercise("higgs"));
    QCOMPARE(window.workbenchLayout()->activity(), Activity::Lesson);
    QVERIFY(window.exerciseWorkspace()->dock()->isVisible());
    QVERIFY(training->areaDock()->isVisible()); // below the canvas, for the lesson's results
    QCOMPARE(training->area()->roc()->curveCount(), 0);
    QVERIFY(training->area()->confusion()->isEmpty());
    // The run is still in the run list and its curves, named, stay to compare.
    QCOMPARE(training->area()->curves()->epochCount(1), 2);
    QCOMPARE(training->scheduler()->runs().size(), std::size_t(1));
}

void TestMainWindow::welcomePageOpensWhatIsChosen()
{
    MainWindow window(quiet());
    window.show();
    window.showWelcomeAtStart(); // the first start
    QVERIFY(window.welcomeShown());
    QVERIFY(window.propertiesDock()->isHidden());
    WelcomePage* page = window.welcomePage();
    const auto& catalog = exercises::ExerciseCatalog::instance();
    QCOMPARE(page->lessons()->count(), int(catalog.ids().size()));
    QVERIFY(page->lessons()->item(0)->text().contains(
        QString::fromStdString(catalog.exercise("first_steps").summary)));
    QCOMPARE(page->templates()->count(), ModelDocument::templateNames().size());
    // A template leaves the page for the canvas with its panels back.
    QListWidgetItem* cnn = page->templates()->findItems("shapes_cnn", Qt::MatchStartsWith).value(0);
    QVERIFY(cnn);
    emit page->templates()->itemActivated(cnn);
    QVERIFY(!window.welcomeShown());
    QCOMPARE(window.document()->model()->graph().name(), std::string("shapes_cnn"));
    QVERIFY(window.propertiesDock()->isVisible());
    // Help ▸ Welcome, then a lesson.
    window.showWelcome();
    QVERIFY(window.welcomeShown());
    emit page->lessons()->itemActivated(page->lessons()->item(0));
    QVERIFY(!window.welcomeShown());
    QCOMPARE(window.exerciseWorkspace()->dock()->exerciseId(), QString("first_steps"));
    QCOMPARE(window.workbenchLayout()->activity(), Activity::Lesson);
    // Switched off, the page does not come at the next start.
    page->findChild<QCheckBox*>()->setChecked(false);
    MainWindow next(quiet());
    next.showWelcomeAtStart();
    QVERIFY(!next.welcomeShown());
}

void TestMainWindow::tourLightsEachPart()
{
    MainWindow window(quiet());
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.workbenchLayout()->switchTo(Activity::Training);
    QPointer<TourOverlay> tour = window.startTour();
    QVERIFY(tour->count() >= 6);
    QStringList titles;
    for (int i = 0; i < tour->count(); ++i) {
        QCOMPARE(tour->current(), i);
        titles << tour->currentTitle();
        // Every stop lights a part of the window that is on screen.
        QVERIFY2(!tour->litRect().isEmpty(), qPrintable(tour->currentTitle()));
        QVERIFY(window.rect().adjusted(-8, -8, 8, 8).contains(tour->litRect()));
        if (tour->currentTitle() == "Training settings")
            QCOMPARE(window.workbenchLayout()->activity(), Activity::Training);
        tour->next();
    }
    QVERIFY(titles.contains("Layers") && titles.contains("Curves and views"));
    QTRY_VERIFY(tour.isNull()); // Done closes and deletes it
    QCOMPARE(window.workbenchLayout()->activity(), Activity::Training); // as before the tour
}

// F1 explains what the user works on: a palette entry, the selected layer, a training setting.
void TestMainWindow::f1ExplainsWhatIsSelected()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.document()->newFromTemplate("xor_mlp"));
    QCOMPARE(window.helpTopic(), QString());
    window.scene()->selectNodes(
        { QString::fromStdString(window.document()->model()->graph().nodes()[1].id) });
    const QString selectedKind
        = QString::fromStdString(window.document()->model()->graph().nodes()[1].layer.kind);
    QCOMPARE(window.helpTopic(), "layer:" + selectedKind);

    auto* palette = window.findChild<LayerPalette*>();
    QTreeWidgetItem* conv
        = palette->tree()->findItems("Conv2D", Qt::MatchExactly | Qt::MatchRecursive).value(0);
    QVERIFY(conv);
    palette->tree()->setCurrentItem(conv);
    window.activateWindow();
    palette->tree()->setFocus();
    QTRY_COMPARE(window.helpTopic(), QString("layer:Conv2D"));
    QVERIFY(helpHtml("layer:Conv2D").contains("kernel_size"));

    window.trainingWorkspace()->showTraining();
    auto* batch = window.trainingWorkspace()->dock()->findChild<QSpinBox*>("batchSize");
    QVERIFY(batch);
    batch->setFocus();
    QTRY_COMPARE(window.helpTopic(), QString("setting:batch_size"));
    const QString html = helpHtml("setting:batch_size");
    QVERIFY2(html.contains("Samples per batch") && html.contains("32"), qPrintable(html));
    QVERIFY(helpHtml("setting:optimizer.learning_rate").contains("0.001"));
    QVERIFY(helpHtml("setting:no_such_key").isEmpty());
    QAction* f1 = window.findChild<QAction*>("contextHelp");
    QVERIFY(f1);
    QCOMPARE(f1->shortcut(), QKeySequence(QKeySequence::HelpContents));
}

// A step's text ends with a link to the view it talks about; following it shows that view. The first
// lesson's steps draw their decision boundary there.
void TestMainWindow::lessonTextLinksToItsView()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.exerciseWorkspace()->openExercise("first_steps"));
    GuideDock* guide = window.exerciseWorkspace()->dock();
    guide->setQuickRun(true);
    TrainingArea* area = window.trainingWorkspace()->area();
    const auto& steps = exercises::ExerciseCatalog::instance().exercise("first_steps").steps;
    int linked = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].view != "decision_boundary" && steps[i].view != "curves")
            continue;
        guide->selectStep(int(i));
        const QString html = guide->textView()->toHtml();
        const QString link = QString::fromStdString("view:" + steps[i].view);
        QVERIFY2(html.contains("href=\"" + link), qPrintable(QString::fromStdString(steps[i].id)));
        area->setCurrentWidget(area->roc());
        emit guide->textView()->anchorClicked(QUrl(link));
        QWidget* expected = steps[i].view == "curves" ? static_cast<QWidget*>(area->curves())
                                                      : static_cast<QWidget*>(area->boundary());
        QCOMPARE(area->currentWidget(), expected);
        QVERIFY(window.trainingWorkspace()->areaDock()->isVisible());
        ++linked;
    }
    QVERIFY(linked >= 4);
    // The step without hidden layer draws its straight boundary over the XOR plane.
    QVERIFY(area->boundary()->isEmpty());
    QVERIFY(guide->runStep(0));
    QTRY_VERIFY_WITH_TIMEOUT(!guide->runner()->isRunning(), kRunTimeoutMs);
    QVERIFY(guide->runStep(1));
    QTRY_VERIFY_WITH_TIMEOUT(!guide->runner()->isRunning(), kRunTimeoutMs);
    QVERIFY(!area->boundary()->isEmpty());
    QCOMPARE(area->boundary()->data().columns, 100);
    QVERIFY(!area->boundary()->data().pointX.empty());
}

NEURINO_TEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
