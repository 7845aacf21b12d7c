#pragma once

#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/train/History.h"
#include "core/train/StopToken.h"
#include "core/train/TrainConfig.h"
#include "core/train/TrainingObserver.h"
#include "core/util/RandomStream.h"
#include "core/util/ThreadTuning.h"

#include <torch/optim/optimizer.h>

#include <cstdint>
#include <memory>
#include <string>

namespace neurino {

// How a classifier is trained against an adversary that reads a nuisance parameter Z from its output
// (Louppe, Kagan and Cranmer, "Learning to pivot with adversarial networks", 2017). The run has three
// phases, one after the other: the classifier alone, the adversary alone on the pretrained classifier's
// output, then alternating updates as a GAN's: `adversarySteps` adversary updates minimising its loss L_r,
// then one classifier update minimising L_f - lambda * L_r. With lambda 0 the last phase trains the
// classifier alone while the adversary keeps measuring how much it can still read from it.
struct PivotConfig {
    double lambda = 10.0; // weight of the adversary's loss in the classifier's objective
    int classifierEpochs = 10; // phase 1: the classifier alone
    int adversaryEpochs = 2; // phase 2: the adversary alone
    int epochs = 20; // phase 3: alternating updates
    int adversarySteps = 1; // adversary updates per classifier update in phase 3
    // Gaussians in the adversary's model of p(z | f(x)): it ends in 3 x this many values (mixture logits,
    // means, log standard deviations), as the paper's mixture density network.
    int mixtureComponents = 5;
    // The adversary also reads the event's class (a second input value, 0 or 1): it models p(Z | f, y), and
    // the classifier becomes independent of Z within each class, so that both the signal's and the
    // background's efficiency at a cut stay put. Off, as in the paper: independence of the mixture only.
    bool classConditional = false;
    std::int64_t batchSize = 256;
    OptimizerConfig classifierOptimizer;
    OptimizerConfig adversaryOptimizer;
    std::string device = "auto";
    int threads = 0; // CPU threads; 0 ("auto"): the fastest count, measured (ThreadTuning.h)
    std::uint64_t seed = 42;

    int totalEpochs() const { return classifierEpochs + adversaryEpochs + epochs; }
    // Throws TrainError naming the setting that is impossible.
    void validate() const;
};

// Events for a pivot run: standardised features (N, F), binary targets (N, int64 0/1) and the nuisance
// parameter of each event (N), in units of its standard deviation (the adversary models it).
struct PivotData {
    torch::Tensor features;
    torch::Tensor targets;
    torch::Tensor nuisance;
    std::int64_t size() const { return features.defined() ? features.size(0) : 0; }
};

// The negative log-likelihood of `z` (N) under the Gaussian mixtures that `out` (N, 3k) describes: k mixture
// logits, k means, k log standard deviations (clamped to [-5, 5]). Differentiable in `out`.
torch::Tensor mixtureNll(const torch::Tensor& out, const torch::Tensor& z, int components);

// The entropy of a unit Gaussian, 0.5 log(2 pi e) = 1.419: the adversary's loss when the classifier's output
// tells it nothing about a Z ~ N(0, 1).
double unitGaussianEntropy();

// Trains a binary classifier graph (one sigmoid output) against an adversary graph (one input of shape (1):
// the classifier's output, or (2) with classConditional: the output and the class; 3 x mixtureComponents
// outputs). Epoch metrics: loss (the classifier's cross-entropy),
// adversary_loss, their val_ counterparts and val_auc, reported to a TrainingObserver.
class PivotTrainer {
public:
    // Throws ModelError saying which network does not fit, TrainError for an impossible config.
    PivotTrainer(const ModelGraph& classifier, const ModelGraph& adversary, const PivotConfig& config);
    ~PivotTrainer();

    // Runs the three phases on `training`, measuring `validation` after each epoch (may be empty). Stops
    // between batches when `stop` asks. A non-finite loss restores the networks of the epoch's start and
    // throws TrainError saying which network, where.
    TrainSummary train(const PivotData& training, const PivotData& validation = {},
        TrainingObserver* observer = nullptr, const StopToken* stop = nullptr);

    // The classifier's output (N) for standardised `features`, on the CPU, in evaluation mode.
    torch::Tensor scores(const torch::Tensor& features);

    GraphModule& classifier() { return m_classifier; }
    GraphModule& adversary() { return m_adversary; }
    const PivotConfig& config() const { return m_config; }
    const History& history() const { return m_history; }

private:
    struct Run;
    enum class Phase { Classifier, Adversary, Adversarial };
    Phase phaseOf(int epoch) const;
    bool runEpoch(Run& run, int epoch);
    // What the adversary reads: the classifier's outputs `s` (N), with the classes `y` when
    // class-conditional.
    torch::Tensor adversaryInput(const torch::Tensor& s, const torch::Tensor& y) const;
    double adversaryStep(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& z);
    double classifierStep(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& z,
        bool adversarial, double& adversaryLoss);
    std::map<std::string, double> measure(const PivotData& data);
    // The run's CPU threads: as the config says, or (0) timed on one adversarial batch of throwaway copies of
    // both networks and remembered per networks, batch and machine, as the other trainers do.
    ThreadChoice chooseCpuThreads(const PivotData& training);

    PivotConfig m_config;
    ModelGraph m_classifierGraph, m_adversaryGraph;
    GraphModule m_classifier { nullptr }, m_adversary { nullptr };
    std::unique_ptr<torch::optim::Optimizer> m_classifierOptimizer, m_adversaryOptimizer;
    torch::Device m_device;
    History m_history;
    RandomStream m_random; // initialisation and batch order
};

} // namespace neurino
