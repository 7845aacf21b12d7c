#include "widgets/session/RunScheduler.h"

#include "widgets/session/GanWorker.h"
#include "widgets/session/RunFolder.h"
#include "widgets/session/TrainingWorker.h"

#include "core/gan/GanConfig.h"
#include "core/train/StopToken.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>

namespace neurino {

namespace {

void registerTypes()
{
    qRegisterMetaType<TrainStart>();
    qRegisterMetaType<BatchStats>();
    qRegisterMetaType<EpochStats>();
    qRegisterMetaType<TrainSummary>();
    qRegisterMetaType<RunEvaluation>();
    qRegisterMetaType<RunRecord>();
    qRegisterMetaType<DecisionBoundaryData>();
    qRegisterMetaType<GanEpochData>();
    qRegisterMetaType<KernelsData>();
    qRegisterMetaType<HistogramsData>();
    qRegisterMetaType<std::shared_ptr<const TrainedModel>>();
}

// A folder name made of the run's name: letters, digits, '-' and '_' only.
QString folderName(const RunRecord& run)
{
    QString name = QStringLiteral("%1-run%2-%3")
                       .arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"))
                       .arg(run.id)
                       .arg(run.modelName);
    for (QChar& c : name) {
        if (!c.isLetterOrNumber() && c != '-' && c != '_')
            c = '_';
    }
    return name;
}

} // namespace

RunScheduler::RunScheduler(QObject* parent)
    : QObject(parent)
    , m_worker(new TrainingWorker(this))
    , m_ganWorker(new GanWorker(this))
    , m_stop(std::make_shared<StopToken>())
{
    registerTypes();
    connectTrainingWorker();
    connectGanWorker();
    connect(&m_tasks, &TaskQueue::changed, this, &RunScheduler::queueChanged);
}

RunScheduler::~RunScheduler()
{
    // The task queue, a member, stops the running run and waits for it before the workers go.
    m_stop->requestStop();
}

int RunScheduler::start(RunSpec spec)
{
    RunRecord record;
    record.modelName = QString::fromStdString(spec.model.name());
    if (record.modelName.isEmpty())
        record.modelName = tr("untitled");
    record.id = m_nextId++;
    // The model and the learning rate are what students vary most; they tell overlaid curves apart.
    record.name = spec.name.empty() ? tr("Run %1 (%2, lr %3)")
                                          .arg(record.id)
                                          .arg(record.modelName)
                                          .arg(spec.training.optimizer.learningRate)
                                    : QString::fromStdString(spec.name);
    record.dataName = QString::fromStdString(spec.data.describe());
    record.config = spec.training;
    TrainingWorker* worker = m_worker;
    return enqueue(
        std::move(record), worker, [worker, spec](const QString& folder) { worker->run(spec, folder); });
}

int RunScheduler::startGan(const ModelGraph& generator, const ModelGraph& discriminator,
    const DataSource& data, const GanConfig& config, const QString& name)
{
    RunRecord record;
    record.modelName = QString::fromStdString(generator.name() + " vs " + discriminator.name());
    record.id = m_nextId++;
    record.name = name.isEmpty() ? tr("Run %1 (GAN, lr %2 / %3)")
                                       .arg(record.id)
                                       .arg(config.generatorOptimizer.learningRate)
                                       .arg(config.discriminatorOptimizer.learningRate)
                                 : name;
    record.dataName = QString::fromStdString(data.describe());
    setGanConfig(record, config);
    GanRunSpec spec;
    spec.name = record.name.toStdString();
    spec.generator = generator;
    spec.discriminator = discriminator;
    spec.data = data;
    spec.gan = config;
    GanWorker* worker = m_ganWorker;
    return enqueue(
        std::move(record), worker, [worker, spec](const QString& folder) { worker->run(spec, folder); });
}

// Puts `record` (numbered) in the list as waiting and queues `launch` for `worker` on the runs lane.
int RunScheduler::enqueue(RunRecord record, RunWorker* worker, Launch launch)
{
    record.queued = true;
    if (!m_runsFolder.isEmpty())
        record.folder = QDir(m_runsFolder).filePath(folderName(record));
    const int id = record.id;
    const QString folder = record.folder;
    const QString title = record.name;
    emit runAdded(m_registry.add(std::move(record)));

    auto stop = std::make_shared<StopToken>();
    TaskQueue::Hooks hooks;
    hooks.started = [this, id, worker, stop] { begin(id, worker, stop); };
    hooks.finished = [this, id](bool ran) {
        m_taskOfRun.erase(id);
        if (!ran)
            dropped(id);
    };
    m_taskOfRun[id] = m_tasks.submit(
        TaskQueue::Lane::Runs, title,
        [worker, stop, launch, folder](StopToken&) {
            worker->setStopToken(stop);
            launch(folder);
        },
        stop, std::move(hooks));
    return id;
}

// Run `id` leaves the queue and becomes the current run, trained by `worker`.
void RunScheduler::begin(int id, RunWorker* worker, std::shared_ptr<StopToken> stop)
{
    RunRecord* record = m_registry.find(id);
    if (!record)
        return;
    record->queued = false;
    m_stop = std::move(stop);
    m_batchesAtStop = -1;
    worker->resetBatchCount();
    m_currentWorker = worker;
    m_currentId = id;
    m_registry.changed(id);
    setState(State::Preparing);
}

// Run `id` was taken out of the queue before it began.
void RunScheduler::dropped(int id)
{
    RunRecord* record = m_registry.find(id);
    if (!record)
        return;
    record->queued = false;
    record->finished = true;
    record->summary.reason = StopReason::Cancelled;
    record->summary.message = tr("taken out of the queue before it began").toStdString();
    m_registry.changed(id);
    const RunRecord copy = *record;
    emit runFinished(copy);
}

// What both workers report alike: status, start, batches, epochs and failure.
void RunScheduler::connectRunWorker(RunWorker* worker)
{
    connect(worker, &RunWorker::status, this, &RunScheduler::status);
    connect(worker, &RunWorker::note, this, [this](const QString& text) {
        if (m_currentId)
            emit runNote(m_currentId, text);
    });
    connect(worker, &RunWorker::started, this, [this](const TrainStart& start) {
        if (RunRecord* run = current()) {
            run->start = start;
            if (m_state == State::Preparing)
                setState(State::Training);
            emit runStarted(run->id, start);
        }
    });
    connect(worker, &RunWorker::batchEnded, this, [this](const BatchStats& stats, double smoothed) {
        if (m_currentId)
            emit batchEnded(m_currentId, stats, smoothed);
    });
    connect(worker, &RunWorker::epochEnded, this, [this](const EpochStats& stats) {
        if (RunRecord* run = current()) {
            run->epochs.push_back(stats);
            emit epochEnded(run->id, stats);
        }
    });
    connect(worker, &RunWorker::failed, this, [this](const QString& message) {
        const int id = m_currentId;
        TrainSummary summary;
        summary.reason = StopReason::Failed;
        summary.message = message.toStdString();
        if (RunRecord* run = current())
            summary.epochsCompleted = static_cast<int>(run->epochs.size());
        finish(summary, {});
        emit runFailed(id, message);
    });
}

void RunScheduler::connectTrainingWorker()
{
    connectRunWorker(m_worker);
    connect(m_worker, &TrainingWorker::boundaryUpdated, this, [this](const DecisionBoundaryData& boundary) {
        if (m_currentId)
            emit boundaryUpdated(m_currentId, boundary);
    });
    connect(m_worker, &TrainingWorker::kernelsUpdated, this, [this](const KernelsData& kernels) {
        if (m_currentId)
            emit kernelsUpdated(m_currentId, kernels);
    });
    connect(m_worker, &TrainingWorker::histogramsUpdated, this, [this](const HistogramsData& histograms) {
        if (m_currentId)
            emit histogramsUpdated(m_currentId, histograms);
    });
    connect(m_worker, &TrainingWorker::modelReady, this,
        [this](const std::shared_ptr<const TrainedModel>& model) {
            if (m_currentId)
                emit modelReady(m_currentId, model);
        });
    connect(m_worker, &TrainingWorker::finished, this, &RunScheduler::finish);
}

void RunScheduler::connectGanWorker()
{
    connectRunWorker(m_ganWorker);
    connect(m_ganWorker, &GanWorker::samplesReady, this, [this](const GanEpochData& samples) {
        if (m_currentId)
            emit ganSamples(m_currentId, samples);
    });
    connect(m_ganWorker, &GanWorker::finished, this,
        [this](const TrainSummary& summary) { finish(summary, {}); });
}

std::int64_t RunScheduler::batchesDone() const
{
    return m_currentWorker ? m_currentWorker->batchesDone() : 0;
}

void RunScheduler::pause()
{
    if (m_state != State::Training && m_state != State::Preparing)
        return;
    m_stop->pause();
    setState(State::Paused);
}

void RunScheduler::resume()
{
    if (m_state != State::Paused)
        return;
    m_stop->resume();
    setState(current() && current()->start.epochs > 0 ? State::Training : State::Preparing);
}

void RunScheduler::stop()
{
    if (!isRunning() || m_state == State::Stopping)
        return;
    m_batchesAtStop = batchesDone();
    m_stop->requestStop();
    setState(State::Stopping);
}

void RunScheduler::cancel(int id)
{
    if (id == m_currentId) {
        stop();
        return;
    }
    const auto task = m_taskOfRun.find(id);
    if (task != m_taskOfRun.end())
        m_tasks.cancel(task->second);
}

void RunScheduler::stopAll()
{
    std::vector<int> waiting;
    for (const auto& [run, task] : m_taskOfRun) {
        if (run != m_currentId)
            waiting.push_back(run);
    }
    for (int run : waiting)
        cancel(run);
    stop();
}

bool RunScheduler::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while ((isRunning() || !m_taskOfRun.empty()) && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return !isRunning() && m_taskOfRun.empty();
}

const RunRecord* RunScheduler::currentRun() const
{
    return m_currentId ? run(m_currentId) : nullptr;
}

RunRecord* RunScheduler::current()
{
    return m_registry.find(m_currentId);
}

const RunRecord& RunScheduler::addRun(RunRecord record)
{
    record.id = m_nextId++;
    record.finished = true;
    const RunRecord added = m_registry.add(std::move(record));
    emit runAdded(added);
    emit runFinished(added);
    return m_registry.runs().back();
}

void RunScheduler::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void RunScheduler::finish(const TrainSummary& summary, const RunEvaluation& evaluation)
{
    RunRecord* run = current();
    const std::int64_t batches = batchesDone();
    m_currentId = 0;
    m_currentWorker = nullptr;
    setState(State::Idle);
    if (!run)
        return;
    run->summary = summary;
    run->evaluation = evaluation;
    run->finished = true;
    run->batches = batches;
    if (m_batchesAtStop >= 0)
        run->batchesAfterStop = run->batches - m_batchesAtStop;
    m_registry.changed(run->id);
    // A copy: a receiver may start the next run, which grows the list.
    const RunRecord record = *run;
    emit runFinished(record);
}

} // namespace neurino
