#pragma once

#include "core/data/Dataset.h"
#include "core/data/Split.h"
#include "core/data/Standardizer.h"
#include "core/graph/ModelGraph.h"
#include "core/nn/GraphModule.h"
#include "core/run/RunSpec.h"
#include "core/train/Evaluator.h"
#include "core/train/History.h"
#include "core/train/TrainConfig.h"
#include "core/train/TrainingObserver.h"
#include "exercises/Lesson.h"

#include <memory>
#include <optional>
#include <string>

namespace neurino::exercises {

// The event count of a lesson dataset under the run's options: the --events override for the main
// dataset, the reduced size for quick runs, else the lesson's.
std::int64_t eventsFor(const DatasetSpec& spec, const RunOptions& options, bool mainDataset);

// Generates `spec` with the datasets catalog and the run's seed, logging what it made.
std::shared_ptr<const Dataset> generateDataset(
    const DatasetSpec& spec, LessonContext& context, bool mainDataset = true);

// The lesson model named `name` (a ModelRef of the exercise).
ModelGraph loadLessonModel(const Exercise& exercise, const std::string& name);

// The model of the task: the student's file when grading, else the solution or the starting model.
ModelGraph taskModel(const Exercise& exercise, const LessonContext& context, const std::string& start,
    const std::string& solution);

// A trained (or loaded) model with its inputs' standardisation and its scores on the held-out part.
struct TrainedModel {
    std::string label;
    GraphModule module { nullptr };
    Standardizer standardizer;
    SplitIndices split;
    History history;
    TrainSummary summary;
    Evaluation heldOut; // on the test part, or the validation part when there is no test part
    std::int64_t parameters = 0;

    // The model's outputs for `features` (N, ...), standardised as in training.
    torch::Tensor predict(const torch::Tensor& features) const;
    // `features` standardised as in training.
    torch::Tensor standardised(const torch::Tensor& features) const;
    double metric(const std::string& name) const; // from heldOut; NaN when absent
};

// What `model` looks at, labelled by its label: every feature's importance over `rows` of tabular `data`
// (gradient × input, and the fall of the task's metric when the column is shuffled), or the gradient and
// occlusion maps of image `rows[0]` for its predicted class.
ModelImportance explain(const TrainedModel& model, const Dataset& data, const torch::Tensor& rows);

// The classifier report of a held-out evaluation (without output histograms), or of `scores` (n, k)
// against `targets` (without a loss either).
ModelEvaluation judge(const std::string& label, const std::string& part, const Evaluation& heldOut, Task task,
    const std::vector<std::string>& classNames);
ModelEvaluation judge(const std::string& label, const std::string& part, const torch::Tensor& scores,
    const torch::Tensor& targets, Task task, const std::vector<std::string>& classNames);

// `config` with the run's seed and threads.
TrainConfig lessonConfig(TrainConfig config, const LessonContext& context);

// Trains `graph` on `data` as `config` says (split by `split` when given) and evaluates it on the
// held-out part. Logs what it does; reports batches and epochs to the context's training observer.
// Throws TrainError when the run is cancelled.
TrainedModel trainModel(const std::string& label, const ModelGraph& graph, const TrainConfig& config,
    std::shared_ptr<const Dataset> data, LessonContext& context, std::optional<SplitIndices> split = {});

// The same for a run spec (its name is the label): what a lesson step hands to the run engine. The spec's
// data source describes `data`, which the lesson has made already.
TrainedModel trainModel(const RunSpec& spec, std::shared_ptr<const Dataset> data, LessonContext& context,
    std::optional<SplitIndices> split = {});

// As trainModel for the task model; when grading with a checkpoint, its weights are evaluated as they
// are instead (the split is made as trainModel would make it).
TrainedModel trainTaskModel(const std::string& label, const ModelGraph& graph, const TrainConfig& config,
    std::shared_ptr<const Dataset> data, LessonContext& context, std::optional<SplitIndices> split = {});

// Evaluates a trained model on `rows` of `data` (loss and `config`'s metrics).
Evaluation evaluateRows(
    const TrainedModel& model, const Dataset& data, const torch::Tensor& rows, const TrainConfig& config);

// Input (inputs) -> Dense hidden[0] -> ... -> [Dropout] -> Dense outputs -> Output, for the lessons'
// demonstration networks.
ModelGraph denseNetwork(const std::string& name, std::int64_t inputs, const std::vector<std::int64_t>& hidden,
    const std::string& activation, std::int64_t outputs, const std::string& outputActivation,
    double dropout = 0);

// "0.9931"
std::string fixed(double value, int decimals = 4);

} // namespace neurino::exercises
