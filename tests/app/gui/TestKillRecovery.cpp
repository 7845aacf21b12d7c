// Unsaved work survives a killed workbench: the real neurino opens a model, a user's edits are made through
// its window's Edit actions (by a generic plugin loaded into it, EditDriverPlugin), the autosave timer copies
// the work, SIGKILL ends the process with no clean-up, and the next window, with the same folders, offers the
// work for recovery with the exact graph.
#include "app/gui/AutosaveManager.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "widgets/editor/GraphModel.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurino;

namespace {

// The process starts, loads LibTorch and shows its window; on a loaded 2-core machine that takes a while.
constexpr int kStartTimeoutMs = 120 * 1000;
// The autosave interval the test sets in the child's settings, and how long it waits for the copy.
constexpr int kAutosaveSeconds = 1;
constexpr int kAutosaveTimeoutMs = 60 * 1000;
// The environment variables that place settings and autosaves (XDG base directories); the test sets them
// for the child and, for the recovering window, for itself.
const char* const kLocations[] = { "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME" };

MainWindow::Options quiet()
{
    MainWindow::Options options;
    options.interactive = false;
    options.restoreSettings = false;
    return options;
}

QAction* findAction(const QWidget* window, const QString& text)
{
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

// Keeps reading the process's output until `line` appears, the process ends or the time is up.
bool waitForLine(QProcess& process, const QByteArray& line, QByteArray& output, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!output.contains(line) && clock.elapsed() < timeoutMs && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(200);
        output += process.readAll();
    }
    output += process.readAll();
    return output.contains(line);
}

} // namespace

class TestKillRecovery : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void killedWorkbenchOffersItsEditsAtTheNextStart();

private:
    QTemporaryDir m_home;
    QByteArray m_saved[std::size(kLocations)];
    QString m_organization;
    QString m_application;
    bool m_testMode = false;
};

void TestKillRecovery::initTestCase()
{
    QVERIFY(m_home.isValid());
    for (std::size_t i = 0; i < std::size(kLocations); ++i)
        m_saved[i] = qgetenv(kLocations[i]);
    m_organization = QCoreApplication::organizationName();
    m_application = QCoreApplication::applicationName();
    m_testMode = QStandardPaths::isTestModeEnabled();
}

void TestKillRecovery::cleanupTestCase()
{
    for (std::size_t i = 0; i < std::size(kLocations); ++i) {
        if (m_saved[i].isNull())
            qunsetenv(kLocations[i]);
        else
            qputenv(kLocations[i], m_saved[i]);
    }
    QCoreApplication::setOrganizationName(m_organization);
    QCoreApplication::setApplicationName(m_application);
    QStandardPaths::setTestModeEnabled(m_testMode);
}

void TestKillRecovery::killedWorkbenchOffersItsEditsAtTheNextStart()
{
    // The folders the workbench would use in this private home, as neurino names itself.
    const QString config = m_home.filePath("config");
    const QString data = m_home.filePath("data");
    const QString autosaveDir = data + "/Neurino/Neurino/autosave";
    {
        QSettings settings(config + "/Neurino/Neurino.conf", QSettings::IniFormat);
        settings.setValue("autosave/intervalSeconds", kAutosaveSeconds);
        settings.setValue("welcome/atStart", false);
    }

    // A model file of the user's, laid out so that opening it keeps its positions.
    ModelGraph original = loadModel(templatePath("shapes_dense"));
    for (std::size_t i = 0; i < original.nodes().size(); ++i)
        original.setPosition(original.nodes()[i].id, 0, 200.0 * double(i));
    const QString modelPath = m_home.filePath("work.neurino.json");
    saveModel(original, modelPath.toStdString());

    QProcess neurino;
    neurino.setProgram(NEURINO_GUI_EXECUTABLE);
    neurino.setArguments({ modelPath });
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("HOME", m_home.path());
    env.insert("XDG_CONFIG_HOME", config);
    env.insert("XDG_DATA_HOME", data);
    env.insert("QT_PLUGIN_PATH", NEURINO_TEST_PLUGIN_DIR);
    env.insert("QT_QPA_GENERIC_PLUGINS", "neurinoeditdriver");
    neurino.setProcessEnvironment(env);
    neurino.setProcessChannelMode(QProcess::MergedChannels);
    neurino.start();
    QVERIFY2(neurino.waitForStarted(kStartTimeoutMs), qPrintable(neurino.errorString()));
    QByteArray output;
    QVERIFY2(
        waitForLine(neurino, "neurino-edit-driver: edited", output, kStartTimeoutMs), output.constData());

    // The autosave timer writes the copy within its interval; then the process dies without cleaning up.
    QElapsedTimer clock;
    clock.start();
    QStringList copies;
    while (copies.isEmpty() && clock.elapsed() < kAutosaveTimeoutMs && neurino.state() == QProcess::Running) {
        QTest::qWait(100);
        copies = QDir(autosaveDir).entryList({ "*.autosave.json" }, QDir::Files);
    }
    QVERIFY2(!copies.isEmpty(), qPrintable("no autosave in " + autosaveDir + "; output: " + output));
    QCOMPARE(neurino.state(), QProcess::Running);
    neurino.kill(); // SIGKILL
    QVERIFY(neurino.waitForFinished(30 * 1000));
    QCOMPARE(neurino.exitStatus(), QProcess::CrashExit);
    QVERIFY(QDir(autosaveDir).exists(copies.front()));

    // What the same edits make of the same file, in a window of this process.
    ModelGraph edited;
    {
        MainWindow::Options options = quiet();
        options.autosave = false;
        MainWindow window(options);
        QVERIFY(window.document()->openFile(modelPath));
        QAction* selectAll = findAction(&window, "Select &All");
        QAction* duplicate = findAction(&window, "D&uplicate");
        QVERIFY(selectAll && duplicate);
        selectAll->trigger();
        duplicate->trigger();
        edited = window.document()->model()->graph();
    }
    QCOMPARE(edited.nodes().size(), 2 * original.nodes().size());

    // The next start: a window with the killed workbench's folders and names offers the work back.
    qputenv("HOME", QFile::encodeName(m_home.path()));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config));
    qputenv("XDG_DATA_HOME", QFile::encodeName(data));
    QStandardPaths::setTestModeEnabled(false);
    QCoreApplication::setOrganizationName("Neurino");
    QCoreApplication::setApplicationName("Neurino");
    QCOMPARE(AutosaveManager::defaultDirectory(), autosaveDir);
    MainWindow next(quiet());
    const QList<AutosaveManager::Entry> entries = next.document()->recoverableAutosaves();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.front().originalFile, QFileInfo(modelPath).absoluteFilePath());
    QCOMPARE(entries.front().modelName, QString::fromStdString(original.name()));
    QVERIFY(next.document()->recover(entries.front()));
    QCOMPARE(QString::fromStdString(modelToJson(next.document()->model()->graph()).dump(1)),
        QString::fromStdString(modelToJson(edited).dump(1)));
    QVERIFY(next.document()->model()->graph() == edited);
    QVERIFY(next.document()->isModified());
    next.document()->close();
}

NEURINO_TEST_MAIN(TestKillRecovery)
#include "TestKillRecovery.moc"
