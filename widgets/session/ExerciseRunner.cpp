// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/train/Trainer.h"
#include "widgets/session/BoundarySampler.h"

#include "widgets/session/ExerciseRunner.h"
#include "widgets/session/TrainingWorker.h"

#include "widgets/session/RunScheduler.h"
#include "widgets/session/ThreadHandOver.h"

#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseSession.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <exception>

namespace neurino {

using exercises::CheckResult;
using exercises::MonitoringRuns;
using exercises::PadMap;

namespace {

// The fewest milliseconds between two trainingBatch signals.
constexpr int kBatchIntervalMs = 100;
// Weight of the past in the smoothed batch loss.
constexpr double kSmoothing = 0.98;

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// "'shapes_dense'" out of "training 'shapes_dense' (788995 parameters; ...)".
QString trainingLabel(const std::string& line)
{
    const std::string prefix = "training ";
    if (line.rfind(prefix, 0) != 0)
        return {};
    const std::size_t end = line.find(" (");
    return qs(line.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size()));
}

} // namespace

// Receives the session's reports on the worker thread and posts them to the window's thread.
class ExerciseRunner::Relay : public exercises::ExerciseObserver, public TrainingObserver {
public:
    explicit Relay(ExerciseRunner* runner)
        : m_runner(runner)
    {
    }

    void setGeneration(int generation) { m_generation = generation; }

    void onStepStarted(const exercises::Step&, int index, int) override
    {
        post([index](ExerciseRunner& r) {
            r.m_currentStep = index;
            r.setState(index, StepState::Running);
        });
    }
    void onMessage(const std::string& line) override
    {
        const QString label = trainingLabel(line);
        if (!label.isEmpty())
            m_label = label;
        post([text = qs(line)](ExerciseRunner& r) { emit r.message(text); });
    }
    void onCheck(const CheckResult& result) override
    {
        post([result](ExerciseRunner& r) {
            for (std::size_t i = 0; i < r.m_results.size(); ++i) {
                if (r.m_results[i].check.id == result.check.id) {
                    r.m_results[i] = result;
                    emit r.checkMeasured(int(i));
                }
            }
        });
    }
    void onObservation(const std::string& name, double value) override
    {
        post([name = qs(name), value](ExerciseRunner& r) {
            r.m_observations.emplace_back(name, value);
            emit r.observed(name, value);
        });
    }
    void onStepFinished(const exercises::Step&, int index) override
    {
        post([index](ExerciseRunner& r) { r.setState(index, StepState::Done); });
    }
    void onEvaluation(const exercises::ModelEvaluation& e) override
    {
        const RunEvaluation evaluation = RunEvaluation::fromReport(e.report, qs(e.label));
        post([label = qs(e.label), evaluation](ExerciseRunner& r) { emit r.evaluated(label, evaluation); });
    }
    void onImportance(const exercises::ModelImportance& e) override
    {
        ImportanceData data;
        data.images = !e.image.empty();
        data.classNames = e.classNames;
        data.sample = 0;
        data.truth = e.truth;
        data.image = e.image;
        data.maps = e.maps;
        data.features = e.features;
        post([label = qs(e.label), data](ExerciseRunner& r) { emit r.explained(label, data); });
    }
    TrainingObserver* trainingObserver() override { return this; }
    // Classifiers of 2-D data draw their decision boundary as the training panel's runs do.
    void onTrainer(Trainer& trainer) override
    {
        m_boundary.reset();
        if (trainer.data() && isPlaneClassification(*trainer.data()))
            m_boundary = std::make_unique<BoundarySampler>(trainer);
    }

