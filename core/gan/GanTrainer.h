#pragma once

#include "core/gan/GanConfig.h"
#include "core/gan/GanObserver.h"
#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/train/Checkpoint.h"
#include "core/train/History.h"
#include "core/train/LrSchedule.h"
#include "core/train/StopToken.h"
#include "core/util/RandomStream.h"
#include "core/util/ThreadTuning.h"

#include <torch/optim/optimizer.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neurino {

class DistGroup;
class GradientBuckets;

// How a GAN run ended. With keep_best, bestEpoch is the epoch whose networks were kept, bestMetrics its
// metrics and restoredBestWeights whether they replaced a later epoch's; bestEpoch is 0 without it.
using GanSummary = TrainSummary;

// "GAN run: completed after 30 epoch(s), 812 s", the last epoch's metrics one per line, and the message.
std::string summaryText(const GanSummary& summary);

// What the physics term of GanConfig::physicsWeight compares generated batches with: the real images'
// energy sums, sorted, and their average profiles, from (N, 1, H, W) or (N, H, W) images.
struct ShowerReference {
    explicit ShowerReference(const torch::Tensor& real);
    torch::Tensor sortedSums; // (N)
    torch::Tensor transverse; // (H): average energy per row
    torch::Tensor longitudinal; // (W): average energy per column
    double meanEnergy = 1;
};

// The physics term for a generated batch, differentiable in `generated`: the 1-D Wasserstein distance of its
// energy sums to the real spectrum (the batch's sorted sums against the real sums' quantiles) plus the L1
// distances of its average profiles to the real ones, each relative to the real mean energy.
torch::Tensor physicsLoss(const ShowerReference& real, const torch::Tensor& generated);

// Trains a generator graph against a discriminator graph on real samples, alternating updates.
//
// The generator's first Input is the latent noise; with `conditional`, both networks have a second Input of
// shape (1) that receives the scaled per-event condition (e.g. the primary energy). The generator's output
// shape must equal the samples' shape and the discriminator must end in one value per sample (a sigmoid for
// bce, linear for wgan-gp).
class GanTrainer {
public:
    // Throws ModelError or TrainError saying which network or setting does not fit.
    GanTrainer(const ModelGraph& generator, const ModelGraph& discriminator, const GanConfig& config);
    ~GanTrainer();

    // Makes this trainer one rank of a data-parallel run, before train(): both networks start from rank 0's
    // weights; every rank shuffles the same way and draws the whole global batch's noise, label flips and
    // penalty mixes from the same stream, training on its slice of each global batch (config().batchSize);
    // both networks' gradients and the losses are summed over the ranks at each update, so every rank keeps
    // the networks one process with the same batch would have. Rank 0 alone refreshes the generator's
    // statistics and makes the epoch's samples, then shares them (its networks' BatchNorm buffers, its random
    // stream and the physics metrics) with the others. As in the classifier trainer, BatchNorm normalises
    // each rank's slice by its own statistics, and the physics term compares each slice with the real
    // showers, so those two are close to one process's rather than equal.
    void setDistributed(std::shared_ptr<DistGroup> group);
    // Bytes of gradients one batch sums over the ranks: discriminator_steps times the discriminator's, plus
    // the generator's (0 when alone or before train()).
    std::int64_t allReducedBytesPerStep() const;

    // Trains on `real` (N, ...) with optional `conditions` (N) or (N, 1). Reports to `observer` (may be null)
    // and stops between batches when `stop` asks. A non-finite loss ends the run as Failed with the last
    // epoch's weights restored. Continues from the epochs already done (after load()). Both learning rates
    // follow the config's schedule; with keep_best, the networks of the best epoch are restored at the end
    // (also when stopped), and the summary says which. Throws TrainError when keep_best names a metric the
    // run does not compute.
    GanSummary train(const torch::Tensor& real, const torch::Tensor& conditions = {},
        GanObserver* observer = nullptr, const StopToken* stop = nullptr);

    // `count` generated samples on the CPU, in evaluation mode. `conditions` (count) are raw values, scaled
    // as in training; required for a conditional GAN. The latent vectors come from the run's stream, or with
    // `seed` from a stream of their own (the same seed, the same samples of the same networks).
    torch::Tensor sample(std::int64_t count, const torch::Tensor& conditions = {},
        std::optional<std::uint64_t> seed = std::nullopt);

    // Writes <dir>/generator.h5 and <dir>/discriminator.h5, each a Neurino checkpoint of its network with its
    // optimizer state, the GAN config and the history (atomically, each).
    void save(const std::string& dir) const;
    // Restores both networks, optimizers, config and history from save()'s directory.
    static std::unique_ptr<GanTrainer> load(const std::string& dir);

