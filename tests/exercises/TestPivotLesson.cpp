// The pivot lesson's reference solution on reduced data (real, seeded training): trained at the nominal
// jet energy scale the classifier's output moves with the scale; trained against the adversary its output
// distributions at -sigma, 0 and +sigma agree and its working point moves less; the figure the GUI draws
// holds the numbers the checks measured.
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseSession.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <cmath>
#include <numeric>

using namespace neurino;
using namespace neurino::exercises;

namespace pivot_lesson_test {

RunOptions pivotQuick()
{
    RunOptions options;
    options.solution = true;
    options.reduced = true;
    options.threads = 1;
    return options;
}

const CheckResult& pivotResult(const std::vector<CheckResult>& results, const std::string& id)
{
    for (const auto& r : results)
        if (r.check.id == id)
            return r;
    throw std::runtime_error("no check " + id);
}

} // namespace pivot_lesson_test

using namespace pivot_lesson_test;

class TestPivotLesson : public QObject {
    Q_OBJECT

private slots:
    void adversaryMakesTheOutputPivotal()
    {
        ExerciseSession session(ExerciseCatalog::instance().createLesson("higgs_pivot"), pivotQuick());
        QVERIFY(!session.pivotFigure()); // before the first training
        session.runAll();
        QVERIFY(session.finished());
        const auto results = session.results();
        // On 20,000 events the checks on the adversary's classifier pass as in the full run; only the
        // nominal training's KS probabilities need the full run's 5,000 events per class to fall below 0.001.
        for (const char* id : { "ks_pivot", "auc_pivot", "auc_cost", "efficiency_shift_ratio" })
            QVERIFY2(pivotResult(results, id).passed, pivotResult(results, id).reportLine().c_str());

        const PivotFigure* figure = session.pivotFigure();
        QVERIFY(figure);
        QCOMPARE(figure->panels.size(), std::size_t(3)); // nominal, varied, with the adversary
        QCOMPARE(figure->nuisanceValues.size(), std::size_t(3));
        QCOMPARE(figure->classNames.size(), std::size_t(2));
        const PivotPanel& nominal = figure->panels.front();
        const PivotPanel& pivot = figure->panels.back();
        for (const PivotPanel& panel : figure->panels) {
            QCOMPARE(panel.densities.size(), std::size_t(2));
            for (const auto& perClass : panel.densities) {
                QCOMPARE(perClass.size(), std::size_t(3));
                for (const auto& d : perClass) {
                    QCOMPARE(int(d.size()), figure->bins);
                    // Unit area over [0, 1].
                    QVERIFY(std::abs(std::accumulate(d.begin(), d.end(), 0.0) / figure->bins - 1) < 1e-9);
                }
            }
        }
        // The signal's output moves with the scale after nominal training, not after adversarial training.
        QVERIFY2(nominal.ksLow[1] < 1e-3, std::to_string(nominal.ksLow[1]).c_str());
        QVERIFY(pivot.smallestKs() > nominal.smallestKs());
        QCOMPARE(*pivotResult(results, "ks_pivot").value, pivot.smallestKs());
        QCOMPARE(*pivotResult(results, "auc_pivot").value, pivot.auc);
    }
};

NEURINO_TEST_MAIN(TestPivotLesson)
#include "TestPivotLesson.moc"
