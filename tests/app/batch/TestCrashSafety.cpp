// neurino-batch train survives being killed: SIGKILLed at random moments (during batches and during
// checkpoint writes) and resumed each time, the run ends with the same model as an uninterrupted one; a
// damaged checkpoint.h5 makes --resume fall back to checkpoint.prev.h5; a second process is kept out of a run
// folder; a write past the file-size limit, or into a folder that became read-only, ends the run with a
// message and the last good checkpoint kept.
#include "core/data/DatasetFile.h"
#include "core/graph/ModelJson.h"
#include "core/run/RunFolder.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace neurino;
namespace fs = std::filesystem;

namespace {

using Result = test::ProcessResult;

constexpr int kEpochs = 10;
constexpr int kKills = 20;

Result runCli(const QStringList& args)
{
    return test::runProcess(QString(NEURINO_BATCH_EXE), args, {}, 120000);
}

#define RUN_OK(result) QVERIFY2((result).exitCode == 0, qPrintable((result).out + (result).err))

// Whether a checkpoint is being written in `dir`: its temporary file is there.
bool writingCheckpoint(const std::string& dir)
{
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir, error))
        if (entry.path().filename().string().find(".h5.tmp-") != std::string::npos)
            return true;
    return false;
}

// The user that a child run drops to when the test runs as root, for whom permissions are no obstacle:
// nobody's.
constexpr uid_t kNobody = 65534;

// Lines in a run's metrics.jsonl: its epochs written so far.
int epochsWritten(const QString& run)
{
    std::ifstream in((run + "/metrics.jsonl").toStdString());
    int lines = 0;
    for (std::string line; std::getline(in, line);)
        lines += !line.empty();
    return lines;
}

// Whether `process` still runs; QProcess learns that it ended only while it waits.
bool running(QProcess& process)
{
    return !process.waitForFinished(0) && process.state() != QProcess::NotRunning;
}

