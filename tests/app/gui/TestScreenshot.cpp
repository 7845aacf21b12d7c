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

private:
    int run(const QStringList& args, QString* err = nullptr);
    QTemporaryDir m_dir;
};

int TestScreenshot::run(const QStringList& args, QString* err)
{
    QProcess process;
    process.setProgram(NEURINO_GUI_EXECUTABLE);
    process.setArguments(args);
    process.start();
    if (!process.waitForFinished(120000))
        return -1;
    if (err)
        *err = QString::fromLocal8Bit(process.readAllStandardError());
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

NEURINO_TEST_MAIN(TestScreenshot)
#include "TestScreenshot.moc"
