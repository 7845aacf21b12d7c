#include "exercises/ExerciseSession.h"

#include "core/train/StopToken.h"
#include "exercises/ExerciseError.h"

namespace neurino::exercises {

class ExerciseSession::Context : public LessonContext {
public:
    explicit Context(ExerciseSession& session)
        : m_session(session)
    {
    }

    const RunOptions& options() const override { return m_session.m_options; }

    void record(const std::string& checkId, double value) override
    {
        const CheckResult result = evaluateCheck(m_session.exercise().check(checkId), value);
        m_session.m_results[checkId] = result;
        if (m_session.m_observer)
            m_session.m_observer->onCheck(result);
    }

    void observe(const std::string& name, double value) override
    {
        m_session.m_observations.emplace_back(name, value);
        if (m_session.m_observer)
            m_session.m_observer->onObservation(name, value);
    }

    void log(const std::string& line) override
    {
        if (m_session.m_observer)
            m_session.m_observer->onMessage(line);
    }

    void evaluated(const ModelEvaluation& evaluation) override
    {
        if (m_session.m_observer)
            m_session.m_observer->onEvaluation(evaluation);
    }

    void explained(const ModelImportance& importance) override
    {
        if (m_session.m_observer)
            m_session.m_observer->onImportance(importance);
    }

    TrainingObserver* trainingObserver() override
    {
        return m_session.m_observer ? m_session.m_observer->trainingObserver() : nullptr;
    }

    void trainerReady(Trainer& trainer) override
    {
        if (m_session.m_observer)
            m_session.m_observer->onTrainer(trainer);
    }

    const StopToken* stopToken() const override { return m_session.m_stop.get(); }

private:
    ExerciseSession& m_session;
};

ExerciseSession::ExerciseSession(
    std::unique_ptr<Lesson> lesson, RunOptions options, ExerciseObserver* observer)
    : m_lesson(std::move(lesson))
    , m_options(std::move(options))
    , m_observer(observer)
    , m_context(std::make_unique<Context>(*this))
    , m_stop(std::make_unique<StopToken>())
{
    if (!m_lesson)
        throw ExerciseError("an exercise session needs a lesson");
}

ExerciseSession::~ExerciseSession() = default;

const Exercise& ExerciseSession::exercise() const
{
    return m_lesson->exercise();
}

int ExerciseSession::stepCount() const
{
    return int(exercise().steps.size());
}

void ExerciseSession::run(int index)
{
    const Step& step = exercise().steps[std::size_t(index)];
    if (m_observer)
        m_observer->onStepStarted(step, index, stepCount());
    m_lesson->runStep(step, *m_context);
    if (m_observer)
        m_observer->onStepFinished(step, index);
}

void ExerciseSession::runStep(int index)
{
    if (index < 0 || index >= stepCount())
        throw ExerciseError("exercise '" + exercise().id + "' has steps 1 to " + std::to_string(stepCount())
            + ", not " + std::to_string(index + 1));
    m_stop->reset();
    while (m_next < index) {
        run(m_next);
        ++m_next;
    }
    run(index);
    if (m_next == index)
        ++m_next;
}

void ExerciseSession::runAll()
{
    if (stepCount() > 0)
        runStep(stepCount() - 1);
}

void ExerciseSession::runTaskSteps()
{
    m_stop->reset();
    for (int i = 0; i < stepCount(); ++i) {
        const Step& step = exercise().steps[std::size_t(i)];
        if (step.task || step.action == ActionKind::GenerateData)
            run(i);
    }
    m_next = stepCount();
}

void ExerciseSession::requestStop()
{
    m_stop->requestStop();
}

std::vector<CheckResult> ExerciseSession::results() const
{
    std::vector<CheckResult> out;
    for (const auto& check : exercise().checks) {
        const auto it = m_results.find(check.id);
        if (it != m_results.end()) {
            out.push_back(it->second);
        } else {
            CheckResult pending;
            pending.check = check;
            out.push_back(pending);
        }
    }
    return out;
}

std::vector<CheckResult> ExerciseSession::taskResults() const
{
    std::vector<CheckResult> out;
    for (auto& r : results())
        if (r.check.task)
            out.push_back(r);
    return out;
}

const PadMap* ExerciseSession::padMap() const
{
    const PadMap* map = m_lesson->padMap();
    return map && !map->empty() ? map : nullptr;
}

const MonitoringRuns* ExerciseSession::monitoringRuns() const
{
    const MonitoringRuns* runs = m_lesson->monitoringRuns();
    return runs && !runs->empty() ? runs : nullptr;
}

const PivotFigure* ExerciseSession::pivotFigure() const
{
    const PivotFigure* figure = m_lesson->pivotFigure();
    return figure && !figure->empty() ? figure : nullptr;
}

bool ExerciseSession::allPassed(const std::vector<CheckResult>& results)
{
    for (const auto& r : results)
        if (!r.measured() || !r.passed)
            return false;
    return !results.empty();
}

} // namespace neurino::exercises
