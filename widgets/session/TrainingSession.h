#pragma once

#include "widgets/session/GanTypes.h"
#include "widgets/session/TrainedModel.h"
#include "widgets/session/TrainingTypes.h"

#include "core/graph/ModelGraph.h"

#include <QObject>

#include <memory>
#include <vector>

class QThread;

namespace neurino {

class GanWorker;
class RunWorker;
class StopToken;
class TrainingWorker;
struct GanConfig;

// The window's side of training: runs one TrainingWorker at a time on its own thread, relays its reports
// (queued, so they arrive on the window's thread) and keeps every run of the session in a list. Pause,
// resume and stop act through a StopToken the trainer looks at between batches.
class TrainingSession : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Preparing, Training, Paused, Stopping };

    explicit TrainingSession(QObject* parent = nullptr);
    ~TrainingSession() override;

    // Starts a run of `graph` on `data`; false (and nothing started) while another run is going.
    // `runsFolder`, when set, receives a run folder per run, named after the run.
    bool start(
        const ModelGraph& graph, const DataSource& data, const TrainConfig& config, const QString& name = {});
    // Starts a GAN run: `generator` against `discriminator` on the real samples of `data`; false while
    // another run is going. Its reports arrive as a classifier's do, plus ganSamples after epochs.
    bool startGan(const ModelGraph& generator, const ModelGraph& discriminator, const DataSource& data,
        const GanConfig& config, const QString& name = {});
    void pause();
    void resume();
    void stop();
    // Blocks until the current run has ended (for closing the window); true when none is left.
    bool waitForIdle(int timeoutMs);

    State state() const { return m_state; }
    bool isRunning() const { return m_state != State::Idle; }

    void setRunsFolder(const QString& folder) { m_runsFolder = folder; }
    const QString& runsFolder() const { return m_runsFolder; }

    const std::vector<RunRecord>& runs() const { return m_runs; }
    const RunRecord* run(int id) const;
    // The run being trained, or null.
    const RunRecord* currentRun() const;
    // Adds a run read from a folder (kept as finished).
    const RunRecord& addRun(RunRecord record);

signals:
    void stateChanged(neurino::TrainingSession::State state);
    void status(const QString& text);
    // A run entered the list (a new run, before its data is made, or a loaded one).
    void runAdded(const neurino::RunRecord& run);
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
    // The run ended (completed, early-stopped, stopped or failed); its record is final.
    void runFinished(const neurino::RunRecord& run);
    // A GAN run's samples and physics comparison after an epoch (a few times per second at most).
    void ganSamples(int runId, const neurino::GanEpochData& samples);
    void runFailed(int runId, const QString& message);

private:
    void setState(State state);
    RunRecord* current();
    void finish(const TrainSummary& summary, const RunEvaluation& evaluation);
    QString beginRun(RunRecord record, RunWorker* worker);
    void connectRunWorker(RunWorker* worker);
    void connectGanWorker();
    // Optimisation steps of the current run so far, from whichever worker trains it.
    std::int64_t batchesDone() const;

    QThread* m_thread;
    TrainingWorker* m_worker;
    GanWorker* m_ganWorker;
    bool m_ganRun = false; // the current run is the GAN worker's
    std::shared_ptr<StopToken> m_stop;
    State m_state = State::Idle;
    std::vector<RunRecord> m_runs;
    int m_currentId = 0;
    int m_nextId = 1;
    std::int64_t m_batchesAtStop = -1;
    QString m_runsFolder;
};

} // namespace neurino

Q_DECLARE_METATYPE(neurino::RunRecord)
