// GanTrainer::train() and its steps: the data check, the epochs, the discriminator and generator updates of
// a batch, the end of an epoch and of the run.
#include "core/gan/GanTrainer.h"

#include "core/dist/DistGroup.h"
#include "core/dist/GradientBuckets.h"
#include "core/dist/RankPause.h"
#include "core/graph/ModelJson.h"
#include "core/train/Optimizers.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

namespace neurino {

namespace {

// Training batches of latent noise (at most; no more than an epoch has) whose BatchNorm statistics the
// generator uses for sampling.
constexpr std::int64_t kStatisticsBatches = 20;

// The conditions of a batch of real samples followed by as many generated ones.
torch::Tensor pair(const torch::Tensor& conditions)
{
    return conditions.defined() ? torch::cat({ conditions, conditions }) : conditions;
}

} // namespace

// What one train() call trains on and with.
struct GanTrainer::Run {
    Run(const torch::Tensor& data, GanObserver* runObserver, const StopToken* stopToken)
        : realData(data)
        , observer(runObserver)
        , stop(stopToken)
    {
    }
    torch::Tensor realData; // as given: the epoch's samples compare with it
    GanObserver* observer;
    const StopToken* stop;
    torch::Tensor conditions; // of a conditional GAN: (N, 1), raw
    torch::Tensor real, scaledConditions; // on the device
    std::int64_t n = 0, batch = 0, batches = 0;
    std::optional<LrSchedule> generatorSchedule, discriminatorSchedule;
    NodeTensors goodGenerator, goodDiscriminator; // at the start of the epoch
    bool bce = false;
    std::optional<ShowerReference> reference; // with the physics term
    torch::TensorOptions opts;
    GanSummary summary;
    // The current global batch's size and this rank's rows of it, [from, to) (all of them when alone).
    std::int64_t global = 0, from = 0, to = 0;
    // This rank's rows of a tensor drawn for the whole global batch.
    torch::Tensor mine(const torch::Tensor& whole) const
    {
        return to - from == global ? whole : whole.slice(0, from, to);
    }
};

// One epoch's running sums.
struct GanTrainer::EpochTally {
    int epoch = 0;
    SteadyClock::time_point start;
    double sumD = 0, sumG = 0, sumReal = 0, sumFake = 0;
    std::int64_t seen = 0;
};

// The discriminator's loss on a batch and its mean outputs for the real and generated halves.
struct GanTrainer::CriticStep {
    torch::Tensor loss, realOut, fakeOut;
};

GanSummary GanTrainer::train(const torch::Tensor& realData, const torch::Tensor& conditionData,
    GanObserver* observer, const StopToken* stop)
{
    const FreedMemoryRelease release; // last to go, after the run's tensors
    const auto runStart = SteadyClock::now();
    try {
        return trainEpochs(realData, conditionData, observer, stop);
    } catch (const Error& e) {
        GanSummary failed;
        failed.reason = StopReason::Failed;
        failed.epochsCompleted = m_epochsDone;
        failed.message = e.what();
        failed.seconds = secondsSince(runStart);
        if (observer)
            observer->onFinished(failed);
        throw;
    }
}

void GanTrainer::failNonFinite(const std::string& network, double value, int epoch, std::int64_t batch,
    std::int64_t batches, const NodeTensors& goodGenerator, const NodeTensors& goodDiscriminator)
{
    loadWeights(m_generator, goodGenerator, "the last good epoch");
    loadWeights(m_discriminator, goodDiscriminator, "the last good epoch");
    std::ostringstream rates;
    rates << learningRate(*m_generatorOptimizer) << " for the generator, "
          << learningRate(*m_discriminatorOptimizer) << " for the discriminator";
    throw TrainError("training stopped: the " + network + " loss became "
        + (std::isnan(value) ? "NaN" : "infinite") + " at epoch " + std::to_string(epoch) + ", batch "
        + std::to_string(batch) + " of " + std::to_string(batches) + " (learning rates " + rates.str()
        + "). The learning rates are probably too high: lower them (e.g. by 10x) or use wgan-gp. The "
          "networks keep the last good weights (those at the start of epoch "
        + std::to_string(epoch) + ").");
}

GanSummary GanTrainer::trainEpochs(const torch::Tensor& realData, const torch::Tensor& conditionData,
    GanObserver* observer, const StopToken* stop)
{
    const auto runStart = SteadyClock::now();
    Run run(realData, observer, stop);
    takeData(run, conditionData);
    startRun(run);
    for (int epoch = m_epochsDone + 1; epoch <= m_config.epochs; ++epoch)
        if (!runEpoch(run, epoch))
            break;
    keepBestNetworks(run.summary);
    run.summary.seconds = secondsSince(runStart);
    if (observer)
        observer->onFinished(run.summary);
    return run.summary;
}

void GanTrainer::takeData(Run& run, const torch::Tensor& conditionData)
{
    const torch::Tensor& realData = run.realData;
    const Shape made = m_generator->shapes().at(m_generatorGraph.outputNode());
    const std::vector<std::int64_t> sampleShape(realData.sizes().begin() + 1, realData.sizes().end());
    if (realData.dim() < 2 || sampleShape != made)
        throw DataError("the data's samples have shape " + formatShape(sampleShape)
            + " but the generator makes " + formatShape(made));
    const std::int64_t n = realData.size(0);
    if (n < 2)
        throw DataError("a GAN needs at least two real samples");
    if (m_config.conditional) {
        if (!conditionData.defined() || conditionData.numel() != n)
            throw DataError("a conditional GAN needs one condition per sample (" + std::to_string(n)
                + "), e.g. the "
                  "primary energy as the dataset's targets");
        run.conditions = conditionData.to(torch::kFloat).reshape({ n, 1 });
        if (m_epochsDone == 0)
            m_conditionScale = m_config.conditionScale > 0
                ? m_config.conditionScale
                : 1.0 / std::max(run.conditions.abs().max().item<double>(), 1e-12);
    }
    run.n = n;
    run.real = realData.to(m_device, torch::kFloat);
    run.scaledConditions
        = run.conditions.defined() ? (run.conditions * m_conditionScale).to(m_device) : torch::Tensor();
    run.batch = std::min(m_config.batchSize, n);
    // A last batch of one sample would break BatchNorm; it is left out (shuffling changes which one). So is
    // one that would leave a rank of a distributed run fewer than two samples.
    const std::int64_t ranks = m_dist ? m_dist->size() : 1;
    run.batches = n / run.batch + (n % run.batch >= 2 * ranks ? 1 : 0);
}

void GanTrainer::startRun(Run& run)
{
    if (m_epochsDone == 0)
        m_random.reseed(m_config.seed);
    const ThreadChoice threads = chooseCpuThreads(run);
    if (run.observer) {
        TrainStart start;
        start.firstEpoch = m_epochsDone + 1;
        start.epochs = m_config.epochs;
        start.batchesPerEpoch = run.batches;
        start.trainSamples = run.n;
        start.parameters
            = m_generatorGraph.parameterCount().total() + m_discriminatorGraph.parameterCount().total();
        start.device = describeDevice(m_device);
        start.threads = threads.describe();
        run.observer->onStart(start);
    }
    run.goodGenerator = copyWeights(m_generator);
    run.goodDiscriminator = copyWeights(m_discriminator);
    run.generatorSchedule.emplace(
        m_config.schedule, m_config.generatorOptimizer.learningRate, m_config.epochs);
    run.discriminatorSchedule.emplace(
        m_config.schedule, m_config.discriminatorOptimizer.learningRate, m_config.epochs);
    if (m_scheduleState.is_object()) {
        run.generatorSchedule->restore(m_scheduleState.value("generator", nlohmann::json()));
        run.discriminatorSchedule->restore(m_scheduleState.value("discriminator", nlohmann::json()));
    }
    run.bce = m_config.loss == "bce";
    run.reference = physicsReference(run.real);
    run.opts = torch::TensorOptions().device(m_device);
    if (m_dist && !m_generatorBuckets)
        joinRanks(run.batch);
}

ThreadChoice GanTrainer::chooseCpuThreads(const Run& run)
{
    const std::string workload = "gan|" + modelToJson(m_generatorGraph).dump() + "|"
        + modelToJson(m_discriminatorGraph).dump() + "|batch " + std::to_string(run.batch) + "|"
        + m_config.generatorOptimizer.name + "|" + m_config.discriminatorOptimizer.name + "|"
        + std::to_string(m_config.discriminatorSteps);
    return chooseRunThreads(
        m_config.threads, m_device.is_cpu(), workload, [&] { return threadProbeStep(run); });
}

// One batch of a throwaway copy of both networks, with optimizers of the run's kinds and random numbers of
// its own: the discriminator's steps on real and generated samples, then the generator's. The losses are
// plain means of the logits (a loss of a few hundred numbers costs nothing beside the networks), and a
// gradient penalty is left out: it roughly doubles the discriminator's step at every thread count alike.
std::function<void()> GanTrainer::threadProbeStep(const Run& run) const
{
    auto random = std::make_shared<RandomStream>(m_config.seed);
    RandomStream::Scope scope(*random);
    GraphModule generator(m_generatorGraph), discriminator(m_discriminatorGraph);
    generator->train();
    discriminator->train();
    std::shared_ptr<torch::optim::Optimizer> generatorOptimizer
        = makeOptimizer(m_config.generatorOptimizer, generator->parameters());
    std::shared_ptr<torch::optim::Optimizer> discriminatorOptimizer
        = makeOptimizer(m_config.discriminatorOptimizer, discriminator->parameters());
    const torch::Tensor x = run.real.slice(0, 0, run.batch);
    const torch::Tensor c
        = run.scaledConditions.defined() ? run.scaledConditions.slice(0, 0, run.batch) : torch::Tensor();
    const bool conditional = m_config.conditional;
    const std::int64_t latentSize = m_latentSize;
    const int criticSteps = m_config.discriminatorSteps;
    return [=]() mutable {
        RandomStream::Scope inner(*random);
        const auto make = [&](const torch::Tensor& z) {
            return conditional ? generator->forward({ z, c }) : generator->forward(z);
        };
        const auto judge = [&](const torch::Tensor& samples, const torch::Tensor& cond) {
            return conditional ? discriminator->forwardLogits({ samples, cond })
                               : discriminator->forwardLogits(samples);
        };
        const torch::Tensor z = torch::randn({ x.size(0), latentSize }, x.options());
        for (int step = 0; step < criticSteps; ++step) {
            torch::Tensor fake;
            {
                torch::NoGradGuard noGrad;
                fake = make(z);
            }
            discriminatorOptimizer->zero_grad();
            judge(torch::cat({ x, fake }), pair(c)).mean().backward();
            discriminatorOptimizer->step();
        }
        generatorOptimizer->zero_grad();
        judge(make(z), c).mean().backward();
        generatorOptimizer->step();
    };
}

bool GanTrainer::runEpoch(Run& run, int epoch)
{
    EpochTally tally;
    tally.epoch = epoch;
    tally.start = SteadyClock::now();
    setLearningRate(*m_generatorOptimizer, run.generatorSchedule->rateForEpoch(epoch - 1));
    setLearningRate(*m_discriminatorOptimizer, run.discriminatorSchedule->rateForEpoch(epoch - 1));
    torch::Generator shuffler = at::detail::createCPUGenerator(m_config.seed * 1000003ULL + epoch);
    const torch::Tensor order = torch::randperm(run.n, shuffler, torch::kLong).to(m_device);
    m_generator->train();
    m_discriminator->train();
    for (std::int64_t b = 0; b < run.batches; ++b) {
        bool stopWanted = false;
        if (run.stop) {
            // The ranks of a distributed run stop and pause together (see trainDiscriminator).
            if (!m_dist)
                run.stop->waitWhilePaused();
            stopWanted = run.stop->stopRequested();
        }
        if ((stopWanted && !m_dist) || !trainBatch(run, tally, order, b, stopWanted)) {
            run.summary.reason = StopReason::Cancelled;
            run.summary.message = "stopped by request during epoch " + std::to_string(epoch);
            return false;
        }
    }
    finishEpoch(run, tally);
    return true;
}

bool GanTrainer::trainBatch(
    Run& run, EpochTally& tally, const torch::Tensor& order, std::int64_t b, bool stopWanted)
{
    const auto batchStart = SteadyClock::now();
    RandomStream::Scope scope(m_random);
    const std::int64_t from = b * run.batch, to = std::min(run.n, from + run.batch);
    const std::int64_t k = to - from;
    run.global = k;
    run.from = m_dist ? k * m_dist->rank() / m_dist->size() : 0;
    run.to = m_dist ? k * (m_dist->rank() + 1) / m_dist->size() : k;
    const torch::Tensor idx = order.slice(0, from + run.from, from + run.to);
    const torch::Tensor x = run.real.index_select(0, idx);
    const torch::Tensor c
        = run.scaledConditions.defined() ? run.scaledConditions.index_select(0, idx) : torch::Tensor();

    bool stopped = false;
    const CriticStep critic = trainDiscriminator(run, tally, x, c, b, stopWanted, stopped);
    if (stopped)
        return false;
    const torch::Tensor lossG = trainGenerator(run, tally, x, c, b);

    const double d = critic.loss.item<double>(), g = lossG.item<double>();
    tally.sumD += d * k;
    tally.sumG += g * k;
    tally.sumReal += critic.realOut.item<double>() * k;
    tally.sumFake += critic.fakeOut.item<double>() * k;
    tally.seen += k;
    if (run.observer)
        reportBatch(run, tally, b, k, d, batchStart);
    return true;
}

GanTrainer::CriticStep GanTrainer::trainDiscriminator(const Run& run, const EpochTally& tally,
    const torch::Tensor& x, const torch::Tensor& c, std::int64_t b, bool stopWanted, bool& stopped)
{
    CriticStep critic;
    for (int step = 0; step < m_config.discriminatorSteps; ++step) {
        torch::Tensor fake;
        {
            torch::NoGradGuard noGrad;
            fake = generate(run.mine(latent(run.global)), c);
        }
        critic = discriminatorLoss(run, x, fake, c);
        // Alone, a NaN stops at once; ranks look at the sums, so that all of them stop together.
        if (const double value = critic.loss.item<double>(); !m_dist && !std::isfinite(value))
            failNonFinite("discriminator", value, tally.epoch, b + 1, run.batches, run.goodGenerator,
                run.goodDiscriminator);
        m_discriminatorOptimizer->zero_grad();
        critic.loss.backward();
        if (m_dist) {
            const double n = static_cast<double>(x.size(0));
            std::vector<double> sums { critic.loss.item<double>() * n, critic.realOut.item<double>() * n,
                critic.fakeOut.item<double>() * n, step == 0 && stopWanted ? 1.0 : 0.0,
                step == 0 && run.stop && run.stop->paused() ? 1.0 : 0.0 };
            reduceStep(*m_discriminatorBuckets, x.size(0), run.global, sums);
            if (sums[3] > 0) {
                stopped = true;
                return critic;
            }
            if (sums[4] > 0)
                holdWhilePaused(*m_dist, run.stop);
            const double k = static_cast<double>(run.global);
            critic.loss = torch::tensor(sums[0] / k, torch::kDouble);
            critic.realOut = torch::tensor(sums[1] / k, torch::kDouble);
            critic.fakeOut = torch::tensor(sums[2] / k, torch::kDouble);
            if (!std::isfinite(sums[0]))
                failNonFinite("discriminator", sums[0], tally.epoch, b + 1, run.batches, run.goodGenerator,
                    run.goodDiscriminator);
        }
        m_discriminatorOptimizer->step();
    }
    return critic;
}

GanTrainer::CriticStep GanTrainer::discriminatorLoss(
    const Run& run, const torch::Tensor& x, const torch::Tensor& fake, const torch::Tensor& c)
{
    const std::int64_t k = x.size(0);
    // Real and generated samples in one batch: a BatchNorm in the discriminator normalises them
    // together, so that a shift of every generated sample (brighter, deeper) stays visible to it.
    const torch::Tensor logits = criticLogits(torch::cat({ x, fake }), pair(c));
    const torch::Tensor logitsReal = logits.slice(0, 0, k), logitsFake = logits.slice(0, k, 2 * k);
    CriticStep critic;
    if (run.bce) {
        torch::Tensor yReal = torch::full({ k }, 1.0 - m_config.labelSmoothing, run.opts);
        torch::Tensor yFake = torch::zeros({ k }, run.opts);
        if (m_config.labelFlip > 0) {
            // Drawn for the global batch, so that every rank's stream stays the same.
            const torch::Tensor flipReal
                = run.mine(torch::rand({ run.global }, run.opts)) < m_config.labelFlip;
            const torch::Tensor flipFake
                = run.mine(torch::rand({ run.global }, run.opts)) < m_config.labelFlip;
            yReal = torch::where(flipReal, torch::zeros_like(yReal), yReal);
            yFake = torch::where(flipFake, torch::full_like(yFake, 1.0 - m_config.labelSmoothing), yFake);
        }
        critic.loss = 0.5
            * (torch::binary_cross_entropy_with_logits(logitsReal, yReal)
                + torch::binary_cross_entropy_with_logits(logitsFake, yFake));
        critic.realOut = torch::sigmoid(logitsReal).mean();
        critic.fakeOut = torch::sigmoid(logitsFake).mean();
    } else {
        critic.loss = logitsFake.mean() - logitsReal.mean()
            + m_config.gradientPenalty * gradientPenalty(x, fake, c, run.global, run.from);
        critic.realOut = logitsReal.mean();
        critic.fakeOut = logitsFake.mean();
    }
    return critic;
}

torch::Tensor GanTrainer::trainGenerator(
    const Run& run, const EpochTally& tally, const torch::Tensor& x, const torch::Tensor& c, std::int64_t b)
{
    const std::int64_t k = x.size(0);
    // Judged beside the real batch, as the discriminator learned to judge them.
    const torch::Tensor madeBatch = generate(run.mine(latent(run.global)), c);
    const torch::Tensor judged = criticLogits(torch::cat({ x, madeBatch }), pair(c)).slice(0, k, 2 * k);
    // Non-saturating: the generator maximises log D(G(z)) rather than minimising log(1 - D(G(z))).
    torch::Tensor lossG = run.bce
        ? torch::binary_cross_entropy_with_logits(judged, torch::ones({ k }, run.opts))
        : -judged.mean();
    if (run.reference)
        lossG = lossG + m_config.physicsWeight * physicsLoss(*run.reference, madeBatch);
    if (const double value = lossG.item<double>(); !m_dist && !std::isfinite(value))
        failNonFinite(
            "generator", value, tally.epoch, b + 1, run.batches, run.goodGenerator, run.goodDiscriminator);
    m_generatorOptimizer->zero_grad();
    lossG.backward();
    if (m_dist) {
        std::vector<double> sums { lossG.item<double>() * static_cast<double>(k) };
        reduceStep(*m_generatorBuckets, k, run.global, sums);
        lossG = torch::tensor(sums[0] / static_cast<double>(run.global), torch::kDouble);
        if (!std::isfinite(sums[0]))
            failNonFinite("generator", sums[0], tally.epoch, b + 1, run.batches, run.goodGenerator,
                run.goodDiscriminator);
    }
    m_generatorOptimizer->step();
    return lossG;
}

void GanTrainer::reportBatch(const Run& run, const EpochTally& tally, std::int64_t b, std::int64_t k,
    double loss, std::chrono::steady_clock::time_point batchStart)
{
    BatchStats s;
    s.epoch = tally.epoch;
    s.epochs = m_config.epochs;
    s.batch = b + 1;
    s.batches = run.batches;
    s.samples = k;
    s.loss = loss;
    s.meanLoss = tally.sumD / tally.seen;
    s.learningRate = learningRate(*m_discriminatorOptimizer);
    s.seconds = secondsSince(batchStart);
    s.epochSeconds = secondsSince(tally.start);
    s.samplesPerSecond = tally.seen / std::max(s.epochSeconds, 1e-9);
    run.observer->onBatchEnd(s);
}

void GanTrainer::finishEpoch(Run& run, const EpochTally& tally)
{
    const double trainSeconds = secondsSince(tally.start);
    // Of a distributed run, rank 0 alone makes the samples; the others take its results.
    const bool lead = !m_dist || m_dist->rank() == 0;
    std::map<std::string, double> metrics
        = { { "d_loss", tally.sumD / tally.seen }, { "g_loss", tally.sumG / tally.seen },
              { "d_real", tally.sumReal / tally.seen }, { "d_fake", tally.sumFake / tally.seen } };
    GanSamples samples;
    if (lead) {
        refreshGeneratorStatistics(run.scaledConditions, std::min(kStatisticsBatches, run.batches));
        samples = epochSamples(tally.epoch, run.realData, run.conditions);
    }
    bool showerMetrics = samples.hasShowerComparison;
    if (showerMetrics) {
        metrics["energy_chi2_ndf"] = samples.comparison.energyChi2.chi2PerNdf();
        metrics["profile_deviation"] = samples.comparison.profileDeviation;
        metrics["central_cell_deviation"] = samples.comparison.centralCellDeviation;
    }
    if (m_dist)
        shareEpochEnd(metrics, showerMetrics);
    m_history.append(metrics);
    run.generatorSchedule->epochEnded(metrics);
    run.discriminatorSchedule->epochEnded(metrics);
    m_scheduleState = { { "generator", run.generatorSchedule->state() },
        { "discriminator", run.discriminatorSchedule->state() } };
    if (!m_config.keepBest.empty())
        rememberBest(metrics, showerMetrics, tally.epoch);
    m_epochsDone = tally.epoch;
    run.goodGenerator = copyWeights(m_generator);
    run.goodDiscriminator = copyWeights(m_discriminator);
    run.summary.epochsCompleted = tally.epoch;
    run.summary.finalMetrics = metrics;
    if (run.observer) {
        EpochStats s;
        s.epoch = tally.epoch;
        s.epochs = m_config.epochs;
        s.metrics = metrics;
        s.learningRate = learningRate(*m_discriminatorOptimizer);
        s.seconds = secondsSince(tally.start);
        s.trainSeconds = trainSeconds;
        s.samplesPerSecond = run.n / std::max(trainSeconds, 1e-9);
        run.observer->onEpochEnd(s);
        if (lead)
            run.observer->onSamples(samples);
    }
}

void GanTrainer::rememberBest(const std::map<std::string, double>& metrics, bool showerMetrics, int epoch)
{
    const auto it = metrics.find(m_config.keepBest);
    if (it == metrics.end())
        throw TrainError("GAN setting 'keep_best' names '" + m_config.keepBest
            + "', which this run does not compute; use d_loss, g_loss"
            + (showerMetrics ? ", energy_chi2_ndf, profile_deviation or central_cell_deviation"
                             : " (the shower metrics need image samples)"));
    if (m_best.epoch == 0 || it->second < m_best.value)
        m_best = { epoch, it->second, metrics, copyWeights(m_generator), copyWeights(m_discriminator) };
}

void GanTrainer::keepBestNetworks(GanSummary& summary)
{
    if (m_best.epoch == 0)
        return;
    if (m_best.epoch != m_epochsDone) {
        loadWeights(m_generator, m_best.generator, "the best epoch");
        loadWeights(m_discriminator, m_best.discriminator, "the best epoch");
    }
    summary.bestEpoch = m_best.epoch;
    summary.bestMetrics = m_best.metrics;
    summary.restoredBestWeights = m_best.epoch != m_epochsDone;
    std::ostringstream kept;
    kept << (summary.message.empty() ? "" : "; ") << "kept the networks of epoch " << m_best.epoch << " ("
         << m_config.keepBest << " " << m_best.value << ")";
    summary.message += kept.str();
}

} // namespace neurino
