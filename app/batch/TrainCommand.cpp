#include "app/batch/Commands.h"
#include "app/batch/ProgressPrinter.h"
#include "app/batch/SchemaOptions.h"

#include "core/graph/ModelJson.h"
#include "core/io/ReadLimits.h"
#include "core/io/WeightsFile.h"
#include "core/run/Run.h"
#include "core/run/RunFolder.h"
#include "core/train/Checkpoint.h"
#include "core/train/StopToken.h"
#include "core/train/Trainer.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/StructSchema.h"
#include "datasets/Catalog.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

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
    std::string model, data, features = "features", targets = "targets", task, out, config, spec, init;
    int patience = 0;
    bool resume = false, overwrite = false, quiet = false;
    // The TrainConfig options (--epochs, --lr, ...), generated from trainConfigSchema().
    std::shared_ptr<SchemaOptions> settings;
    // Read when resuming: the typed --epochs, --device and --threads over TrainConfig's defaults.
    int epochs = 10;
    std::string device = "auto";
    int threads = 0;
};

// `c` with every option the user typed on top.
TrainConfig withTypedOptions(TrainConfig c, const TrainOptions& o, const CLI::App& cmd)
{
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

// The training config: a --config file or the defaults, then every option the user typed on top.
TrainConfig buildConfig(const TrainOptions& o, const CLI::App& cmd)
{
    return withTypedOptions(o.config.empty()
            ? TrainConfig()
            : TrainConfig::fromJson(
                nlohmann::json::parse(readBoundedJsonText(o.config)), "'" + o.config + "'"),
        o, cmd);
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

// A resumed run's saved config: only the epochs, the device and the threads may change.
TrainConfig resumedConfig(const Checkpoint& saved, const TrainOptions& o, const CLI::App& cmd)
{
    TrainConfig config = saved.config;
    if (cmd.count("--epochs"))
        config.epochs = o.epochs;
    if (cmd.count("--device"))
        config.device = o.device;
    if (cmd.count("--threads"))
        config.threads = o.threads;
    for (const char* fixed : { "--model", "--spec", "--config", "--batch-size", "--optimizer", "--lr",
             "--loss", "--val-split", "--test-split", "--seed", "--patience", "--schedule", "--l2" })
        if (cmd.count(fixed))
            std::cerr << "note: " << fixed << " is ignored when resuming; the run keeps its saved setting\n";
    if (config.epochs <= saved.epoch)
        throw TrainError("the run in '" + o.out + "' has completed " + std::to_string(saved.epoch)
            + " epochs already; pass --epochs N with N > " + std::to_string(saved.epoch)
            + " to train further");
    return config;
}

// Where the run in `folder` got its data: the source its config.json keeps, else the file it was read from.
DataSource savedSource(const std::string& folder, const Checkpoint& saved)
{
    const std::string configPath = (std::filesystem::path(folder) / kRunConfigFile).string();
    if (std::filesystem::exists(configPath)) {
        const nlohmann::json config = nlohmann::json::parse(readBoundedJsonText(configPath));
        if (config.contains("source"))
            return DataSource::fromJson(config.at("source"), "'" + configPath + "', field 'source'");
    }
    return DataSource::fromFile(saved.data.origin,
        saved.data.featuresPath.empty() ? "features" : saved.data.featuresPath,
        saved.data.targetsPath.empty() ? "targets" : saved.data.targetsPath);
}

// The run the options describe: a --spec file, the run saved in --out (--resume), or --model on --data.
// Options typed on the command line override the spec's settings; a resumed run keeps its own.
RunSpec buildSpec(const TrainOptions& o, const CLI::App& cmd, std::optional<Checkpoint>& resume)
{
    RunSpec spec;
    if (o.resume) {
        std::string note;
        resume = loadRunCheckpoint(o.out, note);
        if (!note.empty())
            std::cerr << "note: " << note << "\n";
        spec.model = resume->graph;
        spec.training = resumedConfig(*resume, o, cmd);
        spec.data = o.data.empty()
            ? savedSource(o.out, *resume)
            : DataSource::fromFile(o.data,
                cmd.count("--features") || resume->data.featuresPath.empty() ? o.features
                                                                             : resume->data.featuresPath,
                cmd.count("--targets") || resume->data.targetsPath.empty() ? o.targets
                                                                           : resume->data.targetsPath);
    } else if (!o.spec.empty()) {
        spec = RunSpec::load(o.spec);
        spec.training = withTypedOptions(spec.training, o, cmd);
        if (!o.model.empty())
            spec.model = loadModel(o.model);
        if (!o.data.empty())
            spec.data = DataSource::fromFile(o.data, o.features, o.targets);
    } else {
        if (o.model.empty() && o.init.empty())
            throw CLI::RequiredError("--model (or --init, --spec, or --resume to continue the run in --out)");
        if (o.data.empty())
            throw CLI::RequiredError("--data (or --spec, or --resume to continue the run in --out)");
        spec.model = o.model.empty() ? readWeightsFile(o.init).graph : loadModel(o.model);
        spec.training = buildConfig(o, cmd);
        spec.data = DataSource::fromFile(o.data, o.features, o.targets);
    }
    if (!o.init.empty())
        spec.init = o.init;
    if (!o.task.empty())
        spec.data.task = parseTask(o.task);
    return spec;
}

// Restores the SIGINT and SIGTERM handlers when it goes out of scope.
class InterruptScope {
public:
    InterruptScope()
        : m_int(std::signal(SIGINT, onInterrupt))
        , m_term(std::signal(SIGTERM, onInterrupt))
    {
        g_interrupted = false;
    }
    ~InterruptScope()
    {
        std::signal(SIGINT, m_int);
        std::signal(SIGTERM, m_term);
    }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

private:
    void (*m_int)(int);
    void (*m_term)(int);
};

void run(const TrainOptions& o, const CLI::App& cmd)
{
    std::optional<Checkpoint> resume;
    Run run(buildSpec(o, cmd, resume), datasets::Catalog::instance().generatorFn());
    if (resume)
        run.resumeFrom(*resume);
    run.keepFolder(o.out,
        o.resume          ? FolderMode::Resume
            : o.overwrite ? FolderMode::Overwrite
                          : FolderMode::New);
    // Under torchrun, SLURM's srun or `neurino-batch launch`: one rank of a data-parallel run, of which
    // rank 0 alone keeps the run folder and prints.
    const bool joined = run.joinProcessGroup();
    const bool quiet = o.quiet || (joined && run.rank() > 0);
    if (!quiet)
        std::cout << "loading " << run.spec().data.describe() << std::endl;
    Trainer& trainer = run.prepare();
    if (joined && !quiet)
        std::cout << "data-parallel: rank " << run.rank() << " of " << run.worldSize() << ", global batch "
                  << trainer.config().batchSize << ", " << trainer.parameterCount() * 4
                  << " bytes of float32 gradients all-reduced per step" << std::endl;
    if (!quiet && !run.startNote().empty())
        std::cout << run.startNote() << std::endl;
    if (!run.folderNote().empty())
        std::cerr << "note: " << run.folderNote() << "\n";

    ProgressPrinter progress(std::cout, ::isatty(STDOUT_FILENO) != 0);
    StopToken stop;
    InterruptWatcher interrupts(stop);
    ObserverList observers;
    observers.add(&interrupts);
    if (!quiet)
        observers.add(&progress);
    TrainSummary summary;
    {
        InterruptScope interruptible;
        summary = run.execute(&observers, &stop);
    }
    if (!quiet)
        std::cout << "run folder: " << o.out
                  << " (config.json, metrics.jsonl, checkpoint.h5, best.h5, summary.txt)" << std::endl;
    if (summary.reason == StopReason::Cancelled)
        throw TrainError("interrupted after " + std::to_string(summary.epochsCompleted)
            + " completed epoch(s); continue with: neurino-batch train --resume --out " + o.out);
}

} // namespace

void addTrainCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<TrainOptions>();
    CLI::App* cmd = app.add_subcommand("train",
        "Train a model on an HDF5 dataset and keep the run in a folder: config.json, metrics.jsonl "
        "(one line per epoch), checkpoint.h5 (resumable), best.h5 and summary.txt");
    cmd->add_option("--model,-m", o->model, "Model file (*.neurino.json)")->check(CLI::ExistingFile);
    cmd->add_option(
           "--data,-d", o->data, "Dataset file (HDF5); a resumed run reads the data it was trained on")
        ->check(CLI::ExistingFile);
    cmd->add_option("--spec", o->spec,
           "Run spec JSON (model, data, training config, device, threads, seed), as the training panel's "
           "Save Spec writes it; options given here override its settings")
        ->check(CLI::ExistingFile);
    cmd->add_option("--features", o->features, "HDF5 path of the features in the data file")
        ->capture_default_str();
    cmd->add_option("--targets", o->targets, "HDF5 path of the targets in the data file")
        ->capture_default_str();
    cmd->add_option("--task", o->task, "Override the data's task")
        ->check(CLI::IsMember({ "classification", "binary", "regression", "images", "reconstruction" }));
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
    cmd->add_option("--init", o->init,
           "Start from the weights in this checkpoint, Keras model (.h5) or ONNX model (.onnx), matched to "
           "the model's nodes by id and shape (fine-tuning); the file's graph is the model unless --model "
           "or --spec names one")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--resume", o->resume, "Continue the run in --out from its checkpoint.h5")
        ->excludes("--init");
    cmd->add_flag("--overwrite", o->overwrite, "Replace a run already in --out");
    cmd->add_flag("--quiet,-q", o->quiet, "No progress output");
    cmd->callback([o, cmd, &exitCode] {
        takeResumeOptions(*o);
        run(*o, *cmd);
        exitCode = 0;
    });
}

} // namespace neurino::batch
