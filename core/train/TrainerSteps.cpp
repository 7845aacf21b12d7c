// Trainer::fit() and its steps: the epochs, the batches of an epoch, validation, and the end of a run.
#include "core/train/Trainer.h"

#include "core/data/Batcher.h"
#include "core/dist/DistGroup.h"
#include "core/dist/GradientBuckets.h"
#include "core/dist/RankPause.h"
#include "core/train/Optimizers.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

namespace neurino {

namespace {

bool allFinite(const NodeTensors& weights)
{
    for (const auto& [node, params] : weights)
        for (const auto& [name, t] : params)
            if (t.is_floating_point() && !torch::isfinite(t).all().item<bool>())
                return false;
    return true;
}

std::string formatRate(double lr)
{
    std::ostringstream out;
    out << lr;
    return out.str();
}

// Copies a batch's scores and targets into the epoch's tensors at row `seen`, creating them (for `total`
// rows) at the first batch. Cost: one copy of the batch's outputs (512 floats for the Higgs model) per step,
// and the epoch's training AUC sorts them once at the end (about 0.1 s for 640,000 events beside an 11 s
// epoch); evaluating the model again on the training part would cost a third of an epoch.
void keepBatchScores(torch::Tensor& epochScores, torch::Tensor& epochTargets,
    const torch::Tensor& batchScores, const torch::Tensor& batchTargets, std::int64_t seen, std::int64_t n,
    std::int64_t total)
{
    if (!epochScores.defined()) {
        auto shape = batchScores.sizes().vec();
        shape[0] = total;
        // Zeros: a data-parallel rank fills only its slices and the ranks' tensors are then summed.
        epochScores = torch::zeros(shape, batchScores.options());
        auto targetShape = batchTargets.sizes().vec();
        targetShape[0] = total;
        epochTargets = torch::zeros(targetShape, batchTargets.options());
    }
    epochScores.slice(0, seen, seen + n).copy_(batchScores);
    epochTargets.slice(0, seen, seen + n).copy_(batchTargets);
}

// Ends `summary` as Failed with `message` and tells the observer.
void reportFailure(TrainSummary& summary, int epochsCompleted, std::string message,
    SteadyClock::time_point runStart, TrainingObserver& report)
{
    summary.reason = StopReason::Failed;
    summary.epochsCompleted = epochsCompleted;
    summary.message = std::move(message);
    summary.seconds = secondsSince(runStart);
    report.onFinished(summary);
}

} // namespace

// What one fit() call trains with, set up before its first epoch.
struct Trainer::FitRun {
    FitRun(TrainingObserver& observer, const StopToken* stopToken, Batcher trainBatcher)
        : report(observer)
        , stop(stopToken)
        , batcher(std::move(trainBatcher))
    {
    }
    TrainingObserver& report;
    const StopToken* stop;
    Batcher batcher;
    std::vector<std::string> metricNames;
    EvaluationOptions evalOptions; // for the validation part
    std::vector<torch::Tensor> params; // the ones clipping acts on
    bool collectScores = false; // for the training metrics
};

// One epoch's running totals. The scores are filled batch by batch, so the epoch's metrics need no second
// copy of them.
struct Trainer::EpochTally {
    int epoch = 0; // 1-based
    double lr = 0;
    SteadyClock::time_point start;
    std::int64_t batches = 0;
    torch::Tensor scores, targets;
    double lossSum = 0;
    std::int64_t seen = 0;
    double trainSeconds = 0; // the optimisation steps only
};

TrainSummary Trainer::fit(TrainingObserver* observer, const StopToken* stop)
{
    const FreedMemoryRelease release; // last to go, after the run's tensors
    TrainingObserver none;
    TrainingObserver& report = observer ? *observer : none;
    const auto runStart = SteadyClock::now();
    TrainSummary summary;
    try {
        prepare();
        FitRun run = startFit(report, stop);
        summary.reason = StopReason::Completed;
        while (m_epoch < m_config.epochs)
            if (!runEpoch(run, summary))
                break;
        finishFit(summary);
        summary.seconds = secondsSince(runStart);
        report.onFinished(summary);
        return summary;
    } catch (const Error& e) {
        reportFailure(summary, m_epoch, e.what(), runStart, report);
        throw;
    } catch (const c10::Error& e) {
        reportFailure(summary, m_epoch,
            std::string("LibTorch failed during training: ") + e.what_without_backtrace(), runStart, report);
        throw TrainError(summary.message);
    }
}

Trainer::FitRun Trainer::startFit(TrainingObserver& report, const StopToken* stop)
{
    BatcherOptions options;
    options.batchSize = m_config.batchSize;
    options.shuffle = m_config.shuffle;
    options.device = m_device;
    options.seed = m_config.seed;
    if (m_dist) {
        options.shardRank = m_dist->rank();
        options.shardCount = m_dist->size();
    }
    FitRun run(report, stop,
        Batcher(*m_data, m_split.train, options, m_standardizer.fitted() ? &m_standardizer : nullptr));
    run.metricNames = m_config.metrics.empty() ? defaultMetrics(m_data->info.task) : m_config.metrics;
    run.evalOptions.batchSize = std::max<std::int64_t>(m_config.batchSize, 1024);
    run.evalOptions.device = m_device;
    run.evalOptions.metrics = run.metricNames;
    run.evalOptions.keepScores = false;

    TrainStart start;
    start.firstEpoch = m_epoch + 1;
    start.epochs = m_config.epochs;
    start.batchesPerEpoch = run.batcher.batchCount();
    start.trainSamples = m_split.trainSize();
    start.validationSamples = m_split.validationSize();
    start.testSamples = m_split.testSize();
    start.parameters = parameterCount();
    start.device = describeDevice(m_device);
    start.threads = m_threads.describe();
    report.onStart(start);

    run.params = m_module->parameters();
    run.collectScores = !run.metricNames.empty();
    return run;
}

bool Trainer::runEpoch(FitRun& run, TrainSummary& summary)
{
    EpochTally tally;
    tally.epoch = m_epoch + 1;
    tally.start = SteadyClock::now();
    tally.lr = m_schedule->rateForEpoch(m_epoch);
    setLearningRate(*m_optimizer, tally.lr);
    // Once per epoch, so that a NaN can roll back to weights that worked: one copy of every parameter
    // (0.7 MB for the Higgs deep model, well under a millisecond).
    m_lastGoodWeights = copyWeights(m_module);
    run.batcher.setEpoch(m_epoch);
    if (m_dist && m_dist->rank() > 0)
        m_rankRandom.reseed(
            epochSeed(m_config.seed + 0x9e3779b97f4a7c15ULL * std::uint64_t(m_dist->rank()), m_epoch));
    m_module->train();
    tally.batches = run.batcher.batchCount();
    for (std::int64_t i = 0; i < tally.batches; ++i) {
        bool stopWanted = false;
        if (run.stop) {
            // Ranks stop and pause together, at the batch where any of them was asked to: the request
            // travels with the step's all-reduce (see trainBatch).
            if (!m_dist)
                run.stop->waitWhilePaused();
            stopWanted = run.stop->stopRequested();
        }
        if ((stopWanted && !m_dist) || !trainBatch(run, tally, i, stopWanted)) {
            summary.reason = StopReason::Cancelled;
            summary.message = "cancelled during epoch " + std::to_string(tally.epoch) + "; "
                + std::to_string(m_epoch) + " epoch(s) completed";
            return false;
        }
    }
    tally.trainSeconds = secondsSince(tally.start);
    std::map<std::string, double> metrics = trainMetrics(run, tally);
    validate(run, metrics);
    metrics["lr"] = tally.lr;
    return finishEpoch(run, tally, metrics, summary);
}

bool Trainer::trainBatch(FitRun& run, EpochTally& tally, std::int64_t index, bool stopWanted)
{
    const auto batchStart = SteadyClock::now();
    const Batch batch = run.batcher.batch(index);
    const std::int64_t n = batch.size();
    RandomStream::Scope scope(m_dist && m_dist->rank() > 0 ? m_rankRandom : m_random);
    m_optimizer->zero_grad();
    if (m_dist)
        syncBuffers();
    torch::Tensor out;
    double value = 0;
    if (n > 0) {
        out = m_loss->usesLogits() ? m_module->forwardLogits(batch.features)
                                   : m_module->forward(batch.features);
        torch::Tensor loss = m_loss->compute(out, batch.targets);
        const torch::Tensor extra = penalty();
        if (extra.defined())
            loss = loss + extra;
        // The loss on the host at every step: free on the CPU (the value is computed already) and what
        // catches a NaN at the batch it appears in; on CUDA it waits for the step, which keeps at most one
        // batch queued.
        value = loss.item<double>();
        if (!m_dist && !std::isfinite(value))
            failNonFinite(tally.epoch, index + 1, tally.batches, value);
        loss.backward();
    }
    std::int64_t counted = n;
    if (m_dist) {
        // Each rank's mean-loss gradient weighted by its share of the global batch, summed: the gradient of
        // the global batch's mean loss. A NaN on any rank makes the sum NaN, so all ranks stop together.
        counted = run.batcher.globalBatchSize(index);
        const bool paused = run.stop && run.stop->paused();
        std::vector<double> sums { value * static_cast<double>(n), stopWanted ? 1.0 : 0.0,
            paused ? 1.0 : 0.0 };
        m_buckets->reduce(*m_dist, static_cast<double>(n) / static_cast<double>(counted), sums);
        if (sums[1] > 0)
            return false;
        if (sums[2] > 0)
            holdWhilePaused(*m_dist, run.stop);
        value = sums[0] / static_cast<double>(counted);
        if (!std::isfinite(value))
            failNonFinite(tally.epoch, index + 1, tally.batches, value);
    }
    if (m_config.clipValue > 0)
        torch::nn::utils::clip_grad_value_(run.params, m_config.clipValue);
    if (m_config.clipNorm > 0)
        torch::nn::utils::clip_grad_norm_(run.params, m_config.clipNorm);
    m_optimizer->step();
    if (run.collectScores && n > 0)
        keepBatchScores(tally.scores, tally.targets, m_loss->scores(out.detach()), batch.targets,
            m_dist ? run.batcher.sliceStart(index) : tally.seen, n, run.batcher.size());
    tally.lossSum += value * static_cast<double>(counted);
    tally.seen += counted;
    reportBatch(run, tally, index, counted, value, batchStart);
    return true;
}

void Trainer::reportBatch(FitRun& run, const EpochTally& tally, std::int64_t index, std::int64_t samples,
    double loss, std::chrono::steady_clock::time_point batchStart)
{
    BatchStats stats;
    stats.epoch = tally.epoch;
    stats.epochs = m_config.epochs;
    stats.batch = index + 1;
    stats.batches = tally.batches;
    stats.samples = samples;
    stats.loss = loss;
    stats.meanLoss = tally.lossSum / static_cast<double>(tally.seen);
    stats.learningRate = tally.lr;
    stats.seconds = secondsSince(batchStart);
    stats.epochSeconds = secondsSince(tally.start);
    stats.samplesPerSecond = stats.epochSeconds > 0 ? tally.seen / stats.epochSeconds : 0.0;
    run.report.onBatchEnd(stats);
}

std::map<std::string, double> Trainer::trainMetrics(const FitRun& run, EpochTally& tally) const
{
    std::map<std::string, double> metrics;
    metrics["loss"] = tally.seen > 0 ? tally.lossSum / static_cast<double>(tally.seen) : 0.0;
    if (run.collectScores && tally.seen > 0) {
        torch::NoGradGuard noGrad;
        if (m_dist) {
            // Each rank holds its slices of the epoch's scores, zeros elsewhere: their sum is the epoch's.
            std::vector<torch::Tensor> parts { tally.scores, tally.targets };
            m_dist->allReduceSum(parts, "the epoch's training scores");
        }
        const auto computed = computeMetrics(run.metricNames, m_data->info.task,
            tally.scores.slice(0, 0, tally.seen), tally.targets.slice(0, 0, tally.seen));
        tally.scores = tally.targets = torch::Tensor();
        for (const auto& [name, value] : computed)
            metrics[name] = value;
    }
    return metrics;
}

void Trainer::validate(const FitRun& run, std::map<std::string, double>& metrics)
{
    if (m_split.validationSize() == 0)
        return;
    const Standardizer* standardizer = m_standardizer.fitted() ? &m_standardizer : nullptr;
    const std::int64_t total = m_split.validationSize();
    if (!m_dist || total < m_dist->size()) {
        const Evaluation val
            = evaluateModel(m_module, *m_loss, *m_data, m_split.validation, standardizer, run.evalOptions);
        for (const auto& [name, value] : val.metrics)
            metrics["val_" + name] = value;
        return;
    }
    // Each rank evaluates its share of the validation part and puts its scores in place in tensors of the
    // whole part, zeros elsewhere; their sums over the ranks are the whole part's scores, from which every
    // rank computes the same metrics (AUC needs all of them, not an average of the ranks').
    const std::int64_t from = total * m_dist->rank() / m_dist->size();
    const std::int64_t to = total * (m_dist->rank() + 1) / m_dist->size();
    EvaluationOptions options = run.evalOptions;
    options.keepScores = true;
    const Evaluation part = evaluateModel(
        m_module, *m_loss, *m_data, m_split.validation.slice(0, from, to), standardizer, options);
    const auto whole = [&](const torch::Tensor& mine) {
        auto shape = mine.sizes().vec();
        shape[0] = total;
        torch::Tensor all = torch::zeros(shape, mine.options());
        all.slice(0, from, to).copy_(mine);
        return all;
    };
    std::vector<torch::Tensor> sums { whole(part.scores), whole(part.targets),
        torch::tensor({ part.metrics.at("loss") * static_cast<double>(part.samples) }, torch::kFloat64) };
    m_dist->allReduceSum(sums, "the validation scores");
    metrics["val_loss"] = sums[2].item<double>() / static_cast<double>(total);
    for (const auto& [name, value] : computeMetrics(run.metricNames, m_data->info.task, sums[0], sums[1]))
        metrics["val_" + name] = value;
}

bool Trainer::finishEpoch(
    FitRun& run, const EpochTally& tally, const std::map<std::string, double>& metrics, TrainSummary& summary)
{
    const double perSecond
        = tally.trainSeconds > 0 ? static_cast<double>(tally.seen) / tally.trainSeconds : 0.0;
    std::map<std::string, double> row = metrics;
    row["seconds"] = secondsSince(tally.start);
    row["samples_per_second"] = perSecond;
    m_history.append(row);
    m_schedule->epochEnded(metrics);
    const bool improved = m_early->update(tally.epoch, metrics);
    // A copy of the weights at each improving epoch, for best.h5 and for restoring them (as above, cheap).
    if (improved && (m_config.earlyStopping.restoreBestWeights || !m_config.earlyStopping.enabled))
        m_bestWeights = copyWeights(m_module);
    m_epoch = tally.epoch;

    EpochStats stats;
    stats.epoch = tally.epoch;
    stats.epochs = m_config.epochs;
    stats.metrics = metrics;
    stats.learningRate = tally.lr;
    stats.seconds = secondsSince(tally.start);
    stats.trainSeconds = tally.trainSeconds;
    stats.samplesPerSecond = perSecond;
    stats.improved = improved;
    stats.bestEpoch = m_early->bestEpoch();
    run.report.onEpochEnd(stats);

    if (!m_early->shouldStop())
        return true;
    summary.reason = StopReason::EarlyStopped;
    summary.message = "'" + m_early->monitor() + "' did not improve for "
        + std::to_string(m_early->epochsWithoutImprovement()) + " epochs; best epoch "
        + std::to_string(m_early->bestEpoch());
    return false;
}

void Trainer::finishFit(TrainSummary& summary)
{
    summary.epochsCompleted = m_epoch;
    summary.bestEpoch = m_early->bestEpoch();
    if (!m_history.empty())
        summary.finalMetrics = m_history.epochs().back();
    if (summary.bestEpoch > 0)
        summary.bestMetrics = m_history.epoch(static_cast<std::size_t>(summary.bestEpoch - 1));
    if (m_config.earlyStopping.enabled && m_config.earlyStopping.restoreBestWeights && summary.bestEpoch > 0
        && summary.bestEpoch != m_epoch && !m_bestWeights.empty()
        && summary.reason != StopReason::Cancelled) {
        loadWeights(m_module, m_bestWeights, "the best epoch's weights");
        summary.restoredBestWeights = true;
    }
    if (m_split.testSize() > 0 && summary.reason != StopReason::Cancelled) {
        for (const auto& [name, value] : evaluate(DataPart::Test, false).metrics)
            summary.testMetrics["test_" + name] = value;
    }
}

torch::Tensor Trainer::penalty() const
{
    torch::Tensor total;
    if (m_config.l1 <= 0 && m_config.l2 <= 0)
        return total;
    for (const auto& p : m_module->named_parameters()) {
        // As Keras's kernel regularizers: weights only, not biases or normalisation parameters.
        const std::string& name = p.key();
        if (name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") != 0 || p.value().dim() < 2)
            continue;
        torch::Tensor term;
        if (m_config.l1 > 0)
            term = p.value().abs().sum() * m_config.l1;
        if (m_config.l2 > 0) {
            torch::Tensor l2 = p.value().pow(2).sum() * m_config.l2;
            term = term.defined() ? term + l2 : l2;
        }
        total = total.defined() ? total + term : term;
    }
    return total;
}

void Trainer::failNonFinite(int epoch, std::int64_t batch, std::int64_t batches, double value)
{
    // The weights that produced this loss may already be broken (an overflowing step before it); then
    // the weights at the start of the epoch are the last good ones.
    const NodeTensors current = copyWeights(m_module);
    const bool kept = allFinite(current);
    if (!kept)
        loadWeights(m_module, m_lastGoodWeights, "the last good weights");
    const std::string what = std::isnan(value) ? "NaN" : "infinite";
    throw TrainError("training stopped: the loss became " + what + " at epoch " + std::to_string(epoch)
        + ", batch " + std::to_string(batch) + " of " + std::to_string(batches) + " (learning rate "
        + formatRate(learningRate())
        + "). The learning rate is probably too high: "
          "lower it (e.g. by 10x) or enable gradient clipping. The model keeps the last good weights ("
        + (kept ? "those before this batch" : "those at the start of epoch " + std::to_string(epoch)) + ").");
}

} // namespace neurino