    void onStart(const TrainStart& start) override
    {
        ++m_training;
        m_smoothed = 0;
        m_weight = 0;
        m_sinceBatch.start();
        post([id = m_training, label = m_label, start](
                 ExerciseRunner& r) { emit r.trainingStarted(id, label, start); });
    }
    void onBatchEnd(const BatchStats& stats) override
    {
        m_smoothed = kSmoothing * m_smoothed + (1 - kSmoothing) * stats.loss;
        m_weight = kSmoothing * m_weight + (1 - kSmoothing);
        const bool last = stats.batch == stats.batches;
        if (!last && m_sinceBatch.isValid() && m_sinceBatch.elapsed() < kBatchIntervalMs)
            return;
        m_sinceBatch.restart();
        post([id = m_training, stats, smoothed = m_smoothed / m_weight](
                 ExerciseRunner& r) { emit r.trainingBatch(id, stats, smoothed); });
    }
    void onEpochEnd(const EpochStats& stats) override
    {
        post([id = m_training, stats](ExerciseRunner& r) { emit r.trainingEpoch(id, stats); });
        const bool due = !m_sinceBoundary.isValid()
            || m_sinceBoundary.elapsed() >= TrainingWorker::kBoundaryIntervalMs
            || stats.epoch == stats.epochs;
        if (m_boundary && due) {
            m_sinceBoundary.restart();
            post([label = m_label, boundary = m_boundary->sample(stats.epoch)](
                     ExerciseRunner& r) { emit r.boundaryUpdated(label, boundary); });
        }
    }
    // The trainer goes with its run.
    void onFinished(const TrainSummary&) override
    {
        m_boundary.reset();
        m_sinceBoundary.invalidate();
    }

    // Runs `work` on the window's thread, unless the session it belongs to was replaced meanwhile.
    template <typename F> void post(F work)
    {
        ExerciseRunner* runner = m_runner;
        const int generation = m_generation;
        postTo(runner, [runner, generation, work] {
            if (runner->m_generation == generation)
                work(*runner);
        });
    }

private:
    ExerciseRunner* m_runner;
    int m_generation = 0;
    int m_training = 0;
    QString m_label;
    QElapsedTimer m_sinceBatch;
    std::unique_ptr<BoundarySampler> m_boundary;
    QElapsedTimer m_sinceBoundary;
    double m_smoothed = 0;
    double m_weight = 0;
};

