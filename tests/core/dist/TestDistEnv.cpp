// Where a process stands in a distributed run, read from torchrun's and SLURM's variables; SLURM's host
// lists.
#include "core/dist/DistEnv.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"
#include <QtTest/QtTest>

#include <cstdlib>

using namespace neurino;

namespace {

const char* const kVariables[] = { "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
    "MASTER_PORT", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID",
    "SLURM_JOB_NODELIST", "SLURM_STEP_NODELIST", "SLURM_JOB_ID", "SLURM_TASKS_PER_NODE",
    "SLURM_STEP_TASKS_PER_NODE", "NEURINO_DIST_TIMEOUT" };

void clearVariables()
{
    for (const char* name : kVariables)
        ::unsetenv(name);
}

} // namespace

class TestDistEnv : public QObject {
    Q_OBJECT

private slots:
    void init() { clearVariables(); }
    void cleanup() { clearVariables(); }

    void hostLists_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QStringList>("hosts");
        QTest::newRow("one") << "gpu17" << QStringList { "gpu17" };
        QTest::newRow("ranges, padding kept")
            << "node[01-03,07]" << QStringList { "node01", "node02", "node03", "node07" };
        QTest::newRow("several items")
            << "a[9-10],login1,b[2]-ib" << QStringList { "a9", "a10", "login1", "b2-ib" };
    }
    void hostLists()
    {
        QFETCH(QString, list);
        QFETCH(QStringList, hosts);
        QStringList got;
        for (const auto& h : expandHostList(list.toStdString()))
            got << QString::fromStdString(h);
        QCOMPARE(got, hosts);
    }

    void badHostListsAreNamed()
    {
        for (const char* bad : { "node[01-03", "node[05-02]", "node[a-b]" }) {
            try {
                expandHostList(bad);
                QFAIL(bad);
            } catch (const TrainError& e) {
                QVERIFY2(QString(e.what()).contains(bad), e.what());
            }
        }
    }

    void aloneWithoutVariables() { QVERIFY(!DistEnv::fromEnvironment()); }

    void torchrun()
    {
        ::setenv("RANK", "3", 1);
        ::setenv("WORLD_SIZE", "4", 1);
        ::setenv("LOCAL_RANK", "1", 1);
        ::setenv("LOCAL_WORLD_SIZE", "2", 1);
        ::setenv("MASTER_ADDR", "head", 1);
        ::setenv("MASTER_PORT", "29411", 1);
        ::setenv("NEURINO_DIST_TIMEOUT", "45", 1);
        const auto env = DistEnv::fromEnvironment();
        QVERIFY(env);
        QCOMPARE(env->rank, 3);
        QCOMPARE(env->worldSize, 4);
        QCOMPARE(env->localRank, 1);
        QCOMPARE(env->localWorldSize, 2);
        QCOMPARE(env->masterAddr, std::string("head"));
        QCOMPARE(int(env->masterPort), 29411);
        QCOMPARE(env->timeout.count(), 45);
        ::setenv("RANK", "4", 1);
        QVERIFY_THROWS_EXCEPTION(TrainError, DistEnv::fromEnvironment());
    }

    void slurm()
    {
        ::setenv("SLURM_PROCID", "5", 1);
        ::setenv("SLURM_NTASKS", "8", 1);
        ::setenv("SLURM_LOCALID", "1", 1);
        ::setenv("SLURM_TASKS_PER_NODE", "4(x2)", 1);
        ::setenv("SLURM_JOB_NODELIST", "gpu[07-08]", 1);
        ::setenv("SLURM_JOB_ID", "123456", 1);
        const auto env = DistEnv::fromEnvironment();
        QVERIFY(env);
        QCOMPARE(env->rank, 5);
        QCOMPARE(env->worldSize, 8);
        QCOMPARE(env->localRank, 1);
        QCOMPARE(env->localWorldSize, 4);
        QCOMPARE(env->masterAddr, std::string("gpu07"));
        QCOMPARE(env->masterPort, slurmPort(123456));
        QVERIFY(env->masterPort >= 10000 && env->masterPort < 30000);
        QCOMPARE(env->source, std::string("SLURM"));
        // One task of the job is no distributed run.
        ::setenv("SLURM_NTASKS", "1", 1);
        ::setenv("SLURM_PROCID", "0", 1);
        QVERIFY(!DistEnv::fromEnvironment());
    }
};

NEURINO_TEST_MAIN(TestDistEnv)
#include "TestDistEnv.moc"
