// The run folder's lock: a second holder is refused with the first's PID and host, a lock left by a dead
// process is taken over and said so, the lock goes with its holder, and copying a run leaves it behind.
#include "core/run/RunFolder.h"
#include "core/run/RunFolderLock.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"
#include <QTemporaryDir>

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace neurino;
namespace fs = std::filesystem;

namespace {

std::string hostName()
{
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
}

// The PID of a process that has ended (and been reaped).
long deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
}

} // namespace

class TestRunFolderLock : public QObject {
    Q_OBJECT

private slots:
    void secondHolderIsRefused()
    {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        {
            const RunFolderLock first(run);
            QVERIFY(first.note().empty());
            const std::string content = readTextFile(run + "/.lock");
            QVERIFY2(
                content.rfind(std::to_string(::getpid()) + " " + hostName() + " ", 0) == 0, content.c_str());
            try {
                const RunFolderLock second(run);
                QFAIL("a second lock was taken");
            } catch (const IoError& e) {
                const QString message(e.what());
                QVERIFY2(message.contains("PID " + QString::number(::getpid()) + " on host "
                             + QString::fromStdString(hostName())),
                    e.what());
                QVERIFY2(message.contains(QString::fromStdString(run)), e.what());
            }
        }
        QVERIFY(!fs::exists(run + "/.lock"));
        const RunFolderLock again(run);
        QVERIFY(again.note().empty());
    }

    void staleLockIsTakenOver()
    {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        const long pid = deadPid();
        std::ofstream(run + "/.lock") << pid << " " << hostName() << " 2026-01-01T00:00:00Z\n";
        const RunFolderLock lock(run);
        QVERIFY2(
            QString::fromStdString(lock.note()).contains("PID " + QString::number(pid)), lock.note().c_str());
        QVERIFY(readTextFile(run + "/.lock").rfind(std::to_string(::getpid()) + " ", 0) == 0);
    }

    // Another host's process cannot be asked whether it lives: its lock stands.
    void otherHostsLockStands()
    {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        std::ofstream(run + "/.lock") << deadPid() << " elsewhere.example.org 2026-01-01T00:00:00Z\n";
        QVERIFY_THROWS_EXCEPTION(IoError, RunFolderLock { run });
    }

    void copyLeavesTheLockBehind()
    {
        QTemporaryDir dir;
        const std::string from = dir.filePath("from").toStdString(), to = dir.filePath("to").toStdString();
        createRunFolder(from);
        writeTextFileAtomically(from + "/config.json", "{}\n");
        const RunFolderLock lock(from);
        RunFolder::copy(from, to);
        QVERIFY(fs::exists(to + "/config.json"));
        QVERIFY(!fs::exists(to + "/.lock"));
    }
};

NEURINO_TEST_MAIN(TestRunFolderLock)
#include "TestRunFolderLock.moc"
