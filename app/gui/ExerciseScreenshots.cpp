// Screenshot exercises: a lesson opened in the guide dock with its first steps run on reduced data (real,
// seeded training taking seconds), so that the pictures show real checks, values and views.
#include "app/gui/ExerciseWorkspace.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ScreenshotRegistry.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/session/ExerciseRunner.h"
#include "widgets/views/physics/RunMonitorView.h"

#include "core/util/Error.h"

#include <QDockWidget>
#include <QEventLoop>
#include <QTimer>

namespace neurino {

namespace {

// No screenshot may hang: steps that take longer than this are an error.
constexpr int kStepsTimeoutMs = 5 * 60 * 1000;

// Opens lesson `id` on reduced data and runs its steps up to `lastStep` (0-based), waiting for them. With
// `canvasModel`, that template goes on the canvas and the task steps train it, as a student's own model.
void runLesson(MainWindow& window, const QString& id, int lastStep, const QString& canvasModel = {})
{
    GuideDock* dock = window.exerciseWorkspace()->dock();
    dock->setQuickRun(true);
    if (!window.exerciseWorkspace()->openExercise(id))
        throw Error("the exercise '" + id.toStdString() + "' could not be opened; see the log");
    if (!canvasModel.isEmpty()) {
        if (!window.document()->newFromTemplate(canvasModel))
            throw Error("the template '" + canvasModel.toStdString() + "' could not be opened");
        dock->setUseCanvasModel(true);
    }
    ExerciseRunner* runner = dock->runner();
    QEventLoop loop;
    QObject::connect(runner, &ExerciseRunner::runningChanged, &loop, [&](bool running) {
        if (!running)
            loop.quit();
    });
    bool timedOut = false;
    QTimer::singleShot(kStepsTimeoutMs, &loop, [&] {
        timedOut = true;
        runner->stop();
        loop.quit();
    });
    if (!dock->runStep(lastStep))
        throw Error("step " + std::to_string(lastStep + 1) + " of '" + id.toStdString() + "' did not start");
    loop.exec();
    if (timedOut)
        runner->waitForIdle(60 * 1000);
    if (timedOut || !runner->lastError().isEmpty())
        throw Error("the steps of '" + id.toStdString() + "' failed: "
            + (timedOut ? std::string("they did not end in time") : runner->lastError().toStdString()));
}

} // namespace

void registerExerciseScreenshots(ScreenshotRegistry& registry)
{
    registry.addExercise({ "first_steps", "first steps: XOR data and the network without hidden layer, run",
        [](MainWindow& w) {
            runLesson(w, "first_steps", 2);
            w.exerciseWorkspace()->dock()->selectStep(2);
        } });
    registry.addExercise({ "shapes",
        "shapes recognition in the guide: the dense network and a CNN from the canvas trained (reduced data)",
        [](MainWindow& w) {
            runLesson(w, "shapes", 2, "shapes_cnn");
            w.exerciseWorkspace()->dock()->selectStep(2);
            w.exerciseWorkspace()->showView("curves");
        } });
    registry.addExercise({ "higgs",
        "Higgs classification in the guide: a shallow and a deep network from the canvas trained, their ROC "
        "curves, two hints",
        [](MainWindow& w) {
            runLesson(w, "higgs", 2, "higgs_deep");
            w.exerciseWorkspace()->dock()->selectStep(2);
            w.exerciseWorkspace()->dock()->showNextHint();
            w.exerciseWorkspace()->dock()->showNextHint();
            w.exerciseWorkspace()->dock()->showHints();
            w.exerciseWorkspace()->showView("roc");
        } });
    registry.addExercise({ "shapes-importance",
        "shapes recognition in the guide: the CNN's importance maps of a test image (reduced data)",
        [](MainWindow& w) {
            runLesson(w, "shapes", 4);
            w.exerciseWorkspace()->dock()->selectStep(4);
            w.exerciseWorkspace()->showView("importance");
        } });
    registry.addExercise({ "higgs-importance",
        "Higgs classification in the guide: what the deep network on low-level features leans on (reduced "
        "data)",
        [](MainWindow& w) {
            runLesson(w, "higgs", 4);
            w.exerciseWorkspace()->dock()->selectStep(4);
            w.exerciseWorkspace()->showView("importance");
        } });
    registry.addExercise({ "tpc_krypton",
        "TPC krypton in the guide: every step run, the pad map by prediction", [](MainWindow& w) {
            runLesson(w, "tpc_krypton", 2);
            w.exerciseWorkspace()->dock()->selectStep(2);
            w.exerciseWorkspace()->showView("pad_map");
        } });
    registry.addExercise({ "calorimeter_energy",
        "calorimeter energy regression in the guide: every step run, the resolution and bias of the "
        "calibrated sum and the CNN against the energy",
        [](MainWindow& w) {
            runLesson(w, "calorimeter_energy", 3);
            w.exerciseWorkspace()->dock()->selectStep(3);
            w.exerciseWorkspace()->showView("energy_resolution");
        } });
    // The view alone runs the lesson too, unless --exercise calorimeter_energy ran it already.
    registry.addView({ "energy_resolution",
        "sigma/E and the bias against the true energy, with the a/sqrt(E) (+) b fits, of the calorimeter "
        "energy lesson's calibrated sum and CNN (reduced data)",
        [](MainWindow& w) {
            if (w.exerciseWorkspace()->dock()->runner()->resolutionCurves().size() < 2) {
                runLesson(w, "calorimeter_energy", 3);
                w.exerciseWorkspace()->dock()->selectStep(3);
            }
            w.exerciseWorkspace()->showView("energy_resolution");
        } });
    registry.addExercise({ "dqm_autoencoder",
        "data-quality monitoring in the guide: every step run, the run monitor on a noisy-channel run",
        [](MainWindow& w) {
            runLesson(w, "dqm_autoencoder", 3);
            w.exerciseWorkspace()->dock()->selectStep(3);
            w.exerciseWorkspace()->showView("dqm_runs");
        } });
    registry.addView({ "run_monitor",
        "the data-quality run monitor: a dead-card run, its reconstruction and difference, the score "
        "distributions (runs the lesson when it has not)",
        [](MainWindow& w) {
            const exercises::MonitoringRuns* runs = w.exerciseWorkspace()->dock()->runner()->monitoringRuns();
            if (!runs || !runs->scored())
                runLesson(w, "dqm_autoencoder", 3);
            w.exerciseWorkspace()->dock()->selectStep(3);
            w.exerciseWorkspace()->showView("dqm_runs");
            w.exerciseWorkspace()->runMonitor()->setMode(1);
        } });
    registry.addExercise({ "higgs_pivot",
        "learning to pivot in the guide: every step run, the classifier's output at the jet energy scale's "
        "-sigma, 0, +sigma after nominal training, varied training and adversarial training",
        [](MainWindow& w) {
            runLesson(w, "higgs_pivot", 4);
            w.exerciseWorkspace()->dock()->selectStep(3);
            w.exerciseWorkspace()->showView("pivot");
        } });
    registry.addView({ "pivot",
        "the pivot figure: output distributions at the nuisance values without and with the adversary, with "
        "KS probabilities (runs the pivot lesson when it has not)",
        [](MainWindow& w) {
            const exercises::PivotFigure* figure = w.exerciseWorkspace()->dock()->runner()->pivotFigure();
            if (!figure || figure->panels.size() < 3)
                runLesson(w, "higgs_pivot", 4);
            w.exerciseWorkspace()->dock()->selectStep(3);
            w.exerciseWorkspace()->showView("pivot");
        } });
}

} // namespace neurino