// Every weight of the two checkpoints, bit for bit.
bool sameWeights(const Checkpoint& a, const Checkpoint& b)
{
    if (a.weights.size() != b.weights.size())
        return false;
    for (const auto& [node, params] : a.weights)
        for (const auto& [name, tensor] : params)
            if (!b.weights.count(node) || !b.weights.at(node).count(name)
                || !torch::equal(tensor, b.weights.at(node).at(name)))
                return false;
    return true;
}

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data, m_model;

    QString file(const QString& name) const { return m_dir.filePath(name); }

    QStringList trainArgs(const QString& out, int epochs = kEpochs) const
    {
        return { "train", "--model", m_model, "--data", m_data, "--out", out, "--epochs",
            QString::number(epochs), "--batch-size", "16", "--lr", "0.01", "--seed", "11", "--threads", "1",
            "--test-split", "0.2" };
    }
    QStringList resumeArgs(const QString& out, int epochs = kEpochs) const
    {
        return { "train", "--resume", "--out", out, "--epochs", QString::number(epochs) };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        torch::manual_seed(2);
        Dataset d;
        const torch::Tensor corners = torch::randint(0, 2, { 400, 2 }).to(torch::kFloat32) * 2 - 1;
        d.features = corners + 0.2f * torch::randn({ 400, 2 });
        d.targets = (corners.select(1, 0) * corners.select(1, 1) < 0).to(torch::kInt64);
        d.info.task = Task::Binary;
        d.info.classNames = { "same", "different" };
        m_data = file("xor.h5");
        writeDataset(m_data.toStdString(), d);
        // Wide enough that writing a checkpoint (weights, Adam's moments, best weights) takes a moment to
        // hit.
        ModelGraph g;
        g.addNode("Input", { { "shape", { 2 } } }, "input");
        g.addNode("Dense", { { "units", 384 }, { "activation", "relu" } }, "hidden");
        g.addNode("Dense", { { "units", 384 }, { "activation", "relu" } }, "hidden2");
        g.addNode("Dense", { { "units", 1 }, { "activation", "sigmoid" } }, "score");
        g.addNode("Output", nlohmann::json::object(), "output");
        g.connect("input", "hidden");
        g.connect("hidden", "hidden2");
        g.connect("hidden2", "score");
        g.connect("score", "output");
        m_model = file("wide.neurino.json");
        saveModel(g, m_model.toStdString());
    }

    // SIGKILL at 20 seeded moments, half at a random time of the run, half while a checkpoint is being
    // written; each time the run folder holds a checkpoint that loads, and --resume continues from it. The
    // final weights equal the uninterrupted run's bit for bit.
    void killedAtRandomMomentsEndsAsUninterrupted()
    {
        // The uninterrupted run, timed: when its first checkpoint appears and when it ends give the start-up
        // and epoch times, from which each kill's moment is drawn.
        const QString whole = file("whole");
        QElapsedTimer clock;
        clock.start();
        QProcess timed;
        timed.start(QString(NEURINO_BATCH_EXE), trainArgs(whole));
        QVERIFY(timed.waitForStarted());
        qint64 firstMs = 0;
        while (running(timed)) {
            if (!firstMs && fs::exists((whole + "/checkpoint.h5").toStdString()))
                firstMs = clock.elapsed();
            QThread::usleep(200);
        }
        timed.waitForFinished();
        QCOMPARE(timed.exitCode(), 0);
        const qint64 wholeMs = clock.elapsed();
        const qint64 epochMs = std::max<qint64>((wholeMs - firstMs) / (kEpochs - 1), 1);
        const qint64 startupMs = std::max<qint64>(firstMs - epochMs, 0);
        const Checkpoint reference = loadCheckpoint((whole + "/checkpoint.h5").toStdString());
        QCOMPARE(reference.epoch, kEpochs);

        const QString out = file("killed");
        const std::string outDir = out.toStdString();
        const std::string checkpointPath = outDir + "/checkpoint.h5";
        std::mt19937 random(18);
        int duringWrite = 0, finishedFirst = 0;
        QStringList epochsAtKill;
        for (int kill = 0; kill < kKills; ++kill) {
            int done = fs::exists(checkpointPath) ? loadCheckpoint(checkpointPath).epoch : 0;
            if (done == kEpochs) { // killed after its last checkpoint: start again
                fs::remove_all(outDir);
                done = 0;
            }
            QProcess process;
            process.start(QString(NEURINO_BATCH_EXE), done > 0 ? resumeArgs(out) : trainArgs(out));
            QVERIFY(process.waitForStarted());
            // Odd kills: during the n-th checkpoint write the test sees; even ones: at a random time.
            const bool atWrite = kill % 2 == 1;
            const qint64 delayMs
                = std::uniform_int_distribution<qint64>(0, startupMs + (kEpochs - done) * epochMs)(random);
            int writesToSkip = std::uniform_int_distribution<int>(0, std::max(kEpochs - done - 2, 0))(random);
            bool wasWriting = false;
            QElapsedTimer since;
            since.start();
            bool hit = false;
            while (running(process) && since.elapsed() < wholeMs * 3) {
                const bool writing = atWrite && writingCheckpoint(outDir);
                const bool newWrite = writing && !wasWriting;
                wasWriting = writing;
                if (newWrite && writesToSkip-- > 0)
                    continue;
                if (atWrite ? newWrite : since.elapsed() >= delayMs) {
                    if (atWrite)
                        QThread::usleep(std::uniform_int_distribution<int>(0, 1500)(random));
                    hit = atWrite && writingCheckpoint(outDir);
                    ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
                    break;
                }
                QThread::usleep(100);
            }
            process.waitForFinished(60000);
            if (process.exitStatus() == QProcess::NormalExit) {
                QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
                ++finishedFirst;
                // Finished before the kill: start again, so that the next kill interrupts a run.
                fs::remove_all(outDir);
                epochsAtKill << "done";
                continue;
            }
            duringWrite += hit;
            // Whatever the moment, the folder holds a checkpoint that loads as it is, or none yet.
            if (fs::exists(checkpointPath)) {
                std::string note;
                const Checkpoint c = loadRunCheckpoint(outDir, note);
                QVERIFY2(note.empty(), note.c_str());
                epochsAtKill << QString::number(c.epoch) + (hit ? "w" : "");
            } else {
                epochsAtKill << QString("-") + (hit ? "w" : "");
            }
        }
        // Then to the end, from the last checkpoint (or from the start when the last kill came before one).
        const int done = fs::exists(checkpointPath) ? loadCheckpoint(checkpointPath).epoch : 0;
        if (done < kEpochs)
            RUN_OK(runCli(done > 0 ? resumeArgs(out) : trainArgs(out)));
        const Checkpoint resumed = loadCheckpoint(checkpointPath);
        QCOMPARE(resumed.epoch, kEpochs);
        QVERIFY(sameWeights(resumed, reference));
        QCOMPARE(resumed.history.series("loss"), reference.history.series("loss"));
        qInfo("uninterrupted run %lld ms (start-up %lld ms, %lld ms an epoch); epochs in checkpoint.h5 after "
              "each kill (w: killed while a "
              "checkpoint "
              "was being written): %s; %d of %d kills during a write, %d runs finished before their kill",
            static_cast<long long>(wholeMs), static_cast<long long>(startupMs),
            static_cast<long long>(epochMs), qPrintable(epochsAtKill.join(' ')), duringWrite, kKills,
            finishedFirst);
        // How many land in a write depends on the machine's timing; at least one must.
        QVERIFY2(duringWrite >= 1, "no kill hit a checkpoint write");
    }

    // A byte flipped in checkpoint.h5: loading refuses it, saying so, and --resume goes back to
    // checkpoint.prev.h5, ending where an uninterrupted run ends.
    void damagedCheckpointFallsBackToThePrevious()
    {
        const QString whole = file("whole5"), run = file("damaged");
        RUN_OK(runCli(trainArgs(whole, 5)));
        RUN_OK(runCli(trainArgs(run, 3)));
        const std::string path = (run + "/checkpoint.h5").toStdString();
        {
            std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
            f.seekg(static_cast<std::streamoff>(fs::file_size(path) / 2));
            char byte = 0;
            f.read(&byte, 1);
            byte = static_cast<char>(byte ^ 0x10);
            f.seekp(static_cast<std::streamoff>(fs::file_size(path) / 2));
            f.write(&byte, 1);
        }
        try {
            loadCheckpoint(path);
            QFAIL("a damaged checkpoint loaded");
        } catch (const IoError& e) {
            qInfo("%s", e.what());
            QVERIFY2(QString(e.what()).contains("is damaged: its checksum does not match"), e.what());
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
        }
        const Result resumed = runCli(resumeArgs(run, 5));
        RUN_OK(resumed);
        QVERIFY2(resumed.err.contains("resuming from the previous checkpoint")
                && resumed.err.contains("(epoch 2)"),
            qPrintable(resumed.err));
        const Checkpoint a = loadCheckpoint((whole + "/checkpoint.h5").toStdString());
        const Checkpoint b = loadCheckpoint(path);
        QCOMPARE(b.epoch, 5);
        QVERIFY(sameWeights(a, b));
    }

    // A second process is refused with the holder's PID and host; a lock left by a killed process is taken
    // over; the lock goes when the run ends.
    void lockKeepsASecondProcessOut()
    {
        const QString run = file("locked");
        const std::string lock = (run + "/.lock").toStdString();
        QProcess first;
        first.start(QString(NEURINO_BATCH_EXE), trainArgs(run, 1000));
        QVERIFY(first.waitForStarted());
        QElapsedTimer since;
        since.start();
        while (!fs::exists(lock) && since.elapsed() < 60000 && running(first))
            QThread::msleep(5);
        QVERIFY(fs::exists(lock));
        const QString pid = QString::number(first.processId());
        const Result second = runCli(QStringList(trainArgs(run, 2)) << "--overwrite");
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(
            second.err.contains("in use by another run: PID " + pid + " on host "), qPrintable(second.err));
        ::kill(static_cast<pid_t>(first.processId()), SIGKILL);
        first.waitForFinished();
        QVERIFY(fs::exists(lock)); // left behind by the killed process
        const Result taken = runCli(QStringList(trainArgs(run, 2)) << "--overwrite");
        RUN_OK(taken);
        QVERIFY2(taken.err.contains("took over the lock") && taken.err.contains("PID " + pid),
            qPrintable(taken.err));
        QVERIFY(!fs::exists(lock));
    }

    // Past the file-size limit (setrlimit RLIMIT_FSIZE in the child, as `ulimit -f` sets it), writing the
    // next checkpoint fails: the run ends with a message naming the folder, and the last good checkpoint
    // stays.
    void failedWriteKeepsTheLastCheckpoint()
    {
        const QString run = file("full");
        RUN_OK(runCli(trainArgs(run, 2)));
        const std::string path = (run + "/checkpoint.h5").toStdString();
        const auto limit = static_cast<rlim_t>(fs::file_size(path) / 2);
        QProcess process;
        process.setChildProcessModifier([limit] {
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit size { limit, limit };
            ::setrlimit(RLIMIT_FSIZE, &size);
        });
        process.start(QString(NEURINO_BATCH_EXE), resumeArgs(run, 4));
        QVERIFY(process.waitForFinished(120000));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        qInfo("%s", qPrintable(err.trimmed()));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        QVERIFY2(err.contains("size limit") && err.contains(run), qPrintable(err));
        QCOMPARE(loadCheckpoint(path).epoch, 2);
        for (const auto& entry : fs::directory_iterator(run.toStdString()))
            QVERIFY2(entry.path().string().find(".tmp-") == std::string::npos, entry.path().c_str());
        QVERIFY(!fs::exists((run + "/.lock").toStdString()));
    }

    // A run folder that turns read-only while the run writes (a quota, a remount, a teacher's chmod): the
    // next checkpoint cannot be written, the run ends with a message naming the folder, and the last good
    // checkpoint loads. Started on a read-only folder, the run is refused before it trains. As root the run
    // drops to nobody, since permissions do not hold root back.
    void readOnlyFolderKeepsTheLastCheckpoint()
    {
        const bool root = ::geteuid() == 0;
        const QString run = file("readonly");
        RUN_OK(runCli(trainArgs(run, 2)));
        const std::string path = (run + "/checkpoint.h5").toStdString();
        const fs::path dir = run.toStdString();
        if (root) {
            // nobody reads the data and the model, and owns the run folder and what is in it.
            fs::permissions(m_dir.path().toStdString(),
                fs::perms::owner_all | fs::perms::group_exec | fs::perms::group_read | fs::perms::others_exec
                    | fs::perms::others_read);
            QCOMPARE(::chown(dir.c_str(), kNobody, kNobody), 0);
            for (const auto& entry : fs::directory_iterator(dir))
                QCOMPARE(::chown(entry.path().c_str(), kNobody, kNobody), 0);
        }
        const auto asNobody = [root](QProcess& process) {
            if (root)
                process.setChildProcessModifier([] {
                    if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
                        ::_exit(99);
                });
        };
        const fs::perms writable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec
            | fs::perms::others_read | fs::perms::others_exec;
        const fs::perms readOnly = writable & ~fs::perms::owner_write;

        // Read-only from the start: refused, nothing trained, the checkpoint as it was.
        fs::permissions(dir, readOnly);
        QProcess refused;
        asNobody(refused);
        refused.start(QString(NEURINO_BATCH_EXE), resumeArgs(run, 4));
        QVERIFY(refused.waitForFinished(120000));
        QString err = QString::fromUtf8(refused.readAllStandardError());
        qInfo("%s", qPrintable(err.trimmed()));
        QCOMPARE(refused.exitCode(), 1);
        QVERIFY2(err.contains("no permission to write in") && err.contains(run), qPrintable(err));
        QCOMPARE(loadCheckpoint(path).epoch, 2);

        // Read-only once the fourth epoch's metrics are written (after the third's checkpoint): the run
        // ends at the next write.
        fs::permissions(dir, writable);
        QProcess process;
        asNobody(process);
        process.start(QString(NEURINO_BATCH_EXE), resumeArgs(run, 1000));
        QVERIFY(process.waitForStarted());
        QElapsedTimer since;
        since.start();
        while (epochsWritten(run) < 4 && since.elapsed() < 60000 && running(process))
            QThread::msleep(2);
        fs::permissions(dir, readOnly);
        const int lastGood = loadCheckpoint(path).epoch;
        QVERIFY(lastGood >= 3);
        QVERIFY(process.waitForFinished(120000));
        err = QString::fromUtf8(process.readAllStandardError());
        qInfo("%s", qPrintable(err.trimmed()));
        fs::permissions(dir, writable);
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        QVERIFY2(err.contains("no permission to write in") && err.contains(run), qPrintable(err));
        // The write that failed is named, not the summary that could not be written after it.
        QVERIFY2(!err.contains("summary.txt"), qPrintable(err));
        // The checkpoint written last before the folder turned read-only. (A temporary file made just
        // before may stay: nothing can be removed from a read-only folder.)
        QCOMPARE(loadCheckpoint(path).epoch, lastGood);
    }
};

NEURINO_TEST_MAIN(TestCrashSafety)
#include "TestCrashSafety.moc"
