#pragma once

#include "core/data/Dataset.h"
#include "core/data/Split.h"
#include "core/data/Standardizer.h"
#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/train/Checkpoint.h"
#include "core/train/EarlyStopping.h"
#include "core/train/Evaluator.h"
#include "core/train/History.h"
#include "core/train/Loss.h"
#include "core/train/LrSchedule.h"
#include "core/train/StopToken.h"
#include "core/train/TrainConfig.h"
#include "core/train/TrainingObserver.h"
#include "core/util/RandomStream.h"
#include "core/util/ThreadTuning.h"

#include <c10/core/Device.h>
#include <torch/optim/optimizer.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace neurino {

class DistGroup;
class GradientBuckets;

// The parts of a split dataset.
enum class DataPart { Train, Validation, Test, All };

// Runs the epochs of a TrainConfig on a ModelGraph and a Dataset: seeded initialisation, split,
// standardisation fitted on the training part, shuffled mini-batches, the optimizer, penalties, clipping,
// the learning-rate schedule, validation, early stopping, and reports to a TrainingObserver. fit() may be
// called again to train further (the GUI's "continue"); a Checkpoint continues a run across processes.
// One thread at a time; another thread may only touch the StopToken.
class Trainer {
public:
    // Seeds LibTorch with config.seed and builds the model. Throws ModelError for an invalid graph and
    // TrainError for an invalid config.
    Trainer(const ModelGraph& graph, TrainConfig config);
    // Continues a saved run: model, weights, optimizer state, standardizer, history, schedule, early
    // stopping and random state as they were after its last epoch. `config` replaces the saved one (to
    // train for more epochs or on another device); the optimizer must stay the same.
    explicit Trainer(const Checkpoint& checkpoint, std::optional<TrainConfig> config = {});
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Makes this trainer one rank of a data-parallel run, before fit(): rank 0's initial weights are taken,
    // each rank trains on its slice of every global batch (config().batchSize), the gradients, losses and
    // training metrics are summed over the ranks, so every rank keeps the weights, history and decisions
    // (schedule, early stopping) one process with the same global batch would have. BatchNorm statistics
    // are per rank, their running averages rank 0's (as DDP's broadcast_buffers); dropout draws from a
    // stream of each rank's own.
    void setDistributed(std::shared_ptr<DistGroup> group);
    const DistGroup* distributed() const { return m_dist.get(); }
    // Bytes of gradients each step sums over the ranks (0 before fit() or when alone).
    std::int64_t allReducedBytesPerStep() const;

    // Takes the data the run trains on (shared, not copied) and splits it with the config's fractions and
    // seed, or as `split` says. Fits the standardizer on the training part unless the run was resumed.
    // Throws DataError when the data does not fit the model (input shape, number of classes, outputs) or,
    // for a resumed run, is not the data it was trained on.
    void setData(std::shared_ptr<const Dataset> data, std::optional<SplitIndices> split = {});
    // Where the data came from, for the checkpoint (file path and HDF5 dataset paths).
    void setDataSource(
        const std::string& origin, const std::string& featuresPath, const std::string& targetsPath);

    // Trains from the current epoch up to config().epochs. Returns how it ended (completed, stopped
    // early, cancelled through `stop`). A non-finite loss ends the run with a TrainError that names the
    // epoch, batch and learning rate; the weights are then the last ones that gave a finite loss.
    TrainSummary fit(TrainingObserver* observer = nullptr, const StopToken* stop = nullptr);

    // The loss and metrics on a part of the data, with every sample's scores.
    Evaluation evaluate(DataPart part, bool keepScores = true);

    // The whole state after the last completed epoch, for saveCheckpoint().
    Checkpoint checkpoint() const;
    // As checkpoint(), but with the best epoch's weights as the weights (for best.h5).
    Checkpoint bestCheckpoint() const;

    GraphModule& module() { return m_module; }
    const ModelGraph& graph() const { return m_graph; }
    const TrainConfig& config() const { return m_config; }
    // Changes the number of epochs (e.g. to train further after fit() returned).
    void setEpochs(int epochs);
    const History& history() const { return m_history; }
    int epoch() const { return m_epoch; } // epochs completed
    int bestEpoch() const;
    const Standardizer& standardizer() const { return m_standardizer; }
    const SplitIndices& split() const { return m_split; }
    const Dataset* data() const { return m_data.get(); }
    const c10::Device& device() const { return m_device; }
    const Loss& loss() const { return *m_loss; }
    double learningRate() const;
    std::int64_t parameterCount() const;
    // How the CPU thread count of the latest fit() was chosen (config().threads 0 is "auto": measured).
    const ThreadChoice& threadChoice() const { return m_threads; }

private:
    void prepare();
    ThreadChoice chooseCpuThreads();
    std::function<void()> threadProbeStep();
    void checkDataFitsModel(const Dataset& data) const;
    std::string monitoredMetric() const;
    torch::Tensor penalty() const;
    NamedParameters namedParameters() const;
    [[noreturn]] void failNonFinite(int epoch, std::int64_t batch, std::int64_t batches, double value);

    // The steps of fit() (TrainerSteps.cpp). FitRun: what one fit() call trains with; EpochTally: one
    // epoch's running totals. runEpoch() and finishEpoch() return false when the run ends (cancelled or
    // stopped early), having said why in `summary`.
    struct FitRun;
    struct EpochTally;
    FitRun startFit(TrainingObserver& report, const StopToken* stop);
    bool runEpoch(FitRun& run, TrainSummary& summary);
    bool trainBatch(FitRun& run, EpochTally& tally, std::int64_t index, bool stopWanted);
    void joinRanks();
    void syncBuffers();
    void reportBatch(FitRun& run, const EpochTally& tally, std::int64_t index, std::int64_t samples,
        double loss, std::chrono::steady_clock::time_point batchStart);
    std::map<std::string, double> trainMetrics(const FitRun& run, EpochTally& tally) const;
    void validate(const FitRun& run, std::map<std::string, double>& metrics);
    bool finishEpoch(FitRun& run, const EpochTally& tally, const std::map<std::string, double>& metrics,
        TrainSummary& summary);
    void finishFit(TrainSummary& summary);

    ModelGraph m_graph;
    TrainConfig m_config;
    GraphModule m_module { nullptr };
    c10::Device m_device = c10::kCPU;
    std::unique_ptr<Loss> m_loss;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    std::unique_ptr<LrSchedule> m_schedule;
    std::unique_ptr<EarlyStopping> m_early;
    std::shared_ptr<const Dataset> m_data;
    SplitIndices m_split;
    Standardizer m_standardizer;
    History m_history;
    int m_epoch = 0;
    NodeTensors m_bestWeights;
    NodeTensors m_lastGoodWeights;
    std::string m_dataOrigin, m_featuresPath, m_targetsPath;
    // Saved state a resumed run applies once the data and device are known.
    std::optional<Checkpoint> m_resume;
    // The run's own random stream: initialisation and dropout draw from it, whatever else runs.
    RandomStream m_random;
    ThreadChoice m_threads;
    bool m_threadsMeasured = false; // by an earlier fit() of this trainer, which a later one keeps
    std::shared_ptr<DistGroup> m_dist; // null when training alone
    std::unique_ptr<GradientBuckets> m_buckets;
    std::vector<torch::Tensor> m_buffers; // BatchNorm's running statistics, taken from rank 0 each step
    RandomStream m_rankRandom; // dropout on ranks other than 0, reseeded each epoch (so a resume replays it)
};

} // namespace neurino
