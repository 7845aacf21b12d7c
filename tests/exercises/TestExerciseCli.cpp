// neurino-batch exercise list | run | grade | leaderboard, as a user runs them.
#include "core/graph/ModelJson.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace neurino;
using nlohmann::json;

using Result = test::ProcessResult;

class TestExerciseCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    Result runBatch(const QStringList& args)
    {
        return test::runProcess(
            QString(NEURINO_BATCH_EXE), args, { { "NEURINO_DATA_DIR", m_dir.filePath("data") } });
    }

private slots:
    void list()
    {
        const Result r = runBatch({ "exercise", "list" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(
            r.out.contains("first_steps") && r.out.contains("shapes") && r.out.contains("calorimeter_gan"));
        const Result j = runBatch({ "exercise", "list", "--json" });
        QCOMPARE(j.exitCode, 0);
        const json doc = json::parse(j.out.toStdString());
        QVERIFY(doc.is_array() && doc.size() >= 2);
        QCOMPARE(doc[0]["id"].get<std::string>(), std::string("first_steps"));
    }

    void runPrintsEveryCheckAndPasses()
    {
        const Result r
            = runBatch({ "exercise", "run", "first_steps", "--solution", "--quick", "--threads", "2" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QRegularExpression("PASS +XOR accuracy with a hidden layer +0\\.9")),
            qPrintable(r.out));
        QVERIFY2(r.out.contains("all 11 checks passed"), qPrintable(r.out));
        QVERIFY(!r.out.contains("FAIL"));
        // Not on a terminal: the training still shows it is alive, one plain line per epoch.
        QVERIFY2(r.err.contains(
                     QRegularExpression("^epoch 1/\\d+ .*samples/s", QRegularExpression::MultilineOption)),
            qPrintable(r.err));
    }

    void runWithStartingModelsFailsWithExitOne()
    {
        const Result r
            = runBatch({ "exercise", "run", "first_steps", "--quick", "--threads", "2", "--json" });
        QCOMPARE(r.exitCode, 1);
        const json doc = json::parse(r.out.toStdString()); // stdout holds the JSON only
        QCOMPARE(doc["passed"].get<bool>(), false);
        bool depthFailed = false;
        for (const auto& c : doc["checks"]) {
            QVERIFY(c.contains("value") && c.contains("target") && c.contains("status"));
            if (c["id"] == "hidden_accuracy")
                depthFailed = c["status"] == "FAIL" && c["value"].get<double>() <= 0.97;
        }
        QVERIFY(depthFailed);
    }

    void gradeOneModelAndAFolder()
    {
        const std::string good = test::sourcePath("resources/exercises/first_steps/xor_hidden.neurino.json");
        const std::string bad
            = test::sourcePath("resources/exercises/first_steps/xor_no_hidden.neurino.json");
        const Result one = runBatch({ "exercise", "grade", "first_steps", "--model",
            QString::fromStdString(good), "--student", "ada", "--quick", "--threads", "2" });
        QVERIFY2(one.exitCode == 0, qPrintable(one.out + one.err));
        QVERIFY2(one.out.contains("PASS") && one.out.contains("ada"), qPrintable(one.out));

        const QString folder = m_dir.filePath("submissions");
        QDir().mkpath(folder);
        std::filesystem::copy_file(good, (folder + "/bea.neurino.json").toStdString());
        std::filesystem::copy_file(bad, (folder + "/carl.neurino.json").toStdString());
        QFile broken(folder + "/dan.neurino.json");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{ not json");
        broken.close();
        const Result all = runBatch({ "exercise", "grade", "first_steps", "--model", folder, "--quick" });
        QCOMPARE(all.exitCode, 1); // carl and dan do not pass
        QVERIFY2(all.out.contains("bea") && all.out.contains("carl") && all.out.contains("dan"),
            qPrintable(all.out));
        const QStringList lines = all.out.split('\n');
        auto row = [&](const QString& name) {
            for (const auto& line : lines)
                if (line.startsWith(name + " "))
                    return line;
            return QString();
        };
        QVERIFY2(row("bea").contains("PASS"), qPrintable(all.out));
        QVERIFY2(row("carl").contains("FAIL"), qPrintable(all.out));
        QVERIFY2(row("dan").contains("error"), qPrintable(all.out));

        const Result board = runBatch({ "exercise", "leaderboard", "first_steps" });
        QCOMPARE(board.exitCode, 0);
        QVERIFY2(board.out.contains("ada") && board.out.contains("bea") && board.out.contains("carl"),
            qPrintable(board.out));
        QVERIFY(std::filesystem::exists(m_dir.filePath("data/leaderboards/first_steps.json").toStdString()));
    }

    void usageErrors()
    {
        QCOMPARE(runBatch({ "exercise", "run" }).exitCode, 2);
        const Result unknown = runBatch({ "exercise", "run", "hggs" });
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains("first_steps"));
    }
};

NEURINO_TEST_MAIN(TestExerciseCli)
#include "TestExerciseCli.moc"
