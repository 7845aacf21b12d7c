#pragma once

#include "core/gan/GanConfig.h"
#include "core/gan/GanObserver.h"
#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/train/History.h"
#include "core/train/StopToken.h"

#include <torch/optim/optimizer.h>

#include <memory>
#include <string>

namespace neurino {

struct GanSummary {
    StopReason reason = StopReason::Completed;
    int epochsCompleted = 0;
    std::map<std::string, double> finalMetrics;
    double seconds = 0;
    std::string message;
};

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

    // Trains on `real` (N, ...) with optional `conditions` (N) or (N, 1). Reports to `observer` (may be null)
    // and stops between batches when `stop` asks. A non-finite loss ends the run as Failed with the last
    // epoch's weights restored. Continues from the epochs already done (after load()).
    GanSummary train(const torch::Tensor& real, const torch::Tensor& conditions = {}, GanObserver* observer = nullptr,
                     const StopToken* stop = nullptr);

    // `count` generated samples on the CPU, in evaluation mode. `conditions` (count) are raw values, scaled as
    // in training; required for a conditional GAN.
    torch::Tensor sample(std::int64_t count, const torch::Tensor& conditions = {});

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
    torch::Tensor gradientPenalty(const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& cond);
    GanSamples epochSamples(int epoch, const torch::Tensor& real, const torch::Tensor& conditions);
    // Sets the generator's BatchNorm moving averages to the mean statistics of `batches` training-mode batches,
    // so that sampling (in evaluation mode) sees the generator as it is now rather than a lagging average
    // over the epoch's changing weights. `conditions` are the scaled training conditions, if any.
    void refreshGeneratorStatistics(const torch::Tensor& conditions, std::int64_t batches);

    GanConfig m_config;
    ModelGraph m_generatorGraph, m_discriminatorGraph;
    GraphModule m_generator{nullptr}, m_discriminator{nullptr};
    std::unique_ptr<torch::optim::Optimizer> m_generatorOptimizer, m_discriminatorOptimizer;
    torch::Device m_device;
    std::int64_t m_latentSize = 0;
    double m_conditionScale = 1.0;
    int m_epochsDone = 0;
    History m_history;
};

} // namespace neurino
