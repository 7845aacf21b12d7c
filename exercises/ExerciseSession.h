#pragma once

#include "exercises/ExerciseObserver.h"
#include "exercises/Lesson.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace neurino::exercises {

// Runs a lesson step by step and keeps the checks' results: what the GUI's guide dock and
// `neurino-batch exercise run|grade` drive. Steps run in order; asking for a later step first runs the
// ones before it, since each builds on the previous results. One thread at a time; another thread may
// only call requestStop().
class ExerciseSession {
public:
    ExerciseSession(std::unique_ptr<Lesson> lesson, RunOptions options, ExerciseObserver* observer = nullptr);
    ~ExerciseSession();
    ExerciseSession(const ExerciseSession&) = delete;
    ExerciseSession& operator=(const ExerciseSession&) = delete;

    const Exercise& exercise() const;
    const RunOptions& options() const { return m_options; }
    int stepCount() const;
    int nextStep() const { return m_next; } // the first step not run yet
    bool finished() const { return m_next >= stepCount(); }

    // Runs step `index` (0-based) and, first, every earlier step not run yet. Throws ExerciseError for an
    // index out of range; errors of the step itself (data, model, training) pass through, and the step
    // can then be run again.
    void runStep(int index);
    void runAll();
    // Only what grading needs: the data steps and the steps that train or evaluate the task model.
    void runTaskSteps();
    // The student's model file for the task steps still to run (the GUI's "my model from the canvas");
    // empty: the lesson's own. Between steps only.
    void setTaskModelPath(std::string path) { m_options.taskModelPath = std::move(path); }
    // Asks the running training to stop between batches (from any thread).
    void requestStop();

    // Every check of the exercise in its order, measured or pending.
    std::vector<CheckResult> results() const;
    // The checks on the task model only.
    std::vector<CheckResult> taskResults() const;
    const std::vector<std::pair<std::string, double>>& observations() const { return m_observations; }
    // The lesson's pad map (see Lesson::padMap); null when it has none or before its data step.
    const PadMap* padMap() const;
    // The lesson's resolution curves (see Lesson::resolutionCurves).
    std::vector<ResolutionCurve> resolutionCurves() const { return m_lesson->resolutionCurves(); }
    // The lesson's monitoring runs (see Lesson::monitoringRuns); null when it has none or before its data
    // step.
    const MonitoringRuns* monitoringRuns() const;
    // The lesson's pivot figure (see Lesson::pivotFigure); null when it has none or before its first panel.
    const PivotFigure* pivotFigure() const;
    // True when every check in `results` is measured and passes.
    static bool allPassed(const std::vector<CheckResult>& results);

private:
    class Context;
    void run(int index);

    std::unique_ptr<Lesson> m_lesson;
    RunOptions m_options;
    ExerciseObserver* m_observer;
    std::unique_ptr<Context> m_context;
    std::unique_ptr<StopToken> m_stop;
    std::map<std::string, CheckResult> m_results;
    std::vector<std::pair<std::string, double>> m_observations;
    int m_next = 0;
};

} // namespace neurino::exercises
