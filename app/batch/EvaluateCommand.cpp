#include "app/batch/Commands.h"

#include "core/eval/ConfusionMatrix.h"
#include "core/eval/Metrics.h"
#include "core/graph/Shape.h"
#include "core/run/ClassifierReport.h"
#include "core/run/DataSource.h"
#include "core/train/Checkpoint.h"
#include "core/train/Evaluator.h"
#include "core/train/Predictions.h"
#include "core/util/Device.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

namespace neurino::batch {

namespace {

struct EvaluateOptions {
    std::string checkpoint, data, features, targets, out, device = "auto";
    std::int64_t batchSize = 1024;
    bool json = false;
};

// The file and HDF5 paths to evaluate on: the checkpoint's paths unless the options name others.
DataSource evaluationSource(const EvaluateOptions& o, const Checkpoint& checkpoint)
{
    DataSource source = DataSource::fromFile(o.data,
        !o.features.empty()
            ? o.features
            : (checkpoint.data.featuresPath.empty() ? "features" : checkpoint.data.featuresPath),
        !o.targets.empty() ? o.targets
                           : (checkpoint.data.targetsPath.empty() ? "targets" : checkpoint.data.targetsPath));
    if (!checkpoint.data.task.empty())
        source.task = parseTask(checkpoint.data.task);
    return source;
}

// The labelled dataset of `source`. Throws DataError when it has no targets or not the checkpoint's shape.
Dataset evaluationData(const EvaluateOptions& o, const Checkpoint& checkpoint, const DataSource& source)
{
    Dataset data = *openDataSource(source, {});
    if (!data.targets.defined() && data.info.task != Task::Reconstruction)
        throw DataError("'" + o.data + "' has no targets ('" + source.targetsPath
            + "'); evaluation compares predictions "
              "with targets — use `predict` for unlabelled data");
    if (data.sampleShape() != checkpoint.data.sampleShape)
        throw DataError("the model in '" + o.checkpoint + "' was trained on samples of shape "
            + formatShape(Shape(checkpoint.data.sampleShape.begin(), checkpoint.data.sampleShape.end()))
            + " but '" + o.data + "' has "
            + formatShape(Shape(data.sampleShape().begin(), data.sampleShape().end()))
            + "; name the right --features path");
    return data;
}

// The confusion matrix and misclassified count of a classifier's evaluation.
ClassifierReport evaluationReport(const Dataset& data, const Checkpoint& checkpoint, const Evaluation& result)
{
    ClassifierSetup setup;
    setup.binary = data.info.task == Task::Binary;
    setup.classNames = data.info.classNames.empty() ? checkpoint.data.classNames : data.info.classNames;
    setup.part = "all";
    return makeClassifierReport(setup, result, torch::Tensor(), nullptr);
}

void printEvaluationJson(const EvaluateOptions& o, const Checkpoint& checkpoint, const Evaluation& result,
    const Loss& loss, const std::optional<ClassifierReport>& report)
{
    nlohmann::json doc = { { "checkpoint", o.checkpoint }, { "data", o.data }, { "epoch", checkpoint.epoch },
        { "samples", result.samples }, { "loss_function", loss.name() } };
    for (const auto& [name, value] : result.metrics)
        doc[name] = value;
    if (report) {
        doc["confusion_matrix"] = report->confusionMatrix().toJson();
        doc["misclassified"] = report->offDiagonal();
    }
    std::cout << doc.dump() << std::endl;
}

void printEvaluationText(const EvaluateOptions& o, const Checkpoint& checkpoint, const Dataset& data,
    const Evaluation& result, const Loss& loss, const std::optional<ClassifierReport>& report)
{
    std::cout << "checkpoint: " << o.checkpoint << " (" << checkpoint.graph.name() << ", epoch "
              << checkpoint.epoch << ")\n"
              << "data:       " << o.data << " (" << result.samples << " samples, "
              << taskName(data.info.task) << ")\n"
              << std::setprecision(6);
    std::cout << "loss:       " << result.metrics.at("loss") << " (" << loss.name() << ")\n";
    for (const auto& [name, value] : result.metrics)
        if (name != "loss")
            std::cout << std::left << std::setw(12) << (name + ":") << value << "\n";
    if (report)
        std::cout << "misclassified: " << report->offDiagonal() << " of " << report->samples << "\n"
                  << "\nconfusion matrix (rows: truth, columns: prediction)\n"
                  << report->confusionMatrix().toString();
    std::cout << std::flush;
}

// Every sample's scores, targets and (for classes) predicted class, to --out.
void writeEvaluationPredictions(const EvaluateOptions& o, const DataSource& source, const Evaluation& result,
    bool classes, const std::optional<ClassifierReport>& report)
{
    Predictions p;
    p.scores = result.scores;
    p.targets = result.targets;
    if (classes)
        p.predictedClass = predictedClasses(result.scores);
    p.classNames = report ? report->classLabels() : std::vector<std::string> {};
    p.attributes
        = { { "checkpoint", o.checkpoint }, { "data", o.data }, { "features", source.featuresPath } };
    writePredictions(o.out, p);
    if (!o.json)
        std::cout << "predictions: " << o.out << std::endl;
}

void run(const EvaluateOptions& o)
{
    const Checkpoint checkpoint = loadCheckpoint(o.checkpoint);
    const DataSource source = evaluationSource(o, checkpoint);
    const Dataset data = evaluationData(o, checkpoint, source);

    GraphModule module = moduleFromCheckpoint(checkpoint);
    const c10::Device device = selectDevice(o.device);
    module->to(device);
    const Loss loss(
        checkpoint.config.loss, data.info.task, module->outputActivation(), checkpoint.config.huberDelta);
    EvaluationOptions options;
    options.batchSize = o.batchSize;
    options.device = device;
    options.metrics = checkpoint.config.metrics;
    const Evaluation result = evaluateModel(module, loss, data, torch::arange(data.size(), torch::kInt64),
        checkpoint.standardizer.fitted() ? &checkpoint.standardizer : nullptr, options);

    const bool classes = data.info.task == Task::Binary || data.info.task == Task::Classification;
    std::optional<ClassifierReport> report;
    if (classes)
        report = evaluationReport(data, checkpoint, result);
    if (o.json)
        printEvaluationJson(o, checkpoint, result, loss, report);
    else
        printEvaluationText(o, checkpoint, data, result, loss, report);
    if (!o.out.empty())
        writeEvaluationPredictions(o, source, result, classes, report);
}

} // namespace

void addEvaluateCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<EvaluateOptions>();
    CLI::App* cmd = app.add_subcommand("evaluate",
        "Evaluate a checkpoint on a labelled HDF5 dataset: loss, "
        "accuracy, AUC for binary tasks, confusion matrix");
    cmd->add_option("--checkpoint,-c", o->checkpoint, "Checkpoint (checkpoint.h5 or best.h5 of a run)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--data,-d", o->data, "Dataset file (HDF5)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--features", o->features, "HDF5 path of the features (default: as in training)");
    cmd->add_option("--targets", o->targets, "HDF5 path of the targets (default: as in training)");
    cmd->add_option("--out,-o", o->out, "Write every sample's prediction to this file (.h5, or .csv)");
    cmd->add_option("--batch-size,-b", o->batchSize, "Samples per batch")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--device", o->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_flag("--json", o->json, "Print one JSON object instead of text");
    cmd->callback([o, &exitCode] {
        run(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
