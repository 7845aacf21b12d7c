// Lesson 3, a GAN for calorimeter showers: a generator against a discriminator, judged by the physics of the
// generated showers (energy sums, average profiles).
#include "core/gan/GanTrainer.h"
#include "core/gan/ShowerValidation.h"
#include "core/train/StopToken.h"
#include "core/util/Error.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

namespace neurino::exercises {

namespace {

// Generated and real showers compared by the validation step (at most; fewer when the data set is smaller).
constexpr std::int64_t kValidationShowers = 5000;
// The GAN learns showers divided by the sampling fraction (2 %), in GeV of the primary electron: sums of
// 10-500, the scale a freshly initialised generator makes, rather than 0.2-10.
constexpr double kTrainingScale = 50.0;

Exercise definition()
{
    Exercise e;
    e.id = "calorimeter_gan";
    e.number = 3;
    e.title = "A GAN for calorimeter showers";
    e.summary = "Teach a generator to simulate electron showers in a 25×25 calorimeter image";
    e.goals = { "see how a generator and a discriminator train against each other",
        "judge generated showers as a physicist: energy sums, profiles, shower shapes",
        "read chi2/NDF of the total-energy histogram" };
    e.datasets = { { "calorimeter", {}, 10000, 300, "electron showers, 10–500 GeV, 25×25 cells" } };
    e.models = { { "calo_gan_generator", false, "start" }, { "calo_gan_discriminator", false, "reference" },
        { "calo_gan_generator_bn.neurino.json", true, "solution" },
        { "calo_gan_discriminator_bn.neurino.json", true, "solution" } };
    e.steps = {
        { "data", "Real showers", "01_data.md", ActionKind::GenerateData, "gan_samples", {}, false },
        { "train", "Train the GAN", "02_train.md", ActionKind::Train, "gan_samples", {}, true },
        { "validate", "Judge the generated showers", "03_validate.md", ActionKind::Evaluate, "shower_physics",
            { "energy_chi2", "profile_deviation" }, true },
    };
    e.checks
        = { makeCheck("energy_chi2", "energy-sum histograms: chi2 / NDF", Comparison::Less, 3.0, true, 2),
              makeCheck("profile_deviation", "largest deviation of the average profiles, central cells",
                  Comparison::LessEqual, 0.15, true) };
    e.hints = { "If the discriminator wins too early (d_real near 1, d_fake near 0), the generator stops "
                "learning: flip a few of its labels or lower its learning rate.",
        "The energy sum spans a factor of 50: let the latent scale span it too (U(0.1, 5) rather than U(1, "
        "5)), "
        "so that the generator can make a shower's energy proportional to it.",
        "Add the physics term (the energy spectrum and the profiles) to the generator's loss, and keep the "
        "epoch whose energy sums compared best: GANs do not settle on one answer.",
        "BatchNorm in the generator steadies training; watch the sample grid for mode collapse." };
    e.solution = "The tutorial's networks with BatchNorm per channel (calo_gan_generator_bn, "
                 "calo_gan_discriminator_bn) on showers in GeV of the primary, RMSprop 5e-4 falling to 2e-5, "
                 "batch 128, binary cross-entropy with 5 % label flips plus a physics term (energy spectrum "
                 "and profiles, weight 30), latent noise scaled by U(0.1, 5), the best epoch kept.";
    e.taskModelRole = "your generator";
    e.scoreCheck = "profile_deviation";
    return e;
}

GanConfig ganConfig(const LessonContext& context)
{
    const bool quick = context.options().reduced;
    GanConfig config;
    // Sixteen epochs fit a lesson: 540 s on two cores, where the reference run ended at energy chi2/NDF 2.92
    // (30 epochs, 21 minutes, reached 2.53). Twelve were not enough on two threads (3.73).
    config.epochs = sized(16, 2, quick);
    config.batchSize = 128;
    // Five times the tutorial's rate, falling along a cosine to 2e-5: fast progress first, then the networks
    // settle instead of chasing each other (at a constant 5e-4 the profiles diverged after epoch 7).
    config.generatorOptimizer.learningRate = 5e-4;
    config.discriminatorOptimizer.learningRate = 5e-4;
    config.schedule.kind = "cosine";
    config.schedule.minLearningRate = 2e-5;
    // The latent scale spans the factor 50 of the energies, so that the generator can make a shower's energy
    // proportional to it; the tutorial's U(1, 5) needs an offset that blurs the spectrum's edges.
    config.latentScaleLow = 0.1;
    config.latentScaleHigh = 5.0;
    // The energy spectrum and the average profiles join the discriminator's verdict in the generator's loss.
    config.physicsWeight = 30;
    config.keepBest = "energy_chi2_ndf";
    config.seed = context.options().seed;
    config.threads = context.options().threads;
    // The best epoch is judged on as many showers as the final check compares: a systematic difference weighs
    // more the more showers there are, so a smaller sample would favour the wrong epoch.
    config.validationShowers = sized(kValidationShowers, 100, quick);
    config.samplesShown = 16;
    return config;
}

// The lesson's training observer sees the GAN's batches and epochs; its log gets the physics of each epoch.
class GanProgress : public GanObserver {
public:
    explicit GanProgress(LessonContext& context)
        : m_context(context)
        , m_observer(context.trainingObserver())
    {
    }
    void onStart(const TrainStart& s) override
    {
        if (m_observer)
            m_observer->onStart(s);
    }
    void onBatchEnd(const BatchStats& s) override
    {
        if (m_observer)
            m_observer->onBatchEnd(s);
    }
    void onEpochEnd(const EpochStats& s) override
    {
        if (m_observer)
            m_observer->onEpochEnd(s);
    }
    void onFinished(const TrainSummary& s) override
    {
        if (m_observer)
            m_observer->onFinished(s);
    }
    void onSamples(const GanSamples& s) override
    {
        if (!s.hasShowerComparison)
            return;
        const ShowerComparison& c = s.comparison;
        m_context.log("epoch " + std::to_string(s.epoch) + ": energy chi2/NDF "
            + fixed(c.energyChi2.chi2PerNdf(), 2) + ", profiles within " + fixed(100 * c.profileDeviation, 1)
            + " %, central cells within " + fixed(100 * c.centralCellDeviation, 1) + " %");
    }

private:
    LessonContext& m_context;
    TrainingObserver* m_observer;
};

class CalorimeterGanLesson : public Lesson {
public:
    CalorimeterGanLesson()
        : m_exercise(definition())
    {
    }
    const Exercise& exercise() const override { return m_exercise; }

