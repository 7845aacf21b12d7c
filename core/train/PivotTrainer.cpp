#include "core/train/PivotTrainer.h"

#include "core/eval/RocCurve.h"
#include "core/graph/ModelJson.h"
#include "core/train/Checkpoint.h"
#include "core/train/Optimizers.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/Stopwatch.h"

#include <torch/torch.h>

#include <cmath>

namespace neurino {

namespace {

// Events per forward pass when measuring or scoring, to bound memory.
constexpr std::int64_t kPivotChunk = 65536;
// The adversary's log standard deviations are clamped to this range, so that one collapsing Gaussian cannot
// make its loss run off to minus infinity.
constexpr double kPivotLogSigmaLimit = 5.0;

std::int64_t pivotParameters(const GraphModule& module)
{
    std::int64_t count = 0;
    for (const auto& p : module->parameters())
        count += p.numel();
    return count;
}

} // namespace

void PivotConfig::validate() const
{
    const auto fail = [](const std::string& what) { throw TrainError("pivot config: " + what); };
    if (!std::isfinite(lambda) || lambda < 0)
        fail("lambda must be a finite number >= 0, not " + std::to_string(lambda));
    if (classifierEpochs < 0 || adversaryEpochs < 0 || epochs < 0 || totalEpochs() == 0)
        fail("the epochs of the three phases must be >= 0 and not all 0");
    if (adversarySteps < 1)
        fail("adversary_steps must be >= 1");
    if (mixtureComponents < 1 || mixtureComponents > 64)
        fail("mixture_components must be between 1 and 64, not " + std::to_string(mixtureComponents));
    if (batchSize < 1)
        fail("batch_size must be >= 1");
}

torch::Tensor mixtureNll(const torch::Tensor& out, const torch::Tensor& z, int components)
{
    const auto k = std::int64_t(components);
    const torch::Tensor logWeights = torch::log_softmax(out.slice(1, 0, k), 1);
    const torch::Tensor means = out.slice(1, k, 2 * k);
    const torch::Tensor logSigma
        = out.slice(1, 2 * k, 3 * k).clamp(-kPivotLogSigmaLimit, kPivotLogSigmaLimit);
    const torch::Tensor u = (z.reshape({ -1, 1 }) - means) * torch::exp(-logSigma);
    const torch::Tensor logDensity = -0.5 * u * u - logSigma - 0.5 * std::log(2 * M_PI);
    return -torch::logsumexp(logWeights + logDensity, 1).mean();
}

double unitGaussianEntropy()
{
    return 0.5 * std::log(2 * M_PI * M_E);
}

// One train() call's data and observer.
struct PivotTrainer::Run {
    PivotData training, validation; // on the device
    TrainingObserver* observer = nullptr;
    const StopToken* stop = nullptr;
    std::int64_t batches = 0;
    TrainSummary summary;
};

PivotTrainer::PivotTrainer(
    const ModelGraph& classifier, const ModelGraph& adversary, const PivotConfig& config)
    : m_config(config)
    , m_classifierGraph(classifier)
    , m_adversaryGraph(adversary)
    , m_device(selectDevice(config.device))
    , m_random(config.seed)
{
    m_config.validate();
    if (classifier.inputNodes().size() != 1 || adversary.inputNodes().size() != 1)
        throw ModelError("the classifier '" + classifier.name() + "' and the adversary '" + adversary.name()
            + "' must have one Input node each");
    RandomStream::Scope scope(m_random);
    m_classifier = GraphModule(classifier);
    m_adversary = GraphModule(adversary);
    const Shape verdict = m_classifier->shapes().at(classifier.outputNode());
    if (verdict != Shape { 1 } || m_classifier->outputActivation() != "sigmoid")
        throw ModelError("the classifier '" + classifier.name()
            + "' must end in one sigmoid unit (shape (1,)), not " + formatShape(verdict) + " with "
            + m_classifier->outputActivation());
    const Shape reads = m_adversary->shapes().at(adversary.inputNodes().front());
    const std::int64_t inputs = m_config.classConditional ? 2 : 1;
    if (reads != Shape { inputs })
        throw ModelError("the adversary '" + adversary.name() + "' reads the classifier's output"
            + (m_config.classConditional ? " and the event's class" : "") + ": its Input must have shape ("
            + std::to_string(inputs) + ",), not " + formatShape(reads));
    const Shape models = m_adversary->shapes().at(adversary.outputNode());
    const std::int64_t wanted = 3 * std::int64_t(m_config.mixtureComponents);
    if (models != Shape { wanted } || m_adversary->outputActivation() != "linear")
        throw ModelError("the adversary '" + adversary.name() + "' must end in " + std::to_string(wanted)
            + " linear values (weights, means and log widths of " + std::to_string(m_config.mixtureComponents)
            + " Gaussians), not " + formatShape(models));
    m_classifier->to(m_device);
    m_adversary->to(m_device);
    m_classifierOptimizer = makeOptimizer(m_config.classifierOptimizer, m_classifier->parameters());
    m_adversaryOptimizer = makeOptimizer(m_config.adversaryOptimizer, m_adversary->parameters());
}

PivotTrainer::~PivotTrainer() = default;

PivotTrainer::Phase PivotTrainer::phaseOf(int epoch) const
{
    if (epoch <= m_config.classifierEpochs)
        return Phase::Classifier;
    if (epoch <= m_config.classifierEpochs + m_config.adversaryEpochs)
        return Phase::Adversary;
    return Phase::Adversarial;
}

TrainSummary PivotTrainer::train(
    const PivotData& training, const PivotData& validation, TrainingObserver* observer, const StopToken* stop)
{
    const auto runStart = SteadyClock::now();
    const std::int64_t n = training.size();
    if (n == 0 || training.targets.size(0) != n || training.nuisance.numel() != n)
        throw DataError("pivot training needs features, targets and nuisance values for the same events (got "
            + std::to_string(n) + " feature rows, "
            + std::to_string(training.targets.defined() ? training.targets.size(0) : 0) + " targets, "
            + std::to_string(training.nuisance.defined() ? training.nuisance.numel() : 0)
            + " nuisance values)");
    const auto onDevice = [&](const PivotData& d) {
        if (d.size() == 0)
            return PivotData {};
        return PivotData { d.features.to(m_device, torch::kFloat32),
            d.targets.to(m_device, torch::kFloat32).reshape({ -1 }),
            d.nuisance.to(m_device, torch::kFloat32).reshape({ -1 }) };
    };
    Run run;
    run.training = onDevice(training);
    run.validation = onDevice(validation);
    run.observer = observer;
    run.stop = stop;
    run.batches = (n + m_config.batchSize - 1) / m_config.batchSize;
    const ThreadChoice threads = chooseCpuThreads(run.training);
    if (observer) {
        TrainStart start;
        start.epochs = m_config.totalEpochs();
        start.batchesPerEpoch = run.batches;
        start.trainSamples = n;
        start.validationSamples = validation.size();
        start.parameters = pivotParameters(m_classifier) + pivotParameters(m_adversary);
        start.device = describeDevice(m_device);
        start.threads = threads.describe();
        observer->onStart(start);
    }
    RandomStream::Scope scope(m_random);
    try {
        for (int epoch = 1; epoch <= m_config.totalEpochs(); ++epoch)
            if (!runEpoch(run, epoch))
                break;
    } catch (const Error& e) {
        // The observer hears of every run's end, as the other trainers' do.
        run.summary.reason = StopReason::Failed;
        run.summary.message = e.what();
        run.summary.seconds = secondsSince(runStart);
        if (observer)
            observer->onFinished(run.summary);
        throw;
    }
    run.summary.seconds = secondsSince(runStart);
    if (observer)
        observer->onFinished(run.summary);
    return run.summary;
}

bool PivotTrainer::runEpoch(Run& run, int epoch)
{
    const auto epochStart = SteadyClock::now();
    const Phase phase = phaseOf(epoch);
    const NodeTensors goodClassifier = copyWeights(m_classifier), goodAdversary = copyWeights(m_adversary);
    m_classifier->train();
    m_adversary->train();
    const std::int64_t n = run.training.size();
    const torch::Tensor order = torch::randperm(n, torch::TensorOptions().dtype(torch::kInt64)).to(m_device);
    double sumF = 0, sumR = 0;
    std::int64_t seen = 0;
    for (std::int64_t b = 0; b < run.batches; ++b) {
        if (run.stop) {
            run.stop->waitWhilePaused();
            if (run.stop->stopRequested()) {
                run.summary.reason = StopReason::Cancelled;
                run.summary.message = "stopped at epoch " + std::to_string(epoch);
                return false;
            }
        }
        const auto batchStart = SteadyClock::now();
        const torch::Tensor rows = order.slice(0, b * m_config.batchSize, (b + 1) * m_config.batchSize);
        const torch::Tensor x = run.training.features.index_select(0, rows);
        const torch::Tensor y = run.training.targets.index_select(0, rows);
        const torch::Tensor z = run.training.nuisance.index_select(0, rows);
        double lossF = 0, lossR = 0;
        if (phase == Phase::Adversary) {
            lossR = adversaryStep(x, y, z);
        } else if (phase == Phase::Classifier) {
            lossF = classifierStep(x, y, z, false, lossR);
        } else {
            for (int k = 0; k < m_config.adversarySteps; ++k)
                lossR = adversaryStep(x, y, z);
            lossF = classifierStep(x, y, z, m_config.lambda > 0, lossR);
        }
        if (!std::isfinite(lossF) || !std::isfinite(lossR)) {
            loadWeights(m_classifier, goodClassifier, "the last good epoch");
            loadWeights(m_adversary, goodAdversary, "the last good epoch");
            throw TrainError(std::string("pivot training stopped: the ")
                + (std::isfinite(lossF) ? "adversary" : "classifier") + " loss became non-finite at epoch "
                + std::to_string(epoch) + ", batch " + std::to_string(b + 1) + " of "
                + std::to_string(run.batches)
                + ". Lower the learning rates or lambda; the networks keep the weights of the epoch's "
                  "start.");
        }
        const std::int64_t k = rows.size(0);
        sumF += lossF * double(k);
        sumR += lossR * double(k);
        seen += k;
        if (run.observer) {
            BatchStats stats;
            stats.epoch = epoch;
            stats.epochs = m_config.totalEpochs();
            stats.batch = b + 1;
            stats.batches = run.batches;
            stats.samples = k;
            stats.loss = phase == Phase::Adversary ? lossR : lossF - m_config.lambda * lossR;
            stats.meanLoss
                = (phase == Phase::Adversary ? sumR : sumF - m_config.lambda * sumR) / double(seen);
            stats.learningRate = learningRate(*m_classifierOptimizer);
            stats.seconds = secondsSince(batchStart);
            stats.epochSeconds = secondsSince(epochStart);
            stats.samplesPerSecond = double(seen) / std::max(stats.epochSeconds, 1e-9);
            run.observer->onBatchEnd(stats);
        }
    }
    const double trainSeconds = secondsSince(epochStart);
    std::map<std::string, double> metrics = measure(run.training);
    if (run.validation.size() > 0)
        for (const auto& [name, value] : measure(run.validation))
            metrics["val_" + name] = value;
    m_history.append(metrics);
    run.summary.epochsCompleted = epoch;
    run.summary.finalMetrics = metrics;
    if (run.observer) {
        EpochStats stats;
        stats.epoch = epoch;
        stats.epochs = m_config.totalEpochs();
        stats.metrics = metrics;
        stats.learningRate = learningRate(*m_classifierOptimizer);
        stats.seconds = secondsSince(epochStart);
        stats.trainSeconds = trainSeconds;
        stats.samplesPerSecond = double(n) / std::max(trainSeconds, 1e-9);
        run.observer->onEpochEnd(stats);
    }
    return true;
}

torch::Tensor PivotTrainer::adversaryInput(const torch::Tensor& s, const torch::Tensor& y) const
{
    const torch::Tensor column = s.reshape({ -1, 1 });
    return m_config.classConditional ? torch::cat({ column, y.reshape({ -1, 1 }).to(column.dtype()) }, 1)
                                     : column;
}

double PivotTrainer::adversaryStep(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& z)
{
    torch::Tensor s;
    {
        torch::NoGradGuard noGrad;
        s = m_classifier->forward(x);
    }
    m_adversaryOptimizer->zero_grad();
    const torch::Tensor loss
        = mixtureNll(m_adversary->forward(adversaryInput(s, y)), z, m_config.mixtureComponents);
    const double value = loss.item<double>();
    if (!std::isfinite(value))
        return value;
    loss.backward();
    m_adversaryOptimizer->step();
    return value;
}

double PivotTrainer::classifierStep(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& z,
    bool adversarial, double& adversaryLoss)
{
    m_classifierOptimizer->zero_grad();
    const torch::Tensor logits = m_classifier->forwardLogits(x).reshape({ -1 });
    const torch::Tensor lossF = torch::binary_cross_entropy_with_logits(logits, y);
    torch::Tensor objective = lossF;
    if (adversarial) {
        // The adversary's loss as the classifier sees it: its gradient flows back through the classifier's
        // output, but only the classifier's optimizer steps here.
        const torch::Tensor lossR = mixtureNll(
            m_adversary->forward(adversaryInput(torch::sigmoid(logits), y)), z, m_config.mixtureComponents);
        objective = lossF - m_config.lambda * lossR;
        adversaryLoss = lossR.item<double>();
    }
    const double value = lossF.item<double>();
    if (!std::isfinite(objective.item<double>()))
        return std::nan("");
    objective.backward();
    m_classifierOptimizer->step();
    m_adversary->zero_grad();
    return value;
}

std::map<std::string, double> PivotTrainer::measure(const PivotData& data)
{
    torch::NoGradGuard noGrad;
    m_classifier->eval();
    m_adversary->eval();
    double sumF = 0, sumR = 0;
    std::vector<torch::Tensor> all;
    for (std::int64_t begin = 0; begin < data.size(); begin += kPivotChunk) {
        const std::int64_t end = std::min(begin + kPivotChunk, data.size());
        const torch::Tensor logits
            = m_classifier->forwardLogits(data.features.slice(0, begin, end)).reshape({ -1 });
        const torch::Tensor s = torch::sigmoid(logits);
        const double k = double(end - begin);
        sumF += k
            * torch::binary_cross_entropy_with_logits(logits, data.targets.slice(0, begin, end))
                  .item<double>();
        sumR += k
            * mixtureNll(m_adversary->forward(adversaryInput(s, data.targets.slice(0, begin, end))),
                data.nuisance.slice(0, begin, end), m_config.mixtureComponents)
                  .item<double>();
        all.push_back(s.cpu());
    }
    m_classifier->train();
    m_adversary->train();
    const double n = double(std::max<std::int64_t>(data.size(), 1));
    return { { "loss", sumF / n }, { "adversary_loss", sumR / n },
        { "auc", rocAuc(torch::cat(all), data.targets.cpu().to(torch::kInt64)) } };
}

ThreadChoice PivotTrainer::chooseCpuThreads(const PivotData& training)
{
    const std::string workload = "pivot|" + modelToJson(m_classifierGraph).dump() + "|"
        + modelToJson(m_adversaryGraph).dump() + "|batch " + std::to_string(m_config.batchSize) + "|"
        + m_config.classifierOptimizer.name + "|" + m_config.adversaryOptimizer.name;
    const auto probe = [&]() -> std::function<void()> {
        auto random = std::make_shared<RandomStream>(m_config.seed);
        RandomStream::Scope scope(*random);
        GraphModule classifier(m_classifierGraph), adversary(m_adversaryGraph);
        classifier->to(m_device);
        adversary->to(m_device);
        std::shared_ptr<torch::optim::Optimizer> fOptimizer
            = makeOptimizer(m_config.classifierOptimizer, classifier->parameters());
        std::shared_ptr<torch::optim::Optimizer> rOptimizer
            = makeOptimizer(m_config.adversaryOptimizer, adversary->parameters());
        const torch::Tensor x = training.features.slice(0, 0, m_config.batchSize);
        const torch::Tensor z = training.nuisance.slice(0, 0, m_config.batchSize);
        const torch::Tensor y = training.targets.slice(0, 0, m_config.batchSize);
        const int components = m_config.mixtureComponents;
        return [=]() mutable {
            RandomStream::Scope inner(*random);
            rOptimizer->zero_grad();
            mixtureNll(adversary->forward(adversaryInput(classifier->forward(x).detach(), y)), z, components)
                .backward();
            rOptimizer->step();
            fOptimizer->zero_grad();
            const torch::Tensor s = classifier->forward(x);
            (s.mean() - mixtureNll(adversary->forward(adversaryInput(s, y)), z, components)).backward();
            fOptimizer->step();
        };
    };
    return chooseRunThreads(m_config.threads, m_device.is_cpu(), workload, probe);
}

torch::Tensor PivotTrainer::scores(const torch::Tensor& features)
{
    torch::NoGradGuard noGrad;
    m_classifier->eval();
    std::vector<torch::Tensor> parts;
    for (std::int64_t begin = 0; begin < features.size(0); begin += kPivotChunk)
        parts.push_back(
            m_classifier
                ->forward(features.slice(0, begin, std::min(begin + kPivotChunk, features.size(0)))
                              .to(m_device, torch::kFloat32))
                .reshape({ -1 })
                .cpu());
    m_classifier->train();
    return parts.empty() ? torch::empty({ 0 }) : torch::cat(parts);
}

} // namespace neurino
