// The reference solutions on reduced data (real, seeded training), the session's step-by-step driving
// with its observer, and grading a student's model.
#include "core/graph/ModelJson.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseError.h"
#include "exercises/ExerciseSession.h"
#include "exercises/LessonTools.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"
#include <QTemporaryDir>

#include <QtTest/QtTest>

#include <cmath>
#include <map>
#include <numeric>

using namespace neurino;
using namespace neurino::exercises;

namespace {

class Recorder : public ExerciseObserver {
public:
    std::vector<std::string> started, finished, messages;
    std::vector<CheckResult> checks;
    std::vector<ModelImportance> importances;
    void onImportance(const ModelImportance& importance) override { importances.push_back(importance); }
    void onStepStarted(const Step& step, int, int) override { started.push_back(step.id); }
    void onStepFinished(const Step& step, int) override { finished.push_back(step.id); }
    void onMessage(const std::string& line) override { messages.push_back(line); }
    void onCheck(const CheckResult& result) override { checks.push_back(result); }
};

RunOptions quick(bool solution = true)
{
    RunOptions options;
    options.solution = solution;
    options.reduced = true;
    options.threads = 2;
    return options;
}

std::string failures(const std::vector<CheckResult>& results)
{
    std::string text;
    for (const auto& r : results)
        if (!r.passed)
            text += r.reportLine() + "\n";
    return text;
}

} // namespace

class TestExerciseSolutions : public QObject {
    Q_OBJECT

private slots:
    void firstStepsSolutionPassesEveryCheck()
    {
        Recorder recorder;
        ExerciseSession session(ExerciseCatalog::instance().createLesson("first_steps"), quick(), &recorder);
        session.runAll();
        QVERIFY(session.finished());
        const auto results = session.results();
        QVERIFY2(ExerciseSession::allPassed(results), failures(results).c_str());
        QCOMPARE(recorder.started.size(), session.exercise().steps.size());
        QCOMPARE(recorder.finished, recorder.started);
        QCOMPARE(recorder.checks.size(), session.exercise().checks.size());
        QVERIFY(!recorder.messages.empty());
    }

    void startingModelFailsTheDepthCheck()
    {
        // The XOR task starts from the network without hidden layer: the lesson's point.
        ExerciseSession session(ExerciseCatalog::instance().createLesson("first_steps"), quick(false));
        session.runStep(2);
        QCOMPARE(session.nextStep(), 3);
        const auto results = session.results();
        int measured = 0;
        for (const auto& r : results) {
            measured += r.measured() ? 1 : 0;
            if (r.check.id == "hidden_accuracy") {
                QVERIFY(r.measured());
                QVERIFY2(!r.passed, r.reportLine().c_str());
            }
            if (r.check.id == "lr_right_loss")
                QVERIFY(!r.measured()); // a later step
        }
        QCOMPARE(measured, 3); // the no-hidden-layer step's accuracy and loss, the depth step's accuracy
        QVERIFY(!ExerciseSession::allPassed(results));
        QVERIFY_THROWS_EXCEPTION(ExerciseError, session.runStep(99));
    }

    void shapesOnReducedData()
    {
        Recorder recorder;
        ExerciseSession session(ExerciseCatalog::instance().createLesson("shapes"), quick(), &recorder);
        session.runAll();
        for (const auto& r : session.results()) {
            QVERIFY2(r.measured() && std::isfinite(*r.value), r.check.id.c_str());
            // Even four epochs on 900 images beat guessing (1/3).
            QVERIFY2(*r.value > 0.4, r.reportLine().c_str());
        }
        bool confusion = false;
        for (const auto& m : recorder.messages)
            confusion = confusion || m.find("confusion matrix") != std::string::npos;
        QVERIFY(confusion);
        // The last step shows what the CNN looks at in a test image; its gradient leans on the shape.
        QCOMPARE(recorder.importances.size(), std::size_t(1));
        const ModelImportance& looked = recorder.importances.front();
        QCOMPARE(looked.label, std::string("'shapes_cnn'"));
        QCOMPARE(looked.image.size(), std::size_t(32 * 32));
        QCOMPARE(looked.maps.gradient.size(), std::size_t(32 * 32));
        QCOMPARE(looked.maps.occlusion.size(), std::size_t(32 * 32));
        QVERIFY(looked.truth >= 0 && looked.truth < 3);
        QVERIFY(looked.features.gradientTimesInput.empty());
        QVERIFY2(*session.results().back().value > 1.0, session.results().back().reportLine().c_str());
    }

