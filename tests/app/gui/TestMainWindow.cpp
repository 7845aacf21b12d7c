// The workbench window: save and reopen, templates, unsaved changes, autosave and recovery after a crash.
#include "app/gui/EditorActions.h"
#include "app/gui/ExerciseWorkspace.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/SummaryDock.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/RocView.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"
#include "exercises/ExerciseCatalog.h"

#include "tests/TestMain.h"

#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
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

NEURINO_TEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
