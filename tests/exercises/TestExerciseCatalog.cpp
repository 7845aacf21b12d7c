// Every lesson loads, its texts and models exist, and its steps and checks refer to each other.
#include "core/graph/ModelJson.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseError.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <set>

using namespace neurino;
using namespace neurino::exercises;

class TestExerciseCatalog : public QObject {
    Q_OBJECT

private slots:
    void listsTheCourseInOrder()
    {
        const auto ids = ExerciseCatalog::instance().ids();
        QVERIFY(ids.size() >= 2);
        QCOMPARE(QString::fromStdString(ids.front()), QString("first_steps"));
        int previous = -1;
        for (const auto& id : ids) {
            const Exercise& e = ExerciseCatalog::instance().exercise(id);
            QCOMPARE(e.id, id);
            QVERIFY2(e.number > previous, id.c_str());
            previous = e.number;
        }
    }

    void everyExercise_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& id : ExerciseCatalog::instance().ids())
            QTest::newRow(id.c_str()) << QString::fromStdString(id);
    }

    void everyExercise()
    {
        QFETCH(QString, id);
        const Exercise& e = ExerciseCatalog::instance().exercise(id.toStdString());
        QVERIFY(!e.title.empty());
        QVERIFY(!e.summary.empty());
        QVERIFY(!e.goals.empty());
        QVERIFY(!e.hints.empty());
        QVERIFY(!e.solution.empty());
        QVERIFY(!e.datasets.empty());
        QVERIFY(!e.steps.empty());
        QVERIFY(!e.checks.empty());
        // Titles and one-line goals write physics as the lesson texts do (H⁰ → W∓H±, 25×25), not in ASCII.
        for (const std::string& line : { e.title, e.summary })
            for (const char* ascii : { "->", "+-", "H0", "tbar", "x25", "x32" })
                QVERIFY2(line.find(ascii) == std::string::npos, (line + ": " + ascii).c_str());

        std::string missing;
        for (const auto& file : e.missingFiles())
            missing += file + " ";
        QVERIFY2(missing.empty(), ("missing: " + missing).c_str());
        QVERIFY(e.introText().size() > 100);

        std::set<std::string> stepIds, measured;
        bool taskStep = false;
        for (const auto& step : e.steps) {
            QVERIFY2(stepIds.insert(step.id).second, ("duplicate step " + step.id).c_str());
            QVERIFY2(e.stepText(step).size() > 100, step.textFile.c_str());
            QVERIFY(e.stepText(step).rfind("# ", 0) == 0); // a Markdown title first
            taskStep = taskStep || step.task;
            for (const auto& c : step.checks) {
                QVERIFY2(measured.insert(c).second, ("check measured twice: " + c).c_str());
                QCOMPARE(e.check(c).id, c);
            }
        }
        QVERIFY2(taskStep, "no step trains the task model");
        for (const auto& c : e.checks)
            QVERIFY2(measured.count(c.id) == 1, ("no step measures " + c.id).c_str());

        bool scoreIsTask = false;
        for (const auto& c : e.checks)
            scoreIsTask = scoreIsTask || (c.id == e.scoreCheck && c.task);
        QVERIFY2(scoreIsTask, "the leaderboard score must be a check on the task model");

        for (const auto& model : e.models) {
            const ModelGraph graph = loadModel(model.path(e.id));
            QVERIFY2(graph.validate().empty(), model.name.c_str());
            QVERIFY(graph.parameterCount().total() > 0);
        }
        QVERIFY_THROWS_EXCEPTION(ExerciseError, e.check("no_such_check"));
    }

    void lessonModelsHaveTheLecturesCounts()
    {
        const Exercise& shapes = ExerciseCatalog::instance().exercise("shapes");
        for (const auto& model : shapes.models)
            if (model.name == "shapes_dense")
                QCOMPARE(loadModel(model.path("shapes")).parameterCount().total(), std::int64_t(788995));
        // The tutorial's GAN, as the student starts from it; the lesson's own models normalise per channel.
        const Exercise& gan = ExerciseCatalog::instance().exercise("calorimeter_gan");
        const auto count = [&gan](const std::string& name) {
            for (const auto& model : gan.models)
                if (model.name == name)
                    return loadModel(model.path(gan.id)).parameterCount().total();
            return std::int64_t(0);
        };
        QCOMPARE(count("calo_gan_generator"), std::int64_t(86216));
        QCOMPARE(count("calo_gan_discriminator"), std::int64_t(11717));
        QVERIFY(count("calo_gan_generator_bn.neurino.json") > 0);
        QVERIFY(count("calo_gan_discriminator_bn.neurino.json") > 0);
    }

    void unknownExerciseNamesTheKnownOnes()
    {
        try {
            ExerciseCatalog::instance().exercise("hggs");
            QFAIL("no error");
        } catch (const ExerciseError& e) {
            QVERIFY(std::string(e.what()).find("first_steps") != std::string::npos);
        }
    }
};

NEURINO_TEST_MAIN(TestExerciseCatalog)
#include "TestExerciseCatalog.moc"
