#include "app/batch/Commands.h"
#include "app/batch/ProgressPrinter.h"
#include "app/batch/SchemaOptions.h"

#include "core/graph/ModelJson.h"
#include "core/run/DataSource.h"
#include "core/run/RunFolderWriter.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/StructSchema.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

#include <unistd.h>

namespace neurino::batch {

namespace {

// Set by SIGINT/SIGTERM; the run then stops after the current batch and keeps its last checkpoint.
std::atomic<bool> g_interrupted { false };

extern "C" void onInterrupt(int signal)
{
    g_interrupted = true;
    // A second Ctrl-C ends the process at once.
    std::signal(signal, SIG_DFL);
}

// Turns the signal flag into a StopToken request from the training thread (a signal handler may not lock).
class InterruptWatcher : public TrainingObserver {
public:
    explicit InterruptWatcher(StopToken& stop)
        : m_stop(stop)
    {
    }
    void onBatchEnd(const BatchStats&) override
    {
        if (g_interrupted)
            m_stop.requestStop();
    }

private:
    StopToken& m_stop;
};

struct TrainOptions {
    std::string model, data, features = "features", targets = "targets", task, out, config;
    int patience = 0;
    bool resume = false, overwrite = false, quiet = false;
    // The TrainConfig options (--epochs, --lr, ...), generated from trainConfigSchema().
    std::shared_ptr<SchemaOptions> settings;
    // Read when resuming: the typed --epochs, --device and --threads over TrainConfig's defaults.
    int epochs = 10;
    std::string device = "auto";
    int threads = 0;
};

// The training config: a --config file or the defaults, then every option the user typed on top.
TrainConfig buildConfig(const TrainOptions& o, const CLI::App& cmd)
{
    TrainConfig c = o.config.empty()
        ? TrainConfig()
        : TrainConfig::fromJson(nlohmann::json::parse(readTextFile(o.config)), "'" + o.config + "'");
    trainConfigSchema().apply(c, o.settings->typed(), commandLineSettings());
    if (cmd.count("--patience")) {
        c.earlyStopping.enabled = o.patience > 0;
        c.earlyStopping.patience = o.patience;
        if (o.patience > 0 && c.validationSplit <= 0)
            c.earlyStopping.monitor = "loss";
    }
    c.validate();
    return c;
}

// The typed options over the defaults, for what run() reads when resuming.
void takeResumeOptions(TrainOptions& o)
{
    TrainConfig typed;
    trainConfigSchema().apply(typed, o.settings->typed(), commandLineSettings());
    o.epochs = typed.epochs;
    o.device = typed.device;
    o.threads = typed.threads;
}

void run(const TrainOptions& o, const CLI::App& cmd)
{
    namespace fs = std::filesystem;
    const std::string checkpointPath = (fs::path(o.out) / "checkpoint.h5").string();
    std::unique_ptr<Trainer> trainer;
    std::string features = o.features, targets = o.targets;
    if (o.resume) {
        const Checkpoint saved = loadCheckpoint(checkpointPath);
        TrainConfig config = saved.config;
        if (cmd.count("--epochs"))
            config.epochs = o.epochs;
        if (cmd.count("--device"))
            config.device = o.device;
        if (cmd.count("--threads"))
            config.threads = o.threads;
        for (const char* fixed : { "--model", "--config", "--batch-size", "--optimizer", "--lr", "--loss",
                 "--val-split", "--test-split", "--seed", "--patience", "--schedule", "--l2" })
            if (cmd.count(fixed))
                std::cerr << "note: " << fixed
                          << " is ignored when resuming; the run keeps its saved setting\n";
        if (config.epochs <= saved.epoch)
            throw TrainError("the run in '" + o.out + "' has completed " + std::to_string(saved.epoch)
                + " epochs already; pass --epochs N with N > " + std::to_string(saved.epoch)
                + " to train further");
        if (!cmd.count("--features") && !saved.data.featuresPath.empty())
            features = saved.data.featuresPath;
        if (!cmd.count("--targets") && !saved.data.targetsPath.empty())
            targets = saved.data.targetsPath;
        trainer = std::make_unique<Trainer>(saved, config);
    } else {
        if (o.model.empty())
            throw CLI::RequiredError("--model (or --resume to continue the run in --out)");
        trainer = std::make_unique<Trainer>(loadModel(o.model), buildConfig(o, cmd));
    }
    if (!o.quiet)
        std::cout << "loading " << o.data << std::endl;
    DataSource source = DataSource::fromFile(o.data, features, targets);
    if (!o.task.empty())
        source.task = parseTask(o.task);
    trainer->setData(openDataSource(source, {}));
    trainer->setDataSource(o.data, features, targets);

    RunFolderWriter runDir(o.out, *trainer, o.resume, o.overwrite);
    ProgressPrinter progress(std::cout, ::isatty(STDOUT_FILENO) != 0);
    StopToken stop;
    InterruptWatcher interrupts(stop);
    ObserverList observers;
    observers.add(&runDir);
    observers.add(&interrupts);
    if (!o.quiet)
        observers.add(&progress);

    g_interrupted = false;
    auto previousInt = std::signal(SIGINT, onInterrupt);
    auto previousTerm = std::signal(SIGTERM, onInterrupt);
    TrainSummary summary;
    try {
        summary = trainer->fit(&observers, &stop);
    } catch (...) {
        std::signal(SIGINT, previousInt);
        std::signal(SIGTERM, previousTerm);
        throw;
    }
    std::signal(SIGINT, previousInt);
    std::signal(SIGTERM, previousTerm);
    if (!o.quiet)
        std::cout << "run folder: " << o.out
                  << " (config.json, metrics.jsonl, checkpoint.h5, best.h5, summary.txt)" << std::endl;
    if (summary.reason == StopReason::Cancelled)
        throw TrainError("interrupted after " + std::to_string(summary.epochsCompleted)
            + " completed epoch(s); continue with: neurino-batch train --resume --out " + o.out + " --data "
            + o.data);
}

} // namespace

void addTrainCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<TrainOptions>();
    CLI::App* cmd = app.add_subcommand("train",
        "Train a model on an HDF5 dataset and keep the run in a folder: config.json, metrics.jsonl "
        "(one line per epoch), checkpoint.h5 (resumable), best.h5 and summary.txt");
    cmd->add_option("--model,-m", o->model, "Model file (*.neurino.json)")->check(CLI::ExistingFile);
    cmd->add_option("--data,-d", o->data, "Dataset file (HDF5)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--features", o->features, "HDF5 path of the features in the data file")
        ->capture_default_str();
    cmd->add_option("--targets", o->targets, "HDF5 path of the targets in the data file")
        ->capture_default_str();
    cmd->add_option("--task", o->task, "Override the data's task")
        ->check(CLI::IsMember({ "classification", "binary", "regression", "images" }));
    cmd->add_option("--out,-o", o->out, "Run folder (created if needed)")->required();
    cmd->add_option(
           "--config", o->config, "Training config JSON (TrainConfig); options given here override it")
        ->check(CLI::ExistingFile);
    o->settings = std::make_shared<SchemaOptions>(*cmd, trainConfigSchema().flat());
    SchemaOptions& settings = *o->settings;
    settings.add("--epochs,-e", "epochs", "Epochs to train (in all, when resuming)");
    settings.add("--batch-size,-b", "batch_size");
    settings.add("--optimizer", "optimizer.name", "Optimizer");
    settings.add("--lr", "optimizer.learning_rate");
    settings.add("--loss", "loss");
    settings.add("--metrics", "metrics", "Metrics (default: from the task)");
    settings.add("--val-split", "validation_split");
    settings.add("--test-split", "test_split");
    cmd->add_option("--patience", o->patience,
           "Early stopping on val_loss after this many epochs without "
           "improvement, restoring the best weights (0: off)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    settings.add("--schedule", "schedule.kind", "Learning-rate schedule (defaults of the config)");
    settings.add("--l2", "l2");
    settings.add("--clip-norm", "clip_norm");
    settings.add("--seed", "seed");
    settings.add("--device", "device");
    settings.add("--threads", "threads");
    cmd->add_flag("--resume", o->resume, "Continue the run in --out from its checkpoint.h5");
    cmd->add_flag("--overwrite", o->overwrite, "Replace a run already in --out");
    cmd->add_flag("--quiet,-q", o->quiet, "No progress output");
    cmd->callback([o, cmd, &exitCode] {
        takeResumeOptions(*o);
        run(*o, *cmd);
        exitCode = 0;
    });
}

} // namespace neurino::batch
