// Pausing a data-parallel run: two ranks (threads of this process, each with its own c10d group over
// loopback) wait together while either is paused, and go on when it resumes or when one is asked to stop.
#include "core/dist/DistGroup.h"
#include "core/dist/RankPause.h"
#include "core/train/StopToken.h"

#include "tests/TestMain.h"
#include <QElapsedTimer>
#include <QtTest/QtTest>

#include <array>
#include <atomic>
#include <future>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace neurino;

namespace {

// Two ranks joined on a free loopback port.
std::array<std::shared_ptr<DistGroup>, 2> rankPauseJoin()
{
    // A port the kernel says is free, as launch finds one.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    const std::uint16_t port = ntohs(address.sin_port);
    auto join = [port](int rank) {
        DistEnv env;
        env.rank = rank;
        env.worldSize = 2;
        env.masterPort = port;
        env.source = "test";
        env.timeout = std::chrono::seconds(20);
        return DistGroup::join(env);
    };
    auto second = std::async(std::launch::async, join, 1);
    auto first = join(0);
    return { first, second.get() };
}

} // namespace

class TestRankPause : public QObject {
    Q_OBJECT

private slots:
    // Rank 1 is paused: rank 0, which is not, waits with it until it resumes (400 ms later), then both go on.
    void ranksWaitTogetherWhileOneIsPaused()
    {
        auto groups = rankPauseJoin();
        StopToken tokens[2];
        tokens[1].pause();
        QElapsedTimer clock;
        clock.start();
        std::atomic<qint64> returned[2] = { -1, -1 };
        std::thread ranks[2];
        for (int r = 0; r < 2; ++r)
            ranks[r] = std::thread([&, r] {
                holdWhilePaused(*groups[r], &tokens[r]);
                returned[r] = clock.elapsed();
            });
        QTest::qWait(400);
        QCOMPARE(returned[0].load(), qint64(-1)); // still held
        tokens[1].resume();
        for (auto& t : ranks)
            t.join();
        QVERIFY2(returned[0] >= 400 && returned[1] >= 400, "a rank went on while the other was paused");
        QVERIFY2(returned[0] < 2000, "the resumed ranks took more than a few polls to go on");
    }

    // A stop asked of either rank during a pause ends the wait of both (the next step stops them).
    void aStopEndsThePause()
    {
        auto groups = rankPauseJoin();
        StopToken tokens[2];
        tokens[0].pause();
        std::atomic<int> done { 0 };
        std::thread ranks[2];
        for (int r = 0; r < 2; ++r)
            ranks[r] = std::thread([&, r] {
                holdWhilePaused(*groups[r], &tokens[r]);
                ++done;
            });
        QTest::qWait(250);
        QCOMPARE(done.load(), 0);
        tokens[1].requestStop();
        for (auto& t : ranks)
            t.join();
        QCOMPARE(done.load(), 2);
        QVERIFY(tokens[0].paused()); // the pause itself is the window's to lift
    }
};

NEURINO_TEST_MAIN(TestRankPause)
#include "TestRankPause.moc"
