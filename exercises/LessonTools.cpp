#include "exercises/LessonTools.h"

#include "core/analysis/Importance.h"
#include "core/graph/ModelJson.h"
#include "core/run/DataSource.h"
#include "core/run/Run.h"
#include "core/train/Checkpoint.h"
#include "core/train/Loss.h"
#include "core/train/StopToken.h"
#include "core/train/Trainer.h"
#include "core/util/Device.h"
#include "datasets/Catalog.h"
#include "exercises/ExerciseError.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <limits>

namespace neurino::exercises {

namespace {

// Where a lesson's generated data came from, for the run spec (the data itself is handed over made).
DataSource lessonDataSource(const DatasetInfo& info)
{
    if (info.generator.empty())
        return DataSource::fromFile(info.origin);
    const nlohmann::json options
        = info.optionsJson.empty() ? nlohmann::json::object() : nlohmann::json::parse(info.optionsJson);
    return DataSource::fromGenerator(info.generator, options, 0, info.seed);
}

SplitIndices splitFor(const TrainConfig& config, const Dataset& data)
{
    const SplitFractions fractions { config.validationSplit, config.testSplit };
    const bool classes = data.info.task == Task::Binary || data.info.task == Task::Classification;
    return config.stratify && classes ? makeStratifiedSplit(data.targets, fractions, config.seed)
                                      : makeSplit(data.size(), fractions, config.seed);
}

std::string metricsText(const Evaluation& evaluation)
{
    std::string text;
    for (const auto& [name, value] : orderedMetrics(evaluation.metrics))
        text += (text.empty() ? "" : ", ") + name + " " + fixed(value);
    return text;
}

// Hands a classifier's held-out judgement to the session, for the views beside the step.
void publishEvaluation(const TrainedModel& model, const Dataset& data, bool test, LessonContext& context)
{
    const Task task = data.info.task;
    if (task != Task::Binary && task != Task::Classification)
        return;
    context.evaluated(
        judge(model.label, test ? "test" : "validation", model.heldOut, task, data.info.classNames));
}

} // namespace

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::int64_t eventsFor(const DatasetSpec& spec, const RunOptions& options, bool mainDataset)
{
    if (mainDataset && options.events > 0)
        return options.events;
    if (options.reduced && spec.reducedEvents > 0)
        return spec.reducedEvents;
    return spec.events;
}

std::shared_ptr<const Dataset> generateDataset(
    const DatasetSpec& spec, LessonContext& context, bool mainDataset)
{
    const DataSource source = DataSource::fromGenerator(spec.generator, spec.options,
        eventsFor(spec, context.options(), mainDataset), context.options().seed);
    std::shared_ptr<const Dataset> data = openDataSource(source, datasets::Catalog::instance().generatorFn());
    context.log("generated " + std::to_string(data->size()) + " events of '" + spec.generator + "' (seed "
        + std::to_string(context.options().seed) + ")" + (spec.purpose.empty() ? "" : ": " + spec.purpose));
    return data;
}

ModelGraph loadLessonModel(const Exercise& exercise, const std::string& name)
{
    for (const auto& ref : exercise.models)
        if (ref.name == name)
            return loadModel(ref.path(exercise.id));
    throw ExerciseError("exercise '" + exercise.id + "' has no model '" + name + "'");
}

ModelGraph taskModel(const Exercise& exercise, const LessonContext& context, const std::string& start,
    const std::string& solution)
{
    const RunOptions& options = context.options();
    if (!options.taskModelPath.empty())
        return loadModel(options.taskModelPath);
    return loadLessonModel(exercise, options.solution ? solution : start);
}

torch::Tensor TrainedModel::predict(const torch::Tensor& features) const
{
    GraphModule m = module;
    return neurino::predict(m, features, standardizer.fitted() ? &standardizer : nullptr);
}

torch::Tensor TrainedModel::standardised(const torch::Tensor& features) const
{
    const torch::Tensor x = features.to(torch::kCPU, torch::kFloat);
    return standardizer.fitted() ? standardizer.apply(x) : x;
}

ModelImportance explain(const TrainedModel& model, const Dataset& data, const torch::Tensor& rows)
{
    ModelImportance result;
    result.label = model.label;
    result.classNames = data.info.classNames;
    GraphModule module = model.module;
    const torch::Tensor raw = data.features.index_select(0, rows.to(torch::kLong));
    if (raw.dim() == 2) {
        const torch::Tensor targets
            = data.targets.defined() ? data.targets.index_select(0, rows.to(torch::kLong)) : torch::Tensor();
        result.features = featureImportance(
            module, model.standardised(raw), targets, data.info.task, data.info.featureNames);
        return result;
    }
    const torch::Tensor image = raw[0].to(torch::kCPU, torch::kFloat);
    result.maps = imageImportance(module, model.standardised(raw.slice(0, 0, 1))[0], -1);
    const torch::Tensor first = (image.dim() == 3 ? image[0] : image).contiguous();
    result.image.assign(first.data_ptr<float>(), first.data_ptr<float>() + first.numel());
    if (data.targets.defined() && data.targets.scalar_type() == torch::kLong)
        result.truth = static_cast<int>(data.targets[rows[0].item<std::int64_t>()].item<std::int64_t>());
    return result;
}

double TrainedModel::metric(const std::string& name) const
{
    const auto it = heldOut.metrics.find(name);
    return it == heldOut.metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

ModelEvaluation judge(const std::string& label, const std::string& part, const Evaluation& heldOut, Task task,
    const std::vector<std::string>& classNames)
{
    ClassifierSetup setup;
    setup.binary = task == Task::Binary;
    setup.classNames = classNames;
    setup.part = part;
    return { label, makeClassifierReport(setup, heldOut, torch::Tensor(), nullptr) };
}

ModelEvaluation judge(const std::string& label, const std::string& part, const torch::Tensor& scores,
    const torch::Tensor& targets, Task task, const std::vector<std::string>& classNames)
{
    Evaluation judged;
    judged.samples = scores.size(0);
    judged.scores = scores;
    judged.targets = targets;
    return judge(label, part, judged, task, classNames);
}

TrainConfig lessonConfig(TrainConfig config, const LessonContext& context)
{
    config.seed = context.options().seed;
    config.threads = context.options().threads;
    return config;
}

TrainedModel trainModel(const std::string& label, const ModelGraph& graph, const TrainConfig& config,
    std::shared_ptr<const Dataset> data, LessonContext& context, std::optional<SplitIndices> split)
{
    RunSpec spec;
    spec.name = label;
    spec.model = graph;
    spec.data = lessonDataSource(data->info);
    spec.training = config;
    return trainModel(spec, std::move(data), context, split);
}

TrainedModel trainModel(const RunSpec& spec, std::shared_ptr<const Dataset> data, LessonContext& context,
    std::optional<SplitIndices> split)
{
    const std::string& label = spec.name;
    Run run(spec);
    run.useData(data, split ? &*split : nullptr);
    Trainer& trainer = run.prepare();
    context.log("training " + label + " (" + std::to_string(trainer.parameterCount()) + " parameters; "
        + describeSplit(trainer.split()) + ")");
    context.trainerReady(trainer);
    TrainedModel out;
    out.label = label;
    out.summary = run.execute(context.trainingObserver(), context.stopToken());
    if (out.summary.reason == StopReason::Cancelled)
        throw TrainError("training of " + label + " was stopped");
    const bool test = trainer.split().testSize() > 0;
    out.heldOut = trainer.evaluate(test ? DataPart::Test : DataPart::Validation);
    out.module = trainer.module();
    out.standardizer = trainer.standardizer();
    out.split = trainer.split();
    out.history = trainer.history();
    out.parameters = trainer.parameterCount();
    context.log(label + " after " + std::to_string(out.summary.epochsCompleted) + " epochs ("
        + fixed(out.summary.seconds, 1) + " s), " + (test ? "test: " : "validation: ")
        + metricsText(out.heldOut));
    publishEvaluation(out, *data, test, context);
    return out;
}

TrainedModel trainTaskModel(const std::string& label, const ModelGraph& graph, const TrainConfig& config,
    std::shared_ptr<const Dataset> data, LessonContext& context, std::optional<SplitIndices> split)
{
    const std::string& path = context.options().taskCheckpointPath;
    if (path.empty())
        return trainModel(label, graph, config, std::move(data), context, split);

    const Checkpoint checkpoint = loadCheckpoint(path);
    TrainedModel out;
    out.label = label;
    out.module = moduleFromCheckpoint(checkpoint);
    out.standardizer = checkpoint.standardizer;
    out.history = checkpoint.history;
    out.split = split ? *split : splitFor(config, *data);
    out.parameters = checkpoint.graph.parameterCount().total();
    out.summary.epochsCompleted = checkpoint.epoch;
    const Loss loss(config.loss, data->info.task, out.module->outputActivation(), config.huberDelta);
    EvaluationOptions options;
    options.metrics = config.metrics;
    const bool test = out.split.testSize() > 0;
    out.heldOut = evaluateModel(out.module, loss, *data, test ? out.split.test : out.split.validation,
        out.standardizer.fitted() ? &out.standardizer : nullptr, options);
    context.log(label + " from checkpoint '" + path + "' (" + std::to_string(checkpoint.epoch) + " epochs), "
        + (test ? "test: " : "validation: ") + metricsText(out.heldOut));
    publishEvaluation(out, *data, test, context);
    return out;
}

Evaluation evaluateRows(
    const TrainedModel& model, const Dataset& data, const torch::Tensor& rows, const TrainConfig& config)
{
    GraphModule module = model.module;
    const Loss loss(config.loss, data.info.task, module->outputActivation(), config.huberDelta);
    EvaluationOptions options;
    options.metrics = config.metrics;
    options.keepScores = false;
    return evaluateModel(
        module, loss, data, rows, model.standardizer.fitted() ? &model.standardizer : nullptr, options);
}

ModelGraph denseNetwork(const std::string& name, std::int64_t inputs, const std::vector<std::int64_t>& hidden,
    const std::string& activation, std::int64_t outputs, const std::string& outputActivation, double dropout)
{
    ModelGraph graph;
    graph.setName(name);
    std::string previous
        = graph.addNode("Input", { { "shape", nlohmann::json::array({ inputs }) } }, "input");
    auto append = [&](const std::string& kind, const nlohmann::json& params) {
        const std::string id = graph.addNode(kind, params);
        graph.connect(previous, id);
        previous = id;
    };
    for (const std::int64_t units : hidden) {
        append("Dense", { { "units", units }, { "activation", activation } });
        if (dropout > 0)
            append("Dropout", { { "rate", dropout } });
    }
    append("Dense", { { "units", outputs }, { "activation", outputActivation } });
    append("Output", nlohmann::json::object());
    return graph;
}

} // namespace neurino::exercises
