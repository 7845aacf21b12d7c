// The data-quality lesson's reference solution on reduced data (real, seeded training): the autoencoder
// trained on good runs only separates bad held-out runs and points at dead cards and noisy channels, and
// the monitoring runs the GUI draws are the ones the checks were measured on.
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseSession.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

using namespace neurino;
using namespace neurino::exercises;

namespace dqm_lesson_test {

RunOptions dqmQuick()
{
    RunOptions options;
    options.solution = true;
    options.reduced = true;
    options.threads = 2;
    return options;
}

std::string dqmFailures(const std::vector<CheckResult>& results)
{
    std::string text;
    for (const auto& r : results)
        if (!r.passed)
            text += r.reportLine() + "\n";
    return text;
}

} // namespace dqm_lesson_test

using namespace dqm_lesson_test;

class TestDqmLesson : public QObject {
    Q_OBJECT

private slots:
    void solutionFlagsAndLocatesBadRuns()
    {
        ExerciseSession session(ExerciseCatalog::instance().createLesson("dqm_autoencoder"), dqmQuick());
        QVERIFY(!session.monitoringRuns()); // before the data step
        session.runStep(0);
        const MonitoringRuns* runs = session.monitoringRuns();
        QVERIFY(runs);
        QCOMPARE(runs->rows, 16);
        QCOMPARE(runs->bins, 32);
        QCOMPARE(runs->runs(), std::size_t(400)); // the last 40 % of 1,000 runs
        QCOMPARE(runs->maps.size(), runs->runs() * runs->mapSize());
        QVERIFY(!runs->scored());
        for (int mode = 0; mode < 5; ++mode)
            QVERIFY(std::count(runs->failure.begin(), runs->failure.end(), mode) > 20);

        session.runAll();
        QVERIFY(session.finished());
        const auto results = session.results();
        QVERIFY2(ExerciseSession::allPassed(results), dqmFailures(results).c_str());

        // The scores the view draws give the AUC the check measured: bad runs above good ones.
        runs = session.monitoringRuns();
        QVERIFY(runs->scored());
        QCOMPARE(runs->reconstructions.size(), runs->maps.size());
        double good = 0, bad = 0;
        int goodCount = 0, badCount = 0;
        for (std::size_t i = 0; i < runs->runs(); ++i) {
            (runs->failure[i] == 0 ? good : bad) += runs->scores[i];
            (runs->failure[i] == 0 ? goodCount : badCount) += 1;
        }
        QVERIFY(bad / badCount > 3 * good / goodCount);
        QVERIFY(runs->threshold > 0 && std::isfinite(runs->threshold));
    }
};

NEURINO_TEST_MAIN(TestDqmLesson)
#include "TestDqmLesson.moc"