    GraphModule& generator() { return m_generator; }
    GraphModule& discriminator() { return m_discriminator; }
    const GanConfig& config() const { return m_config; }
    // The epoch a resumed run goes on to.
    void setEpochs(int epochs) { m_config.epochs = epochs; }
    const History& history() const { return m_history; }
    int epochsDone() const { return m_epochsDone; }
    std::int64_t latentSize() const { return m_latentSize; }
    double conditionScale() const { return m_conditionScale; }

private:
    torch::Tensor latent(std::int64_t n);
    torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& cond);
    torch::Tensor criticLogits(const torch::Tensor& x, const torch::Tensor& cond);
    // The mixing weights are drawn for the `global` batch, of which `real` and `fake` are the rows from
    // `from`.
    torch::Tensor gradientPenalty(const torch::Tensor& real, const torch::Tensor& fake,
        const torch::Tensor& cond, std::int64_t global, std::int64_t from);
    GanSamples epochSamples(int epoch, const torch::Tensor& real, const torch::Tensor& conditions);
    GanSummary trainEpochs(const torch::Tensor& real, const torch::Tensor& conditions, GanObserver* observer,
        const StopToken* stop);
    // Restores both networks to `good` (the last complete epoch) and throws the TrainError that says which
    // network's loss became what, where, at which learning rate, and what to do.
    [[noreturn]] void failNonFinite(const std::string& network, double value, int epoch, std::int64_t batch,
        std::int64_t batches, const NodeTensors& goodGenerator, const NodeTensors& goodDiscriminator);
    // Sets the generator's BatchNorm moving averages to the mean statistics of `batches` training-mode
    // batches, so that sampling (in evaluation mode) sees the generator as it is now rather than a lagging
    // average over the epoch's changing weights. `conditions` are the scaled training conditions, if any.
    void refreshGeneratorStatistics(const torch::Tensor& conditions, std::int64_t batches);
    // The real showers' reference for the physics term, when the config weighs it and the samples are images.
    std::optional<ShowerReference> physicsReference(const torch::Tensor& real) const;

    // Data-parallel parts (GanTrainerRanks.cpp). joinRanks: rank 0's networks to every rank and the gradient
    // buckets, for global batches of `batch`. reduceStep: `network`'s gradients, weighted by this rank's
    // share `n` of the global batch `k`, and `sums` summed over the ranks. shareEpochEnd: rank 0's BatchNorm
    // buffers, random stream and physics metrics (into `metrics`; whether there are any in `showerMetrics`).
    void joinRanks(std::int64_t batch);
    void reduceStep(GradientBuckets& network, std::int64_t n, std::int64_t k, std::vector<double>& sums);
    void shareEpochEnd(std::map<std::string, double>& metrics, bool& showerMetrics);

    // The steps of trainEpochs() (GanTrainerSteps.cpp). Run: one train() call's data, schedules and last good
    // weights; EpochTally: one epoch's running sums; CriticStep: the discriminator's loss and mean outputs.
    struct Run;
    struct EpochTally;
    struct CriticStep;
    void takeData(Run& run, const torch::Tensor& conditionData);
    void startRun(Run& run);
    // The run's CPU threads: as the config says, or (0) timed on threadProbeStep and remembered per networks,
    // batch and machine, as the classifier trainer does.
    ThreadChoice chooseCpuThreads(const Run& run);
    std::function<void()> threadProbeStep(const Run& run) const;
    // False when the run was stopped during the epoch.
    bool runEpoch(Run& run, int epoch);
    // False when a rank asked to stop (distributed runs agree on it at the batch's first update).
    bool trainBatch(Run& run, EpochTally& tally, const torch::Tensor& order, std::int64_t b, bool stopWanted);
    // With `stopWanted` in a distributed run, the ranks decide at the first update; `stopped` says whether
    // any rank asked (no update is made then).
    CriticStep trainDiscriminator(const Run& run, const EpochTally& tally, const torch::Tensor& x,
        const torch::Tensor& c, std::int64_t b, bool stopWanted, bool& stopped);
    CriticStep discriminatorLoss(
        const Run& run, const torch::Tensor& x, const torch::Tensor& fake, const torch::Tensor& c);
    torch::Tensor trainGenerator(const Run& run, const EpochTally& tally, const torch::Tensor& x,
        const torch::Tensor& c, std::int64_t b);
    void reportBatch(const Run& run, const EpochTally& tally, std::int64_t b, std::int64_t k, double loss,
        std::chrono::steady_clock::time_point batchStart);
    void finishEpoch(Run& run, const EpochTally& tally);
    // With keep_best: remembers this epoch's networks when `metrics` are the best so far.
    void rememberBest(const std::map<std::string, double>& metrics, bool showerMetrics, int epoch);
    // Restores the best epoch's networks (keep_best) and says so in `summary`.
    void keepBestNetworks(GanSummary& summary);

    GanConfig m_config;
    ModelGraph m_generatorGraph, m_discriminatorGraph;
    GraphModule m_generator { nullptr }, m_discriminator { nullptr };
    std::unique_ptr<torch::optim::Optimizer> m_generatorOptimizer, m_discriminatorOptimizer;
    torch::Device m_device;
    std::int64_t m_latentSize = 0;
    double m_conditionScale = 1.0;
    int m_epochsDone = 0;
    History m_history;
    // The run's own random stream: initialisation, latent vectors, label flips and dropout draw from it.
    RandomStream m_random;
    nlohmann::json m_scheduleState; // of a loaded run: the plateau schedules' state
    struct Best {
        int epoch = 0;
        double value = 0;
        std::map<std::string, double> metrics;
        NodeTensors generator, discriminator;
    } m_best;
    std::shared_ptr<DistGroup> m_dist; // null when training alone
    std::unique_ptr<GradientBuckets> m_generatorBuckets, m_discriminatorBuckets;
};

} // namespace neurino
