// The workbench window: save and reopen, templates, unsaved changes, autosave and recovery after a crash.
#include "app/gui/MainWindow.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/SummaryDock.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"
#include "exercises/ExerciseCatalog.h"

#include "tests/TestMain.h"

#include <QDir>
#include <QFile>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
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
        QVERIFY(window.newFromTemplate("shapes_cnn"));
        QVERIFY(window.editor()->setParam("conv2d_1", "filters", 8));
        QVERIFY(window.editor()->renameNode("dense_2", "classifier"));
        QVERIFY(window.isModified());
        QVERIFY(window.saveTo(path));
        QVERIFY(!window.isModified());
        QCOMPARE(window.filePath(), QFileInfo(path).absoluteFilePath());
        QCOMPARE(window.recentFiles().value(0), QFileInfo(path).absoluteFilePath());
        saved = window.model()->graph();
    }
    MainWindow reopened(quiet());
    QVERIFY(reopened.openFile(path));
    QVERIFY(reopened.model()->graph() == saved);
    QVERIFY(!reopened.isModified());
    QVERIFY(reopened.windowTitle().startsWith("edited.neurino.json"));
    QVERIFY(reopened.summaryDock()->totalsText().contains(
        QString::fromStdString(formatCount(saved.parameterCount().total()))));
}

void TestMainWindow::templatesOpenAsNewModels()
{
    MainWindow window(quiet());
    QVERIFY(MainWindow::templateNames().contains("calo_gan_generator"));
    QVERIFY(window.openFile(QString::fromStdString(templatePath("calo_gan_generator"))));
    // A template is never overwritten: it opens untitled, laid out for the screen, same network.
    QVERIFY(window.filePath().isEmpty());
    QVERIFY(!window.isModified());
    const ModelGraph reference = loadModel(templatePath("calo_gan_generator"));
    QCOMPARE(window.model()->graph().nodes().size(), reference.nodes().size());
    QVERIFY(window.model()->graph().edges() == reference.edges());
    QCOMPARE(window.model()->analysis().totalParams().total(), std::int64_t(86216));
}

void TestMainWindow::unsavedChangesMarkTheWindow()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.newFromTemplate("xor_mlp"));
    QVERIFY(!window.isWindowModified());
    window.editor()->addLayer("Dropout", QPointF(400, 0));
    QVERIFY(window.isWindowModified());
    window.editor()->undoStack()->undo();
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
    const ModelGraph before = window.model()->graph();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(".*Dens.*"));
    QVERIFY(!window.openFile(path));
    QVERIFY(window.model()->graph() == before);
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
        QVERIFY(window->newFromTemplate("shapes_dense"));
        QVERIFY(window->saveTo(path));
        window->editor()->setParam("dense_1", "units", 256);
        window->editor()->addLayer("Dropout", QPointF(500, 200));
        unsaved = window->model()->graph();
        window->autosaveNow();
        autosaveFile = window->autosave()->filePath();
        QVERIFY(QFile::exists(autosaveFile));
        // A running session's copy is never offered to another window.
        MainWindow other(quiet());
        QVERIFY(other.recoverableAutosaves().isEmpty());
        // The process dies: no clean-up runs, the lock goes with it.
        window->autosave()->abandon();
    }
    QVERIFY(QFile::exists(autosaveFile));

    MainWindow next(quiet());
    const auto entries = next.recoverableAutosaves();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.front().originalFile, QFileInfo(path).absoluteFilePath());
    QVERIFY(next.recover(entries.front()));
    QVERIFY(next.model()->graph() == unsaved);
    QVERIFY(next.isModified());
    QCOMPARE(next.filePath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(!QFile::exists(autosaveFile));
    QVERIFY(next.recoverableAutosaves().isEmpty());

    // Saving the recovered work makes it a normal, clean document again.
    QVERIFY(next.save());
    QVERIFY(loadModel(path.toStdString()) == unsaved);
}

void TestMainWindow::runningSessionsAreNotOffered()
{
    MainWindow first(quiet());
    first.editor()->addLayer("Dense", QPointF(0, 0));
    first.autosaveNow();
    MainWindow second(quiet());
    QVERIFY(second.recoverableAutosaves().isEmpty());
}

void TestMainWindow::menusExist()
{
    MainWindow window(quiet());
    QStringList titles;
    for (QAction* action : window.menuBar()->actions())
        titles << action->text().remove('&');
    QCOMPARE(titles, (QStringList { "File", "Edit", "View", "Model", "Train", "Exercises", "Help" }));
    QVERIFY(!window.trainMenu()->actions().isEmpty());
    QVERIFY(!window.exercisesMenu()->actions().isEmpty());
}

void TestMainWindow::exercisesMenuOpensEveryLesson()
{
    MainWindow window(quiet());
    window.show();
    QVERIFY(window.guideDock()->isHidden());
    const auto& catalog = exercises::ExerciseCatalog::instance();
    for (const std::string& id : catalog.ids()) {
        const auto& exercise = catalog.exercise(id);
        QAction* action
            = window.exercisesMenu()->findChild<QAction*>(QString::fromStdString("exercise_" + id));
        QVERIFY2(action, id.c_str());
        QVERIFY(action->text().contains(QString::fromStdString(exercise.title)));
        action->trigger();
        QCOMPARE(window.guideDock()->exerciseId(), QString::fromStdString(id));
        QVERIFY(window.guideDock()->isVisible());
        // The lesson's starting model is on the canvas, as a new model that never overwrites the lesson's
        // file.
        for (const auto& ref : exercise.models) {
            if (ref.role == "start") {
                QCOMPARE(window.model()->graph().name(), loadModel(ref.path(id)).name());
                QVERIFY(window.filePath().isEmpty());
            }
        }
    }
}

NEURINO_TEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