    void runStep(const Step& step, LessonContext& context) override
    {
        if (step.id == "data")
            m_data = generateDataset(m_exercise.datasets[0], context);
        else if (step.id == "train")
            train(context);
        else if (step.id == "validate")
            validate(context);
    }

private:
    void train(LessonContext& context)
    {
        const RunOptions& options = context.options();
        const ModelGraph generator
            = taskModel(m_exercise, context, "calo_gan_generator", "calo_gan_generator_bn.neurino.json");
        // The tutorial's discriminator judges the tutorial's generator; the improved one every other.
        const bool tutorial = !options.solution && options.taskModelPath.empty();
        const ModelGraph discriminator = loadLessonModel(
            m_exercise, tutorial ? "calo_gan_discriminator" : "calo_gan_discriminator_bn.neurino.json");
        const GanConfig config = ganConfig(context);
        m_gan = std::make_unique<GanTrainer>(generator, discriminator, config);
        context.log("training the generator '" + generator.name() + "' ("
            + std::to_string(generator.parameterCount().total()) + " parameters) against '"
            + discriminator.name() + "' (" + std::to_string(discriminator.parameterCount().total()) + ") for "
            + std::to_string(config.epochs) + " epochs on " + std::to_string(m_data->size()) + " showers");
        GanProgress progress(context);
        const GanSummary summary
            = m_gan->train(m_data->features * kTrainingScale, {}, &progress, context.stopToken());
        if (summary.reason == StopReason::Cancelled)
            throw TrainError("training of the GAN was stopped");
        if (summary.reason == StopReason::Failed)
            throw TrainError("the GAN failed: " + summary.message);
        context.log("trained " + std::to_string(summary.epochsCompleted) + " epochs ("
            + fixed(summary.seconds, 1) + " s)");
        if (summary.bestEpoch > 0)
            context.log("kept the networks of epoch " + std::to_string(summary.bestEpoch)
                + ", whose energy sums " + "compared best (chi2/NDF "
                + fixed(summary.bestMetrics.at(config.keepBest), 2) + " on "
                + std::to_string(config.validationShowers) + " showers)");
    }

    void validate(LessonContext& context)
    {
        const std::int64_t count = std::min<std::int64_t>(m_data->size(), kValidationShowers);
        const auto generated = m_gan->sample(count) / kTrainingScale;
        const auto real = m_data->features.slice(0, 0, count);
        const ShowerComparison c = compareShowers(showerStats(real), showerStats(generated));
        context.log("compared " + std::to_string(count) + " generated showers with as many real ones; energy "
            + "sums in " + std::to_string(c.energyChi2.ndf + 1) + " bins");
        context.observe("central cell deviation of the average image", c.centralCellDeviation);
        context.observe("spread ratio across (generated / real)", c.spreadRowRatio);
        context.observe("spread ratio along (generated / real)", c.spreadColumnRatio);
        context.record("energy_chi2", c.energyChi2.chi2PerNdf());
        context.record("profile_deviation", c.profileDeviation);
    }

    Exercise m_exercise;
    std::shared_ptr<const Dataset> m_data;
    std::unique_ptr<GanTrainer> m_gan;
};

} // namespace

std::unique_ptr<Lesson> makeCalorimeterGanLesson()
{
    return std::make_unique<CalorimeterGanLesson>();
}

} // namespace neurino::exercises