ExerciseRunner::ExerciseRunner(RunScheduler* scheduler, QObject* parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_relay(std::make_unique<Relay>(this))
{
    qRegisterMetaType<StepState>();
}

ExerciseRunner::~ExerciseRunner()
{
    // The relay posts to this object from the worker thread: the step must end first.
    if (m_session)
        m_session->requestStop();
    if (m_task && m_scheduler)
        m_scheduler->tasks().wait(m_task);
    m_session.reset();
}

bool ExerciseRunner::open(const QString& id, const exercises::RunOptions& options)
{
    if (m_running)
        return false;
    const auto& catalog = exercises::ExerciseCatalog::instance();
    auto session = std::make_shared<exercises::ExerciseSession>(
        catalog.createLesson(id.toStdString()), options, m_relay.get());
    ++m_generation;
    m_relay->setGeneration(m_generation);
    m_session = std::move(session);
    m_exercise = &m_session->exercise();
    m_options = options;
    m_states.assign(std::size_t(m_session->stepCount()), StepState::Pending);
    m_results = m_session->results();
    m_observations.clear();
    m_padMap.reset();
    m_resolution.clear();
    m_monitoringRuns.reset();
    m_pivotFigure.reset();
    m_lastError.clear();
    m_currentStep = -1;
    emit opened();
    emit padMapChanged();
    emit resolutionChanged();
    emit monitoringRunsChanged();
    emit pivotFigureChanged();
    return true;
}

bool ExerciseRunner::setTaskModelPath(const QString& path)
{
    if (m_running || !m_session)
        return false;
    m_session->setTaskModelPath(path.toStdString());
    m_options.taskModelPath = path.toStdString();
    return true;
}

bool ExerciseRunner::runStep(int index)
{
    if (m_running || !m_session || !m_scheduler || index < 0 || index >= stepCount())
        return false;
    m_lastError.clear();
    setRunning(true);
    auto session = m_session;
    Relay* relay = m_relay.get();
    TaskQueue::Hooks hooks;
    auto task = std::make_shared<int>(0);
    hooks.finished = [runner = QPointer<ExerciseRunner>(this), task](bool ran) {
        // The next step may be queued already (from the end of this one): leave it alone.
        if (!runner || runner->m_task != *task)
            return;
        runner->m_task = 0;
        if (!ran)
            runner->setRunning(false); // taken out of the queue
    };
    const QString title = tr("Lesson step %1: %2")
                              .arg(index + 1)
                              .arg(QString::fromStdString(m_exercise->steps[std::size_t(index)].title));
    m_task = m_scheduler->tasks().submit(
        TaskQueue::Lane::Runs, title,
        [session, relay, index](StopToken&) {
            QString error;
            try {
                session->runStep(index);
            } catch (const std::exception& e) {
                error = QString::fromUtf8(e.what());
            } catch (...) {
                error = QStringLiteral("an unknown error");
            }
            std::shared_ptr<const PadMap> map;
            if (const PadMap* m = session->padMap())
                map = std::make_shared<const PadMap>(*m);
            auto resolution = session->resolutionCurves();
            std::shared_ptr<const MonitoringRuns> runs;
            if (const MonitoringRuns* m = session->monitoringRuns())
                runs = std::make_shared<const MonitoringRuns>(*m);
            std::shared_ptr<const exercises::PivotFigure> figure;
            if (const exercises::PivotFigure* f = session->pivotFigure())
                figure = std::make_shared<const exercises::PivotFigure>(*f);
            relay->post([index, error, map, resolution, runs, figure](
                            ExerciseRunner& r) { r.stepEnded(index, error, map, resolution, runs, figure); });
        },
        nullptr, std::move(hooks));
    *task = m_task;
    return true;
}

// On the window's thread, after step `index` (and those it ran first) returned.
void ExerciseRunner::stepEnded(int index, const QString& error, std::shared_ptr<const PadMap> map,
    std::vector<ResolutionCurve> resolution, std::shared_ptr<const MonitoringRuns> runs,
    std::shared_ptr<const exercises::PivotFigure> figure)
{
    if (map) {
        m_padMap = std::move(map);
        emit padMapChanged();
    }
    if (!resolution.empty()) {
        m_resolution = std::move(resolution);
        emit resolutionChanged();
    }
    if (runs) {
        m_monitoringRuns = std::move(runs);
        emit monitoringRunsChanged();
    }
    if (figure) {
        m_pivotFigure = std::move(figure);
        emit pivotFigureChanged();
    }
    if (!error.isEmpty()) {
        const int failed = m_currentStep >= 0 ? m_currentStep : index;
        m_lastError = error;
        setState(failed, StepState::Failed);
        emit stepFailed(failed, error);
    }
    setRunning(false);
}

void ExerciseRunner::stop()
{
    if (!m_session || !m_running)
        return;
    if (m_scheduler && m_task && m_scheduler->tasks().running(TaskQueue::Lane::Runs) != m_task)
        m_scheduler->tasks().cancel(m_task); // still waiting for a training run
    else
        m_session->requestStop();
}

bool ExerciseRunner::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_running && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return !m_running;
}

ExerciseRunner::StepState ExerciseRunner::stepState(int index) const
{
    return index >= 0 && index < stepCount() ? m_states[std::size_t(index)] : StepState::Pending;
}

int ExerciseRunner::doneCount() const
{
    int n = 0;
    for (const StepState s : m_states)
        n += s == StepState::Done ? 1 : 0;
    return n;
}

int ExerciseRunner::nextStep() const
{
    for (int i = 0; i < stepCount(); ++i)
        if (m_states[std::size_t(i)] != StepState::Done)
            return i;
    return stepCount();
}

void ExerciseRunner::setState(int index, StepState state)
{
    if (index < 0 || index >= stepCount())
        return;
    m_states[std::size_t(index)] = state;
    emit stepStateChanged(index, state);
}

void ExerciseRunner::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    emit runningChanged(running);
}

} // namespace neurino