    void tpcKryptonSolutionBeatsTheEyeScan()
    {
        Recorder recorder;
        ExerciseSession session(ExerciseCatalog::instance().createLesson("tpc_krypton"), quick(), &recorder);
        session.runAll();
        const auto results = session.results();
        QVERIFY2(ExerciseSession::allPassed(results), failures(results).c_str());
        QCOMPARE(recorder.checks.size(), session.exercise().checks.size());

        // The pad map the GUI draws is the plane the checks were measured on.
        const PadMap* map = session.padMap();
        QVERIFY(map);
        QCOMPARE(map->rows, 30);
        QCOMPARE(map->pads, 192);
        QCOMPARE(map->classNames.size(), std::size_t(4));
        QVERIFY(map->hasPrediction());
        std::size_t right = 0;
        for (std::size_t i = 0; i < map->size(); ++i)
            right += map->predicted[i] == map->truth[i] ? 1 : 0;
        QCOMPARE(double(right) / double(map->size()), *results.front().value); // truth_accuracy
        const auto scanned = map->counts(map->eyeScan);
        QCOMPARE(std::accumulate(scanned.begin(), scanned.end(), std::int64_t(0)), std::int64_t(2000));
        QVERIFY(map->disagreements() > 0);
    }

    void lessonsWithoutAPlaneHaveNoPadMap()
    {
        ExerciseSession session(ExerciseCatalog::instance().createLesson("tpc_krypton"), quick());
        QVERIFY(!session.padMap()); // before the data step
        ExerciseSession shapes(ExerciseCatalog::instance().createLesson("shapes"), quick());
        QVERIFY(!shapes.padMap());
    }

    void fashionMnistJudgedOnTheOfficialTestImages()
    {
        const std::string why = ExerciseCatalog::instance().unavailableReason("fashion_mnist");
        if (!why.empty())
            QSKIP(why.c_str());
        Recorder recorder;
        ExerciseSession session(
            ExerciseCatalog::instance().createLesson("fashion_mnist"), quick(), &recorder);
        session.runAll();
        for (const auto& r : session.results()) {
            QVERIFY2(r.measured() && std::isfinite(*r.value), r.check.id.c_str());
            // A few epochs on 1,800 real images are far above guessing one of ten classes.
            QVERIFY2(*r.value > 0.6, r.reportLine().c_str());
        }
        std::map<std::string, double> observed(session.observations().begin(), session.observations().end());
        QCOMPARE(observed["test images"], 1000.0);
        bool heldOutIsTheTestFile = false, confused = false;
        for (const auto& m : recorder.messages) {
            heldOutIsTheTestFile = heldOutIsTheTestFile || m.find("/ 1000 test") != std::string::npos;
            confused = confused || m.find("most confused: ") != std::string::npos;
        }
        QVERIFY(heldOutIsTheTestFile);
        QVERIFY(confused);
    }

    void calorimeterGanOnReducedData()
    {
        // Two epochs on 300 showers: the checks are measured (they need the full run to pass).
        Recorder recorder;
        ExerciseSession session(
            ExerciseCatalog::instance().createLesson("calorimeter_gan"), quick(), &recorder);
        session.runAll();
        QVERIFY(session.finished());
        const auto results = session.results();
        QCOMPARE(results.size(), std::size_t(2));
        for (const auto& r : results)
            QVERIFY2(r.measured() && std::isfinite(*r.value) && *r.value > 0, r.reportLine().c_str());
        int epochs = 0;
        bool improvedModels = false, keptBest = false;
        for (const auto& m : recorder.messages) {
            epochs += m.rfind("epoch ", 0) == 0 && m.find("energy chi2/NDF") != std::string::npos ? 1 : 0;
            improvedModels = improvedModels || m.find("calo_gan_generator_bn") != std::string::npos;
            keptBest = keptBest || m.rfind("kept the networks of epoch ", 0) == 0;
        }
        QCOMPARE(epochs, 2);
        QVERIFY(improvedModels);
        QVERIFY(keptBest); // the recipe keeps the epoch whose energy sums compared best
    }

