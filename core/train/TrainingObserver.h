#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurino {

// What a run is about to do, sent once before the first batch.
struct TrainStart {
    int firstEpoch = 1; // 1-based; > 1 when a run is resumed
    int epochs = 0; // the last epoch the run goes to
    std::int64_t batchesPerEpoch = 0;
    std::int64_t trainSamples = 0;
    std::int64_t validationSamples = 0;
    std::int64_t testSamples = 0;
    std::int64_t parameters = 0;
    std::string device; // "CPU (2 threads)", "CUDA:0"
    std::string
        threads; // how the CPU thread count was chosen: "1 (auto, measured: 1 thread 9.1 ms/step, ...)"
};

// After every optimisation step.
struct BatchStats {
    int epoch = 0; // 1-based
    int epochs = 0;
    std::int64_t batch = 0; // 1-based within the epoch
    std::int64_t batches = 0;
    std::int64_t samples = 0; // in this batch
    double loss = 0; // of this batch, penalties included
    double meanLoss = 0; // over the epoch so far
    double learningRate = 0;
    double seconds = 0; // this batch
    double epochSeconds = 0; // since the epoch began
    double samplesPerSecond = 0; // over the epoch so far
};

// After every epoch, validation included. Metric names as Keras's history: loss, accuracy, auc, mape,
// mae, mse, with val_ for the validation part, and lr.
struct EpochStats {
    int epoch = 0; // 1-based: the number of epochs completed
    int epochs = 0;
    std::map<std::string, double> metrics;
    double learningRate = 0;
    double seconds = 0; // the whole epoch, validation included
    double trainSeconds = 0; // the optimisation steps only
    double samplesPerSecond = 0; // training samples per train second
    bool improved = false; // the monitored value is the best so far
    int bestEpoch = 0;
};

enum class StopReason { Completed, EarlyStopped, Cancelled, Failed };
std::string stopReasonName(StopReason reason);

// When the run ends, for whatever reason.
struct TrainSummary {
    StopReason reason = StopReason::Completed;
    int epochsCompleted = 0;
    int bestEpoch = 0; // 0 when nothing was monitored
    bool restoredBestWeights = false;
    std::map<std::string, double> finalMetrics;
    std::map<std::string, double> bestMetrics;
    std::map<std::string, double> testMetrics; // empty without a test part
    double seconds = 0;
    std::string message; // why it failed or stopped, for the user
};

// Receives a run's progress, on the thread that trains (a GUI queues it to its own thread).
// Every method has an empty default; an exception thrown here ends the run as Failed.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onStart(const TrainStart& start) { }
    virtual void onBatchEnd(const BatchStats& stats) { }
    virtual void onEpochEnd(const EpochStats& stats) { }
    virtual void onFinished(const TrainSummary& summary) { }
};

// Forwards to several observers in order (e.g. the progress bar and the run directory).
class ObserverList : public TrainingObserver {
public:
    void add(TrainingObserver* observer) { m_observers.push_back(observer); }
    void onStart(const TrainStart& s) override;
    void onBatchEnd(const BatchStats& s) override;
    void onEpochEnd(const EpochStats& s) override;
    void onFinished(const TrainSummary& s) override;

private:
    std::vector<TrainingObserver*> m_observers;
};

} // namespace neurino
