// The per-exercise leaderboard: where it lives, ranking, round trip through its file, atomic writes and
// clear errors for damaged files.
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "exercises/Leaderboard.h"

#include "tests/TestMain.h"
#include <QTemporaryDir>

#include <QtTest/QtTest>

#include <filesystem>

#include <sys/stat.h>

using namespace neurino;
using namespace neurino::exercises;
namespace fs = std::filesystem;

namespace {

ino_t inodeOf(const std::string& path)
{
    struct stat info { };
    ::stat(path.c_str(), &info);
    return info.st_ino;
}

} // namespace

class TestExerciseLeaderboard : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string dir() const { return m_dir.path().toStdString(); }

private slots:
    void dataDirFromEnvironment()
    {
        const QByteArray saved = qgetenv("NEURINO_DATA_DIR");
        qputenv("NEURINO_DATA_DIR", "/tmp/neurino-test-data");
        QCOMPARE(QString::fromStdString(userDataDir()), QString("/tmp/neurino-test-data"));
        qunsetenv("NEURINO_DATA_DIR");
        qputenv("XDG_DATA_HOME", "/tmp/xdg");
        QCOMPARE(QString::fromStdString(userDataDir()), QString("/tmp/xdg/neurino"));
        qunsetenv("XDG_DATA_HOME");
        QVERIFY(QString::fromStdString(userDataDir()).endsWith("/.local/share/neurino"));
        if (!saved.isEmpty())
            qputenv("NEURINO_DATA_DIR", saved);
        qputenv("NEURINO_DATA_DIR", m_dir.path().toUtf8());
        QCOMPARE(
            QString::fromStdString(Leaderboard("shapes").path()), m_dir.path() + "/leaderboards/shapes.json");
    }

    void ranksAndRoundTrips()
    {
        Leaderboard board("shapes", dir());
        QVERIFY(Leaderboard::load("shapes", dir()).entries().empty()); // no file yet
        QCOMPARE(board.add({ "ada", "cnn_a.neurino.json", 120000, 0.991, "2025-01-01T10:00:00Z" }),
            std::size_t(1));
        QCOMPARE(
            board.add({ "bob", "dense.neurino.json", 788995, 0.85, "2025-01-01T10:05:00Z" }), std::size_t(2));
        // A tie on the score: the smaller model ranks first.
        QCOMPARE(
            board.add({ "cy", "cnn_c.neurino.json", 50000, 0.991, "2025-01-01T10:10:00Z" }), std::size_t(1));
        QCOMPARE(board.add({ "dee", "cnn_d.neurino.json", 90000, 0.995, "" }), std::size_t(1));
        QVERIFY(!board.entries().front().date.empty());
        board.save();

        const Leaderboard loaded = Leaderboard::load("shapes", dir());
        QCOMPARE(loaded.entries().size(), std::size_t(4));
        const std::vector<std::string> order = { "dee", "cy", "ada", "bob" };
        for (std::size_t i = 0; i < order.size(); ++i) {
            QCOMPARE(loaded.entries()[i].name, order[i]);
            QCOMPARE(loaded.entries()[i].score, board.entries()[i].score);
            QCOMPARE(loaded.entries()[i].parameters, board.entries()[i].parameters);
            QCOMPARE(loaded.entries()[i].model, board.entries()[i].model);
            QCOMPARE(loaded.entries()[i].date, board.entries()[i].date);
        }
        const QString table = QString::fromStdString(loaded.toString());
        QVERIFY2(
            table.contains("dee") && table.contains("788995") && table.contains("0.9910"), qPrintable(table));
        // Another exercise has its own board.
        QVERIFY(Leaderboard::load("higgs", dir()).entries().empty());
    }

    void writesAtomically()
    {
        Leaderboard board("tpc_krypton", dir());
        board.add({ "ada", "tpc.neurino.json", 9000, 0.98, "" });
        board.save();
        const std::string path = board.path();
        const ino_t before = inodeOf(path);
        board.add({ "bob", "tpc2.neurino.json", 9000, 0.97, "" });
        board.save();
        // Replaced by a rename of a complete new file, never rewritten in place.
        QVERIFY(inodeOf(path) != before);
        QCOMPARE(Leaderboard::load("tpc_krypton", dir()).entries().size(), std::size_t(2));
        for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path()))
            QVERIFY2(entry.path().filename().string().find("tpc_krypton") == std::string::npos
                    || entry.path().string() == path,
                entry.path().c_str());

        // A failed write (the board's path is taken by a folder) throws and leaves nothing behind.
        Leaderboard blocked("blocked", dir());
        fs::create_directories(blocked.path());
        blocked.add({ "x", "m", 1, 0.5, "" });
        QVERIFY_THROWS_EXCEPTION(IoError, blocked.save());
        std::size_t files = 0;
        for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path()))
            files += entry.path().filename().string().find("blocked") != std::string::npos ? 1 : 0;
        QCOMPARE(files, std::size_t(1));
    }

    void damagedFilesAreReported()
    {
        Leaderboard board("higgs", dir());
        fs::create_directories(fs::path(board.path()).parent_path());
        writeTextFileAtomically(board.path(), "{\"format\": \"neurino-leaderboard\", \"version\": 1, ");
        try {
            Leaderboard::load("higgs", dir());
            QFAIL("no error");
        } catch (const IoError& e) {
            QVERIFY2(std::string(e.what()).find(board.path()) != std::string::npos, e.what());
        }
        writeTextFileAtomically(board.path(),
            R"({"format": "neurino-leaderboard", "version": 1, "exercise": "shapes", "entries": []})");
        QVERIFY_THROWS_EXCEPTION(IoError, Leaderboard::load("higgs", dir()));
        writeTextFileAtomically(board.path(), R"({"format": "neurino-model", "version": 1})");
        QVERIFY_THROWS_EXCEPTION(IoError, Leaderboard::load("higgs", dir()));
    }

    // Numbers no integer holds: converting them was undefined behaviour (found by fuzz_leaderboard).
    void numbersOutOfRangeAreReported_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mention");
        QTest::newRow("version")
            << R"({"format": "neurino-leaderboard", "version": 1e300, "exercise": "higgs",)"
               R"( "entries": []})"
            << "field 'version' is 1e+300, not a whole number";
        QTest::newRow("parameters")
            << R"({"format": "neurino-leaderboard", "version": 1, "exercise": "higgs", "entries": [{"name": "a",)"
               R"( "model": "m", "parameters": -1e300, "score": 1, "date": "2025-01-31T14:03:00Z"}]})"
            << "entry 1: field 'parameters' is -1e+300, not a whole number";
    }

    void numbersOutOfRangeAreReported()
    {
        QFETCH(QString, text);
        QFETCH(QString, mention);
        Leaderboard board("higgs", dir());
        fs::create_directories(fs::path(board.path()).parent_path());
        writeTextFileAtomically(board.path(), text.toStdString());
        try {
            Leaderboard::load("higgs", dir());
            QFAIL("no error");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains(mention), e.what());
        }
    }
};

NEURINO_TEST_MAIN(TestExerciseLeaderboard)
#include "TestExerciseLeaderboard.moc"