    void calorimeterEnergyOnReducedData()
    {
        // 1,200 showers and six epochs: every check is measured (the full run is needed to pass them), and
        // the resolution the view draws is the one the checks were computed from.
        Recorder recorder;
        ExerciseSession session(
            ExerciseCatalog::instance().createLesson("calorimeter_energy"), quick(), &recorder);
        QVERIFY(session.resolutionCurves().empty());
        session.runStep(1); // data and the calibrated sum
        auto curves = session.resolutionCurves();
        QCOMPARE(curves.size(), std::size_t(1));
        const EnergyResolution sum = curves.front().result;
        QCOMPARE(sum.bins.size(), std::size_t(6));
        std::int64_t showers = 0;
        for (const auto& bin : sum.bins) {
            showers += bin.count;
            // The calibrated sum is unbiased to a few per cent and resolves a few per cent in every bin.
            QVERIFY2(std::abs(bin.bias) < 0.03 && bin.resolution > 0.02 && bin.resolution < 0.1,
                std::to_string(bin.meanEnergy).c_str());
        }
        QCOMPARE(showers, std::int64_t(300)); // the test quarter of 1,200
        // The line's stochastic term is near the generator's 0.17 even on 300 test showers.
        QVERIFY2(sum.fit.valid && sum.fit.a > 0.05 && sum.fit.a < 0.3, std::to_string(sum.fit.a).c_str());

        session.runAll();
        QVERIFY(session.finished());
        const auto results = session.results();
        QCOMPARE(results.size(), session.exercise().checks.size());
        for (const auto& r : results)
            QVERIFY2(r.measured() && std::isfinite(*r.value), r.reportLine().c_str());
        curves = session.resolutionCurves();
        QCOMPARE(curves.size(), std::size_t(2));
        QCOMPARE(curves.back().result.bins.size(), std::size_t(6));
        int better = 0;
        for (std::size_t b = 0; b < 6; ++b)
            better += curves.back().result.bins[b].resolution < curves.front().result.bins[b].resolution;
        const auto check = [&](const std::string& id) {
            for (const auto& r : results)
                if (r.check.id == id)
                    return *r.value;
            return std::nan("");
        };
        QCOMPARE(check("cnn_better_bins"), double(better));
        QCOMPARE(check("resolution_ratio"),
            curves.back().result.overallResolution / curves.front().result.overallResolution);
        bool mape = false;
        for (const auto& m : recorder.messages)
            mape = mape || m.find("mape") != std::string::npos;
        QVERIFY(mape); // the CNN is trained and judged on the percentage error
    }

    void gradingRunsOnlyTheTaskSteps()
    {
        RunOptions options = quick(false);
        options.taskModelPath = test::sourcePath("resources/exercises/first_steps/xor_hidden.neurino.json");
        Recorder recorder;
        ExerciseSession session(ExerciseCatalog::instance().createLesson("first_steps"), options, &recorder);
        session.runTaskSteps();
        QCOMPARE(recorder.started, (std::vector<std::string> { "data", "depth" }));
        const auto graded = session.taskResults();
        QCOMPARE(graded.size(), std::size_t(1));
        QVERIFY2(ExerciseSession::allPassed(graded), failures(graded).c_str());
    }

    void gradingAStudentModelThatDoesNotFit()
    {
        RunOptions options = quick(false);
        options.taskModelPath = test::templateFile("shapes_dense"); // images, not points
        ExerciseSession session(ExerciseCatalog::instance().createLesson("first_steps"), options);
        QVERIFY_THROWS_EXCEPTION(neurino::Error, session.runTaskSteps());
    }
};

NEURINO_TEST_MAIN(TestExerciseSolutions)
#include "TestExerciseSolutions.moc"
