// `neurino --screenshot`: the real program, run as reviewers and the README run it.
#include "app/gui/ScreenshotRegistry.h"

#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurino;

class TestScreenshot : public QObject {
    Q_OBJECT

private slots:
    void writesPng_data();
    void writesPng();
    void unknownNamesListWhatExists_data();
    void unknownNamesListWhatExists();
    void registryCanBeExtended();
    void helpAndVersionNeedNoDisplay_data();
    void helpAndVersionNeedNoDisplay();

private:
    int run(const QStringList& args, QString* err = nullptr, QString* out = nullptr, bool noDisplay = false);
    QTemporaryDir m_dir;
};

// With `noDisplay`, as on a machine without one: no X or Wayland display and no platform chosen.
int TestScreenshot::run(const QStringList& args, QString* err, QString* out, bool noDisplay)
{
    QProcess process;
    process.setProgram(NEURINO_GUI_EXECUTABLE);
    process.setArguments(args);
    if (noDisplay) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : { "QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY" })
            env.remove(name);
        process.setProcessEnvironment(env);
    }
    process.start();
    if (!process.waitForFinished(120000))
        return -1;
    if (err)
        *err = QString::fromLocal8Bit(process.readAllStandardError());
    if (out)
        *out = QString::fromLocal8Bit(process.readAllStandardOutput());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

void TestScreenshot::writesPng_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("default") << QStringList {};
    QTest::newRow("cnn") << QStringList { "--model", QString::fromStdString(templatePath("shapes_cnn")) };
    QTest::newRow("gan") << QStringList { "--model",
        QString::fromStdString(templatePath("calo_gan_generator")) };
    QTest::newRow("problems") << QStringList { "--view", "problems" };
    QTest::newRow("quick-add") << QStringList { "--view", "quick-add" };
    // The TPC lesson runs all its steps on reduced data in seconds; the others train for longer.
    QTest::newRow("exercise") << QStringList { "--exercise", "tpc_krypton" };
}

void TestScreenshot::writesPng()
{
    QFETCH(QStringList, args);
    const QString png = m_dir.filePath(QString(QTest::currentDataTag()) + ".png");
    QString err;
    QCOMPARE(run(QStringList { "--screenshot", png } + args, &err), 0);
    QVERIFY2(QFileInfo(png).size() > 10000, qPrintable(err));
    const QImage image(png);
    QCOMPARE(image.size(), QSize(1600, 1000));
}

void TestScreenshot::unknownNamesListWhatExists_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("listed");
    QTest::newRow("view") << "--view"
                          << "editor";
    QTest::newRow("exercise") << "--exercise"
                              << "shapes";
}

void TestScreenshot::unknownNamesListWhatExists()
{
    QFETCH(QString, option);
    QFETCH(QString, listed);
    const QString png = m_dir.filePath("never.png");
    QString err;
    QCOMPARE(run({ "--screenshot", png, option, "no-such-thing" }, &err), 2);
    QVERIFY2(err.contains("no-such-thing") && err.contains(listed), qPrintable(err));
    QVERIFY(!QFileInfo::exists(png));
}

void TestScreenshot::registryCanBeExtended()
{
    ScreenshotRegistry& registry = ScreenshotRegistry::instance();
    QVERIFY(registry.view(ScreenshotRegistry::kDefaultView));
    registry.addView({ "test-view", "added by a test", [](MainWindow&) {} });
    QVERIFY(registry.viewNames().contains("test-view"));
    QVERIFY(registry.describeViews().contains("added by a test"));
}

void TestScreenshot::helpAndVersionNeedNoDisplay_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("printed");
    QTest::newRow("help") << "--help"
                          << "--screenshot <FILE.png>";
    QTest::newRow("version") << "--version" << NEURINO_VERSION;
    QTest::newRow("screenshot") << "--screenshot"
                                << "";
}

// Over ssh or on a cluster node, `neurino --help` used to abort in Qt's search for an X server.
void TestScreenshot::helpAndVersionNeedNoDisplay()
{
    QFETCH(QString, option);
    QFETCH(QString, printed);
    QStringList args { option };
    const QString png = m_dir.filePath("no-display.png");
    if (option == "--screenshot")
        args << png << "--view"
             << "problems";
    QString err, out;
    QCOMPARE(run(args, &err, &out, true), 0);
    QVERIFY2(out.contains(printed), qPrintable(out + err));
    if (option == "--screenshot")
        QVERIFY(QFileInfo(png).size() > 10000);
}

NEURINO_TEST_MAIN(TestScreenshot)
#include "TestScreenshot.moc"
