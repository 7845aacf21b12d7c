#pragma once

#include "exercises/Check.h"
#include "exercises/Exercise.h"
#include "exercises/Lesson.h"
#include "exercises/MonitoringRuns.h"
#include "exercises/PadMap.h"

#include "widgets/session/TrainingTypes.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <utility>
#include <vector>

namespace neurino {

class RunScheduler;

namespace exercises {
class ExerciseSession;
}

// The window's side of a guided exercise: one ExerciseSession whose steps run on the run scheduler's queue
// (after the training run the user started, not beside it), off the window's thread, so that
// the window stays responsive while a lesson generates data and trains for seconds or minutes. What the
// session reports arrives here queued, on the window's thread, and is kept as plain values (step states,
// check results, observations, the pad map) that the guide dock and the views read. One step at a time;
// stop() asks the training to end after its current batch.
class ExerciseRunner : public QObject {
    Q_OBJECT

public:
    enum class StepState { Pending, Running, Done, Failed };

    // Steps run on `scheduler`'s runs lane, one after another with the training runs.
    explicit ExerciseRunner(RunScheduler* scheduler, QObject* parent = nullptr);
    ~ExerciseRunner() override;

    // Starts a fresh session of lesson `id` (the catalog's); false while a step runs. Throws
    // exercises::ExerciseError for an unknown id.
    bool open(const QString& id, const exercises::RunOptions& options);
    bool isOpen() const { return m_session != nullptr; }
    const exercises::Exercise* exercise() const { return m_exercise; }
    const exercises::RunOptions& options() const { return m_options; }

    // The student's model file for the task steps from now on; empty: the lesson's. False while running.
    bool setTaskModelPath(const QString& path);
    // Runs step `index` on the worker thread (and the steps before it that have not run); false when a
    // step is running or no lesson is open.
    bool runStep(int index);
    void stop();
    bool isRunning() const { return m_running; }
    // Blocks until the running step has ended (closing the window, tests); true when none runs.
    bool waitForIdle(int timeoutMs);

    int stepCount() const { return int(m_states.size()); }
    StepState stepState(int index) const;
    int doneCount() const;
    // The first step not done yet; stepCount() when all are.
    int nextStep() const;
    // Every check of the exercise, measured or pending, in the exercise's order.
    const std::vector<exercises::CheckResult>& results() const { return m_results; }
    const std::vector<std::pair<QString, double>>& observations() const { return m_observations; }
    // The lesson's read-out plane, after its data step; null for lessons without one.
    const exercises::PadMap* padMap() const { return m_padMap.get(); }
    // An energy-regression lesson's resolution curves, after its steps that measure them; else empty.
    const std::vector<ResolutionCurve>& resolutionCurves() const { return m_resolution; }
    // The held-out runs of a data-quality lesson, after its data step; null for other lessons.
    const exercises::MonitoringRuns* monitoringRuns() const { return m_monitoringRuns.get(); }
    // A pivot lesson's output distributions at the nuisance values, after its training steps; else null.
    const exercises::PivotFigure* pivotFigure() const { return m_pivotFigure.get(); }
    QString lastError() const { return m_lastError; }

signals:
    void opened();
    void runningChanged(bool running);
    void stepStateChanged(int index, neurino::ExerciseRunner::StepState state);
    void stepFailed(int index, const QString& message);
    // A line of the lesson's commentary.
    void message(const QString& line);
    void checkMeasured(int checkIndex);
    void observed(const QString& name, double value);
    // A training run of a step began; `label` names it ("'shapes_dense'").
    void trainingStarted(int trainingId, const QString& label, const neurino::TrainStart& start);
    // Thinned to a few per second.
    void trainingBatch(int trainingId, const neurino::BatchStats& stats, double smoothedLoss);
    void trainingEpoch(int trainingId, const neurino::EpochStats& stats);
    void padMapChanged();
    void resolutionChanged();
    void monitoringRunsChanged();
    void pivotFigureChanged();
    // A classifier of a step was judged on held-out samples: its confusion matrix and, for two classes, its
    // ROC curve (`evaluation.roc`), labelled "'higgs_deep', all features".
    void evaluated(const QString& label, const neurino::RunEvaluation& evaluation);
    // What a step's model looks at, labelled as `evaluated` labels it.
    void explained(const QString& label, const neurino::ImportanceData& importance);
    // A classifier of 2-D data over its input plane, after an epoch (thinned as the training panel's).
    void boundaryUpdated(const QString& label, const neurino::DecisionBoundaryData& boundary);

private:
    class Relay;
    void setState(int index, StepState state);
    void setRunning(bool running);
    void stepEnded(int index, const QString& error, std::shared_ptr<const exercises::PadMap> map,
        std::vector<ResolutionCurve> resolution, std::shared_ptr<const exercises::MonitoringRuns> runs,
        std::shared_ptr<const exercises::PivotFigure> figure);

    QPointer<RunScheduler> m_scheduler;
    int m_task = 0; // the step's task on the scheduler's queue, while it waits or runs
    std::unique_ptr<Relay> m_relay;
    std::shared_ptr<exercises::ExerciseSession> m_session;
    const exercises::Exercise* m_exercise = nullptr;
    exercises::RunOptions m_options;
    std::vector<StepState> m_states;
    std::vector<exercises::CheckResult> m_results;
    std::vector<std::pair<QString, double>> m_observations;
    std::shared_ptr<const exercises::PadMap> m_padMap;
    std::vector<ResolutionCurve> m_resolution;
    std::shared_ptr<const exercises::MonitoringRuns> m_monitoringRuns;
    std::shared_ptr<const exercises::PivotFigure> m_pivotFigure;
    QString m_lastError;
    bool m_running = false;
    int m_currentStep = -1;
    int m_generation = 0; // counts sessions, so that a closed session's late reports are dropped
};

} // namespace neurino

Q_DECLARE_METATYPE(neurino::ExerciseRunner::StepState)
