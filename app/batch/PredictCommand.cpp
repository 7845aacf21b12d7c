#include "app/batch/Commands.h"

#include "core/eval/Metrics.h"
#include "core/run/DataSource.h"
#include "core/train/Checkpoint.h"
#include "core/train/Evaluator.h"
#include "core/train/Predictions.h"
#include "core/util/Device.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <iostream>
#include <memory>

namespace neurino::batch {

namespace {

struct PredictOptions {
    std::string checkpoint, data, features, out, device = "auto";
    std::int64_t batchSize = 1024;
};

void run(const PredictOptions& o)
{
    const Checkpoint checkpoint = loadCheckpoint(o.checkpoint);
    // Predictions need no targets.
    DataSource source = DataSource::fromFile(o.data,
        !o.features.empty()
            ? o.features
            : (checkpoint.data.featuresPath.empty() ? "features" : checkpoint.data.featuresPath),
        /*targets=*/"");
    source.task = Task::Unlabelled;
    const Dataset data = *openDataSource(source, {});
    if (data.sampleShape() != checkpoint.data.sampleShape)
        throw DataError("'" + o.data + "' dataset '" + source.featuresPath
            + "' does not have the sample shape the model was trained on; name the right --features path");
    GraphModule module = moduleFromCheckpoint(checkpoint);
    const c10::Device device = selectDevice(o.device);
    module->to(device);
    Predictions p;
    p.scores = predict(module, data.features,
        checkpoint.standardizer.fitted() ? &checkpoint.standardizer : nullptr, device, o.batchSize);
    const Task task = checkpoint.data.task.empty() ? Task::Regression : parseTask(checkpoint.data.task);
    if (task == Task::Binary || task == Task::Classification) {
        p.predictedClass = predictedClasses(p.scores);
        p.classNames = checkpoint.data.classNames;
    }
    p.attributes
        = { { "checkpoint", o.checkpoint }, { "data", o.data }, { "features", source.featuresPath } };
    writePredictions(o.out, p);
    std::cout << "wrote " << p.scores.size(0) << " predictions of " << checkpoint.graph.name() << " to "
              << o.out << std::endl;
}

} // namespace

void addPredictCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<PredictOptions>();
    CLI::App* cmd = app.add_subcommand("predict",
        "Run a checkpoint's model on every sample of an HDF5 dataset "
        "and write the outputs (.h5, or .csv)");
    cmd->add_option("--checkpoint,-c", o->checkpoint, "Checkpoint (checkpoint.h5 or best.h5 of a run)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--data,-d", o->data, "Dataset file (HDF5)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--features", o->features, "HDF5 path of the features (default: as in training)");
    cmd->add_option("--out,-o", o->out, "Output file: predictions.h5 or predictions.csv")->required();
    cmd->add_option("--batch-size,-b", o->batchSize, "Samples per batch")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--device", o->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->callback([o, &exitCode] {
        run(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
