#pragma once

#include "core/data/Dataset.h"
#include "core/data/Standardizer.h"
#include "core/nn/GraphModule.h"
#include "core/train/Loss.h"

#include <c10/core/Device.h>
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace neurino {

struct EvaluationOptions {
    std::int64_t batchSize = 1024;
    c10::Device device = c10::kCPU;
    std::vector<std::string> metrics; // as TrainConfig::metrics; empty: defaultMetrics(task)
    bool keepScores = true; // keep every sample's scores (for ROC, confusion matrix, predictions)
};

// A model's loss and metrics on some rows of a dataset.
struct Evaluation {
    std::int64_t samples = 0;
    std::map<std::string, double> metrics; // "loss" and the metrics asked for
    torch::Tensor scores; // (n, k) float32 on the CPU: probabilities or predicted values
    torch::Tensor targets; // the rows' targets, on the CPU
};

// The metrics a task gets when none are named: binary accuracy and AUC, class accuracy, regression MAE.
std::vector<std::string> defaultMetrics(Task task);

// Computes named metrics from scores (as Loss::scores gives them) and targets. AUC needs a binary task
// and both classes present (else it is left out); accuracy needs classes.
std::map<std::string, double> computeMetrics(const std::vector<std::string>& names, Task task,
    const torch::Tensor& scores, const torch::Tensor& targets);

// Runs the model (in evaluation mode, without gradients) over `rows` of `data` in batches, applying the
// standardizer first (may be null). The module's training mode is restored afterwards.
Evaluation evaluateModel(GraphModule& module, const Loss& loss, const Dataset& data,
    const torch::Tensor& rows, const Standardizer* standardizer, const EvaluationOptions& options);

// The model's outputs (its final activation included) for every sample of `features`, on the CPU; or, when
// `node` names a node (id or display name), that node's activations, for embeddings and feature maps.
torch::Tensor predict(GraphModule& module, const torch::Tensor& features, const Standardizer* standardizer,
    const c10::Device& device = c10::kCPU, std::int64_t batchSize = 1024, const std::string& node = {});

// What an autoencoder makes of some samples, in the units the model sees (standardised when it was).
struct Reconstruction {
    torch::Tensor inputs; // (N, ...) float32, standardised as in training
    torch::Tensor outputs; // (N, ...) the model's reconstructions, shaped like the inputs
    torch::Tensor errorMap; // (N, ...) float64 squared error per bin
    torch::Tensor scores; // (N) float64 anomaly score: the mean of each sample's error map
};

// Runs a reconstruction model (Task::Reconstruction) over `features` and scores every sample.
Reconstruction reconstruct(GraphModule& module, const torch::Tensor& features,
    const Standardizer* standardizer, const c10::Device& device = c10::kCPU, std::int64_t batchSize = 1024);

} // namespace neurino
