#include "widgets/session/TrainingSession.h"

#include "widgets/session/GanWorker.h"
#include "widgets/session/RunFolder.h"
#include "widgets/session/TrainingWorker.h"

#include "core/gan/GanConfig.h"
#include "core/train/StopToken.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QThread>

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

TrainingSession::TrainingSession(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_stop(std::make_shared<StopToken>())
{
    registerTypes();
    m_thread->setObjectName("training");
    m_worker = new TrainingWorker(m_stop);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_ganWorker = new GanWorker(m_stop);
    m_ganWorker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_ganWorker, &QObject::deleteLater);
    connectGanWorker();

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
    connect(m_worker, &TrainingWorker::finished, this, &TrainingSession::finish);
    m_thread->start();
}

TrainingSession::~TrainingSession()
{
    m_stop->requestStop();
    m_thread->quit();
    m_thread->wait();
}

bool TrainingSession::start(
    const ModelGraph& graph, const DataSource& data, const TrainConfig& config, const QString& name)
{
    if (isRunning())
        return false;
    RunRecord record;
    record.id = m_nextId++;
    record.modelName = QString::fromStdString(graph.name());
    if (record.modelName.isEmpty())
        record.modelName = tr("untitled");
    // The model and the learning rate are what students vary most; they tell overlaid curves apart.
    record.name = name.isEmpty()
        ? tr("Run %1 (%2, lr %3)").arg(record.id).arg(record.modelName).arg(config.optimizer.learningRate)
        : name;
    record.dataName = QString::fromStdString(data.describe());
    record.config = config;
    const QString folder = beginRun(std::move(record), m_worker);
    TrainingWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, graph, data, config, folder] { worker->run(graph, data, config, folder); },
        Qt::QueuedConnection);
    return true;
}

bool TrainingSession::startGan(const ModelGraph& generator, const ModelGraph& discriminator,
    const DataSource& data, const GanConfig& config, const QString& name)
{
    if (isRunning())
        return false;
    RunRecord record;
    record.id = m_nextId++;
    record.modelName = QString::fromStdString(generator.name() + " vs " + discriminator.name());
    record.name = name.isEmpty()
        ? tr("Run %1 (GAN, lr %2 / %3)")
              .arg(record.id)
              .arg(config.generatorOptimizer.learningRate)
              .arg(config.discriminatorOptimizer.learningRate)
        : name;
    record.dataName = QString::fromStdString(data.describe());
    setGanConfig(record, config);
    const QString folder = beginRun(std::move(record), m_ganWorker);
    GanWorker* worker = m_ganWorker;
    QMetaObject::invokeMethod(
        worker,
        [worker, generator, discriminator, data, config, folder] {
            worker->run(generator, discriminator, data, config, folder);
        },
        Qt::QueuedConnection);
    return true;
}

// Makes `record` the current run, with its folder, for `worker` to train; returns the folder.
QString TrainingSession::beginRun(RunRecord record, RunWorker* worker)
{
    m_stop->reset();
    m_batchesAtStop = -1;
    worker->resetBatchCount();
    m_ganRun = record.gan;
    if (!m_runsFolder.isEmpty())
        record.folder = QDir(m_runsFolder).filePath(folderName(record));
    m_runs.push_back(std::move(record));
    m_currentId = m_runs.back().id;
    setState(State::Preparing);
    emit runAdded(m_runs.back());
    return m_runs.back().folder;
}

// What both workers report alike: status, start, batches, epochs and failure.
void TrainingSession::connectRunWorker(RunWorker* worker)
{
    connect(worker, &RunWorker::status, this, &TrainingSession::status);
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

void TrainingSession::connectGanWorker()
{
    connectRunWorker(m_ganWorker);
    connect(m_ganWorker, &GanWorker::samplesReady, this, [this](const GanEpochData& samples) {
        if (m_currentId)
            emit ganSamples(m_currentId, samples);
    });
    connect(m_ganWorker, &GanWorker::finished, this,
        [this](const TrainSummary& summary) { finish(summary, {}); });
}

std::int64_t TrainingSession::batchesDone() const
{
    return m_ganRun ? m_ganWorker->batchesDone() : m_worker->batchesDone();
}

void TrainingSession::pause()
{
    if (m_state != State::Training && m_state != State::Preparing)
        return;
    m_stop->pause();
    setState(State::Paused);
}

void TrainingSession::resume()
{
    if (m_state != State::Paused)
        return;
    m_stop->resume();
    setState(current() && current()->start.epochs > 0 ? State::Training : State::Preparing);
}

void TrainingSession::stop()
{
    if (!isRunning() || m_state == State::Stopping)
        return;
    m_batchesAtStop = batchesDone();
    m_stop->requestStop();
    setState(State::Stopping);
}

bool TrainingSession::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (isRunning() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return !isRunning();
}

const RunRecord* TrainingSession::run(int id) const
{
    for (const RunRecord& r : m_runs) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

const RunRecord* TrainingSession::currentRun() const
{
    return m_currentId ? run(m_currentId) : nullptr;
}

RunRecord* TrainingSession::current()
{
    return const_cast<RunRecord*>(currentRun());
}

const RunRecord& TrainingSession::addRun(RunRecord record)
{
    record.id = m_nextId++;
    record.finished = true;
    m_runs.push_back(std::move(record));
    const RunRecord added = m_runs.back();
    emit runAdded(added);
    emit runFinished(added);
    return m_runs.back();
}

void TrainingSession::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void TrainingSession::finish(const TrainSummary& summary, const RunEvaluation& evaluation)
{
    RunRecord* run = current();
    m_currentId = 0;
    setState(State::Idle);
    if (!run)
        return;
    run->summary = summary;
    run->evaluation = evaluation;
    run->finished = true;
    run->batches = batchesDone();
    if (m_batchesAtStop >= 0)
        run->batchesAfterStop = run->batches - m_batchesAtStop;
    // A copy: a receiver may start the next run, which grows the list.
    const RunRecord record = *run;
    emit runFinished(record);
}

} // namespace neurino
