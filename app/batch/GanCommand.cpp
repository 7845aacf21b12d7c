// neurino-batch gan train | sample: generative adversarial networks, judged by their physics.
#include "app/batch/Commands.h"
#include "app/batch/ProgressPrinter.h"
#include "app/batch/SchemaOptions.h"

#include "core/data/DatasetFile.h"
#include "core/gan/GanTrainer.h"
#include "core/graph/ModelJson.h"
#include "core/io/ReadLimits.h"
#include "core/run/DataSource.h"
#include "core/run/GanRun.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/StructSchema.h"

#include "datasets/Catalog.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <unistd.h>

namespace neurino::batch {

namespace {

struct GanTrainOptions {
    std::string generator, discriminator, data, features = "features", targets, out, config, spec;
    // The GanConfig options (--epochs, --label-flip, ...), generated from ganConfigSchema().
    std::shared_ptr<SchemaOptions> settings;
    // Options that set more than one setting.
    std::string optimizer = "rmsprop", lrDecay = "none";
    std::vector<double> latentScale { 1.0, 5.0 };
    bool resume = false, overwrite = false;
};

// Feeds the progress bar and prints the physics figures of each epoch.
class GanConsole : public GanObserver {
public:
    explicit GanConsole(TrainingObserver& progress)
        : m_progress(progress)
    {
    }
    void onStart(const TrainStart& s) override { m_progress.onStart(s); }
    void onBatchEnd(const BatchStats& s) override { m_progress.onBatchEnd(s); }
    void onEpochEnd(const EpochStats& s) override { m_progress.onEpochEnd(s); }
    void onSamples(const GanSamples& s) override
    {
        if (!s.hasShowerComparison)
            return;
        const ShowerComparison& c = s.comparison;
        std::printf(
            "  epoch %d physics: energy chi2/NDF %.2f (%d bins), profiles within %.1f %%, central cells "
            "within %.1f %%, spread ratio %.3f x %.3f\n",
            s.epoch, c.energyChi2.chi2PerNdf(), c.energyChi2.ndf, 100 * c.profileDeviation,
            100 * c.centralCellDeviation, c.spreadRowRatio, c.spreadColumnRatio);
        std::fflush(stdout);
    }
    void onFinished(const TrainSummary& s) override { m_progress.onFinished(s); }

private:
    TrainingObserver& m_progress;
};

// The settings of --config (or `c`: the spec's, or the tutorial's defaults), with every option given on the
// command line on top.
GanConfig configFrom(const GanTrainOptions& o, const CLI::App& cmd, GanConfig c = {})
{
    if (!o.config.empty()) {
        try {
            c = GanConfig::fromJson(nlohmann::json::parse(readBoundedJsonText(o.config)));
        } catch (const nlohmann::json::exception& e) {
            throw IoError("'" + o.config + "' is not valid JSON: " + e.what());
        } catch (const Error& e) {
            throw IoError(o.config + ": " + e.what());
        }
    }
    ganConfigSchema().apply(c, o.settings->typed(), commandLineSettings());
    const auto given = [&cmd](const char* name) { return cmd.count(name) > 0; };
    if (given("--optimizer"))
        c.generatorOptimizer.name = c.discriminatorOptimizer.name = o.optimizer;
    if (given("--latent-scale")) {
        c.latentScaleLow = o.latentScale.at(0);
        c.latentScaleHigh = o.latentScale.at(1);
    }
    if (given("--lr-decay")) {
        c.schedule.kind = o.lrDecay;
        c.schedule.minLearningRate
            = 0.1 * std::min(c.generatorOptimizer.learningRate, c.discriminatorOptimizer.learningRate);
    }
    c.validate();
    return c;
}

void runTrain(const GanTrainOptions& o, const CLI::App& cmd, int& exitCode)
{
    // A --spec (as the workbench's cluster job writes it) gives both networks, the data and the settings;
    // the options given replace its parts.
    GanRunSpec spec = o.spec.empty() ? GanRunSpec() : GanRunSpec::load(o.spec);
    if (!o.data.empty())
        spec.data = DataSource::fromFile(o.data, o.features, o.targets);
    if (o.resume) {
        if (!std::filesystem::exists(o.out + "/generator.h5"))
            throw IoError("nothing to resume in '" + o.out + "': it holds no generator.h5");
    } else {
        if (!o.generator.empty())
            spec.generator = loadModel(o.generator);
        if (!o.discriminator.empty())
            spec.discriminator = loadModel(o.discriminator);
        spec.gan = configFrom(o, cmd, spec.gan);
    }
    GanRun run(spec, datasets::Catalog::instance().generatorFn());
    if (o.resume)
        run.resumeFrom(
            o.out, o.settings->given("epochs") ? jsonValueAt(o.settings->typed(), "epochs").get<int>() : 0);
    run.keepFolder(o.out,
        o.resume          ? FolderMode::Resume
            : o.overwrite ? FolderMode::Overwrite
                          : FolderMode::New);
    // Under torchrun, SLURM's srun or `neurino-batch launch`: one rank of a data-parallel run, of which
    // rank 0 alone keeps the run folder and prints.
    const bool joined = run.joinProcessGroup();
    const bool quiet = joined && run.rank() > 0;
    run.prepare();
    if (!run.folderNote().empty())
        std::cerr << "note: " << run.folderNote() << "\n";
    ProgressPrinter progress(std::cout, ::isatty(STDOUT_FILENO));
    GanConsole observer(progress);
    if (joined && !quiet) {
        GanTrainer& trainer = run.trainer();
        std::int64_t generator = 0, discriminator = 0;
        for (const auto& p : trainer.generator()->parameters())
            generator += p.numel();
        for (const auto& p : trainer.discriminator()->parameters())
            discriminator += p.numel();
        std::cout << "data-parallel: rank " << run.rank() << " of " << run.worldSize() << ", global batch "
                  << trainer.config().batchSize << ", "
                  << 4 * (generator + trainer.config().discriminatorSteps * discriminator)
                  << " bytes of float32 gradients all-reduced per step" << std::endl;
    }
    const GanSummary s = run.execute(quiet ? nullptr : &observer);
    if (!quiet)
        std::cout << summaryText(s);
    if (s.reason == StopReason::Failed)
        exitCode = 1;
}

void runSample(const std::string& run, std::int64_t events, const std::string& conditionsFrom,
    double condition, const std::string& out)
{
    auto trainer = GanTrainer::load(
        std::filesystem::is_directory(run) ? run : std::filesystem::path(run).parent_path().string());
    torch::Tensor conditions;
    if (trainer->config().conditional) {
        if (!conditionsFrom.empty()) {
            DatasetPaths paths;
            paths.readExtras = false;
            conditions = readDataset(conditionsFrom, paths).targets.to(torch::kFloat).flatten();
            events = std::min<std::int64_t>(events, conditions.size(0));
            conditions = conditions.slice(0, 0, events);
        } else if (condition > 0) {
            conditions = torch::full({ events }, condition);
        } else {
            throw DataError("this GAN is conditional: give --condition VALUE or --conditions-from DATA.h5");
        }
    }
    Dataset samples;
    samples.features = trainer->sample(events, conditions);
    samples.info.task = conditions.defined() ? Task::Images : Task::Unlabelled;
    samples.info.origin = run;
    samples.info.generator = "gan";
    samples.info.seed = trainer->config().seed;
    if (conditions.defined())
        samples.targets = conditions.reshape({ events, 1 });
    writeDataset(out, samples);
    std::cout << "wrote " << events << " generated samples of shape "
              << formatShape(std::vector<std::int64_t>(
                     samples.features.sizes().begin() + 1, samples.features.sizes().end()))
              << " to " << out << "\n";
}

} // namespace

void addGanCommand(CLI::App& app, int& exitCode)
{
    CLI::App* gan = app.add_subcommand("gan", "Train generative adversarial networks and sample from them");
    gan->require_subcommand(1);

    auto o = std::make_shared<GanTrainOptions>();
    CLI::App* train = gan->add_subcommand("train",
        "Train a generator against a discriminator; the physics of "
        "generated showers is printed and written to metrics.jsonl");
    train->option_defaults()->always_capture_default();
    train->add_option("--generator", o->generator, "Generator model (*.neurino.json)")
        ->check(CLI::ExistingFile);
    train->add_option("--discriminator", o->discriminator, "Discriminator model")->check(CLI::ExistingFile);
    train->add_option("--data", o->data, "Real samples (HDF5); with --spec, instead of the spec's data")
        ->check(CLI::ExistingFile);
    train->add_option("--features", o->features, "HDF5 path of the samples (e.g. ECAL)");
    train->add_option("--targets", o->targets, "HDF5 path of the per-event condition (e.g. target), if any");
    train->add_option("--out", o->out, "Run directory")->required();
    train->add_option("--config", o->config, "GAN settings (JSON), overridden by the options given");
    train
        ->add_option("--spec", o->spec,
            "GAN run spec (JSON: both networks, the data and the settings, as Run on a Cluster writes it); "
            "the options given replace its parts")
        ->check(CLI::ExistingFile);
    o->settings = std::make_shared<SchemaOptions>(*train, ganConfigSchema().flat());
    SchemaOptions& settings = *o->settings;
    settings.add("--epochs", "epochs");
    settings.add("--batch-size", "batch_size");
    settings.add("--loss", "loss");
    train->add_option("--optimizer", o->optimizer, "Optimizer of both networks")
        ->check(CLI::IsMember(optimizerNames()));
    settings.add("--lr-generator", "generator_optimizer.learning_rate", "Generator learning rate");
    settings.add(
        "--lr-discriminator", "discriminator_optimizer.learning_rate", "Discriminator learning rate");
    settings.add("--label-flip", "label_flip");
    settings.add("--label-smoothing", "label_smoothing");
    train->add_option("--latent-scale", o->latentScale, "Latent noise scaled per event by U(a, b)")
        ->expected(2);
    settings.add("--physics-weight", "physics_weight");
    train
        ->add_option("--lr-decay", o->lrDecay,
            "none, or cosine: both rates fall to a tenth of the smaller by "
            "the last epoch")
        ->check(CLI::IsMember({ "none", "cosine" }));
    settings.add("--keep-best", "keep_best");
    settings.add("--discriminator-steps", "discriminator_steps");
    settings.add("--validation-showers", "validation_showers");
    settings.add("--conditional", "conditional", "Condition both networks on --targets (their second input)");
    settings.add("--device", "device");
    settings.add("--threads", "threads");
    settings.add("--seed", "seed");
    train->add_flag("--resume", o->resume, "Continue the run in --out up to --epochs");
    train->add_flag("--overwrite", o->overwrite, "Replace a run already in --out");
    train->callback([o, train, &exitCode] {
        if (!o->resume && o->spec.empty() && (o->generator.empty() || o->discriminator.empty()))
            throw CLI::ValidationError(
                "--generator and --discriminator are required unless --spec or --resume");
        if (o->spec.empty() && o->data.empty())
            throw CLI::RequiredError("--data (or --spec)");
        runTrain(*o, *train, exitCode);
    });

    auto run = std::make_shared<std::string>();
    auto events = std::make_shared<std::int64_t>(1000);
    auto conditionsFrom = std::make_shared<std::string>();
    auto condition = std::make_shared<double>(0.0);
    auto out = std::make_shared<std::string>();
    CLI::App* sample = gan->add_subcommand("sample", "Generate samples with a trained GAN into an HDF5 file");
    sample->option_defaults()->always_capture_default();
    sample->add_option("--checkpoint", *run, "GAN run directory (or its generator.h5)")->required();
    sample->add_option("--events", *events, "How many")->check(CLI::Range(1, 100000000));
    sample->add_option("--condition", *condition, "Condition of every sample (conditional GANs)");
    sample->add_option("--conditions-from", *conditionsFrom, "Take conditions from this dataset's targets");
    sample->add_option("--out", *out, "Output HDF5 file")->required();
    sample->callback([=] { runSample(*run, *events, *conditionsFrom, *condition, *out); });
}

} // namespace neurino::batch
