#pragma once

#include "widgets/session/GanTypes.h"
#include "widgets/session/RunRegistry.h"
#include "widgets/session/TaskQueue.h"
#include "widgets/session/TrainedModel.h"
#include "widgets/session/TrainingTypes.h"

#include "core/graph/ModelGraph.h"
#include "core/run/RunSpec.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace neurino {

class GanWorker;
class RunWorker;
class StopToken;
class TrainingWorker;
struct GanConfig;

// The window's side of training. It owns the worker threads (a TaskQueue) and queues runs from the
// training dock and lesson steps on one lane, one at a time: a run started while another trains waits,
// visibly, in the run list. It relays the running run's reports (queued, so they arrive on the window's
// thread, thinned by the workers) and keeps every run of the session in one list, the run registry the
// views read. Pause, resume and stop act on the running run through its StopToken, which the trainer looks
// at between batches; stopping a waiting run takes it out of the queue.
class RunScheduler : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Preparing, Training, Paused, Stopping };

    explicit RunScheduler(QObject* parent = nullptr);
    ~RunScheduler() override;

    // Queues a run of `spec`; it starts at once when nothing else runs. Returns the run's id.
    int start(RunSpec spec);
    // Queues a GAN run: `generator` against `discriminator` on the real samples of `data`. Its reports
    // arrive as a classifier's do, plus ganSamples after epochs. Returns the run's id.
    int startGan(const ModelGraph& generator, const ModelGraph& discriminator, const DataSource& data,
        const GanConfig& config, const QString& name = {});
    // The running run.
    void pause();
    void resume();
    void stop();
    // Takes run `id` out of the queue (it ends as stopped), or stops it when it runs.
    void cancel(int id);
    // Stops the running run and empties the queue.
    void stopAll();
    // Keeps the event loop turning until no run is running or waiting; true when none is left.
    bool waitForIdle(int timeoutMs);

    State state() const { return m_state; }
    // A run is being trained (queued ones aside).
    bool isRunning() const { return m_state != State::Idle; }
    // Names of the runs and lesson steps waiting, next first.
    QStringList queue() const { return m_tasks.waiting(TaskQueue::Lane::Runs); }
    // The worker threads, for the other long tasks of the window (lesson steps, projections, reading).
    TaskQueue& tasks() { return m_tasks; }

    void setRunsFolder(const QString& folder) { m_runsFolder = folder; }
    const QString& runsFolder() const { return m_runsFolder; }

    // Every run of the session: the run registry, also a table model for the run list.
    RunRegistry& registry() { return m_registry; }
    const std::vector<RunRecord>& runs() const { return m_registry.runs(); }
    const RunRecord* run(int id) const { return m_registry.run(id); }
    // The run being trained, or null.
    const RunRecord* currentRun() const;
    // Adds a run read from a folder (kept as finished).
    const RunRecord& addRun(RunRecord record);

signals:
    void stateChanged(neurino::RunScheduler::State state);
    void status(const QString& text);
    // A note for the log about the running run (RunWorker::note).
    void runNote(int runId, const QString& text);
    // A run entered the list (queued, before its data is made, or a loaded one).
    void runAdded(const neurino::RunRecord& run);
    // The waiting runs changed (one was queued, began or was taken out).
    void queueChanged();
    void runStarted(int runId, const neurino::TrainStart& start);
    void batchEnded(int runId, const neurino::BatchStats& stats, double smoothedLoss);
    void epochEnded(int runId, const neurino::EpochStats& stats);
    // The classifier over the input plane, for 2-D classification data (a few times per second at most).
    void boundaryUpdated(int runId, const neurino::DecisionBoundaryData& boundary);
    // The kernels and the weight and gradient histograms, after epochs (a few times per second at most).
    void kernelsUpdated(int runId, const neurino::KernelsData& kernels);
    void histogramsUpdated(int runId, const neurino::HistogramsData& histograms);
    // After training, just before runFinished: a copy of the trained model for the views that question it.
    void modelReady(int runId, std::shared_ptr<const neurino::TrainedModel> model);
    // The run ended (completed, early-stopped, stopped, failed, or taken out of the queue); its record is
    // final.
    void runFinished(const neurino::RunRecord& run);
    // A GAN run's samples and physics comparison after an epoch (a few times per second at most).
    void ganSamples(int runId, const neurino::GanEpochData& samples);
    void runFailed(int runId, const QString& message);

private:
    // Trains on the worker thread, keeping the run folder given (empty: none).
    using Launch = std::function<void(const QString& folder)>;

    void setState(State state);
    RunRecord* current();
    int enqueue(RunRecord record, RunWorker* worker, Launch launch);
    void begin(int runId, RunWorker* worker, std::shared_ptr<StopToken> stop);
    void dropped(int runId);
    void finish(const TrainSummary& summary, const RunEvaluation& evaluation);
    void connectRunWorker(RunWorker* worker);
    void connectTrainingWorker();
    void connectGanWorker();
    // Optimisation steps of the current run so far, from whichever worker trains it.
    std::int64_t batchesDone() const;

    TaskQueue m_tasks;
    TrainingWorker* m_worker;
    GanWorker* m_ganWorker;
    RunWorker* m_currentWorker = nullptr;
    std::map<int, int> m_taskOfRun; // run id -> task id, while queued or running
    std::shared_ptr<StopToken> m_stop; // the current run's
    State m_state = State::Idle;
    RunRegistry m_registry;
    int m_currentId = 0;
    int m_nextId = 1;
    std::int64_t m_batchesAtStop = -1;
    QString m_runsFolder;
};

} // namespace neurino

Q_DECLARE_METATYPE(neurino::RunRecord)
