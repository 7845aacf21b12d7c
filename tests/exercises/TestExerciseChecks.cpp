// Checks compare measured values with targets: every comparison, and every lesson's checks, on passing and
// failing values.
#include "exercises/Check.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseError.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace neurino::exercises;

Q_DECLARE_METATYPE(Comparison)

namespace {

// A value just inside and one just outside the check's target.
std::pair<double, double> passingAndFailing(const Check& check)
{
    const double step = std::max(1e-3, std::fabs(check.target) * 0.01);
    switch (check.comparison) {
    case Comparison::Greater:
    case Comparison::GreaterEqual:
        return { check.target + step, check.target - step };
    case Comparison::Less:
    case Comparison::LessEqual:
        return { check.target - step, check.target + step };
    case Comparison::Between:
        return { 0.5 * (check.target + check.upper), check.upper + step };
    }
    return { 0, 0 };
}

} // namespace

class TestExerciseChecks : public QObject {
    Q_OBJECT

private slots:
    void comparisons_data()
    {
        QTest::addColumn<Comparison>("comparison");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("passes");
        QTest::newRow("greater above") << Comparison::Greater << 0.971 << true;
        QTest::newRow("greater equal") << Comparison::Greater << 0.97 << false;
        QTest::newRow("greater below") << Comparison::Greater << 0.5 << false;
        QTest::newRow("greater_equal equal") << Comparison::GreaterEqual << 0.97 << true;
        QTest::newRow("greater_equal below") << Comparison::GreaterEqual << 0.9699 << false;
        QTest::newRow("less below") << Comparison::Less << 0.9 << true;
        QTest::newRow("less equal") << Comparison::Less << 0.97 << false;
        QTest::newRow("less_equal equal") << Comparison::LessEqual << 0.97 << true;
        QTest::newRow("less_equal above") << Comparison::LessEqual << 0.98 << false;
        QTest::newRow("between inside") << Comparison::Between << 0.97 << true;
        QTest::newRow("between low edge") << Comparison::Between << 0.95 << true;
        QTest::newRow("between high edge") << Comparison::Between << 0.99 << true;
        QTest::newRow("between below") << Comparison::Between << 0.94 << false;
        QTest::newRow("between above") << Comparison::Between << 0.995 << false;
        QTest::newRow("nan never passes") << Comparison::LessEqual << std::nan("") << false;
        QTest::newRow("inf greater") << Comparison::Greater << std::numeric_limits<double>::infinity()
                                     << true;
    }

    void comparisons()
    {
        QFETCH(Comparison, comparison);
        QFETCH(double, value);
        QFETCH(bool, passes);
        Check check;
        check.id = "c";
        check.name = "a value";
        check.comparison = comparison;
        check.target = comparison == Comparison::Between ? 0.95 : 0.97;
        check.upper = 0.99;
        const CheckResult result = evaluateCheck(check, value);
        QCOMPARE(result.passed, passes);
        QVERIFY(result.measured());
        QCOMPARE(QString::fromStdString(result.status()), QString(passes ? "PASS" : "FAIL"));
        const QString line = QString::fromStdString(result.reportLine());
        QVERIFY2(line.startsWith(passes ? "PASS" : "FAIL"), qPrintable(line));
        QVERIFY2(line.contains("a value") && line.contains("target"), qPrintable(line));
        QVERIFY2(line.contains(QString::fromStdString(check.targetText())), qPrintable(line));
        QCOMPARE(parseComparison(comparisonName(comparison)), comparison);
    }

    void reportLineShowsValueAndTarget()
    {
        Check check;
        check.name = "CNN test accuracy";
        check.target = 0.99;
        const CheckResult result = evaluateCheck(check, 0.99312);
        const QString line = QString::fromStdString(result.reportLine());
        QVERIFY2(line.contains("0.9931") && line.contains(">= 0.990"), qPrintable(line));
        CheckResult pending;
        pending.check = check;
        QCOMPARE(QString::fromStdString(pending.status()), QString("PENDING"));
        QVERIFY(!pending.passed);
        Check range;
        range.comparison = Comparison::Between;
        range.target = 0.8;
        range.upper = 0.95;
        QCOMPARE(QString::fromStdString(range.targetText()), QString("0.800 .. 0.950"));
    }

    void unknownComparisonIsAnError() { QVERIFY_THROWS_EXCEPTION(ExerciseError, parseComparison("bigger")); }

    void everyLessonCheck_data()
    {
        QTest::addColumn<QString>("exercise");
        QTest::addColumn<QString>("check");
        const auto& catalog = ExerciseCatalog::instance();
        for (const auto& id : catalog.ids())
            for (const auto& c : catalog.exercise(id).checks)
                QTest::newRow((id + "/" + c.id).c_str())
                    << QString::fromStdString(id) << QString::fromStdString(c.id);
    }

    void everyLessonCheck()
    {
        QFETCH(QString, exercise);
        QFETCH(QString, check);
        const Check& c
            = ExerciseCatalog::instance().exercise(exercise.toStdString()).check(check.toStdString());
        const auto [good, bad] = passingAndFailing(c);
        QVERIFY2(evaluateCheck(c, good).passed, qPrintable(QString::number(good)));
        QVERIFY2(!evaluateCheck(c, bad).passed, qPrintable(QString::number(bad)));
        QVERIFY(!evaluateCheck(c, std::nan("")).passed);
        if (c.comparison == Comparison::Between)
            QVERIFY(!evaluateCheck(c, c.target - 1e-3).passed);
    }
};

NEURINO_TEST_MAIN(TestExerciseChecks)
#include "TestExerciseChecks.moc"
