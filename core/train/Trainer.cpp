#include "core/train/Trainer.h"

#include "core/data/Batcher.h"
#include "core/dist/DistGroup.h"
#include "core/dist/GradientBuckets.h"
#include "core/graph/ModelJson.h"
#include "core/train/Optimizers.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/Seed.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdlib>

namespace neurino {

namespace {

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    return formatShape(Shape(shape.begin(), shape.end()));
}

} // namespace

Trainer::Trainer(const ModelGraph& graph, TrainConfig config)
    : m_graph(graph)
    , m_config(std::move(config))
{
    m_config.validate();
    m_random.reseed(m_config.seed);
    RandomStream::Scope scope(m_random);
    m_module = GraphModule(m_graph);
}

Trainer::Trainer(const Checkpoint& checkpoint, std::optional<TrainConfig> config)
    : m_graph(checkpoint.graph)
    , m_config(config ? *config : checkpoint.config)
{
    m_config.validate();
    if (m_config.optimizer.name != checkpoint.optimizerName)
        throw TrainError("the run was trained with optimizer '" + checkpoint.optimizerName
            + "'; resuming it with '" + m_config.optimizer.name + "' would lose its state — keep '"
            + checkpoint.optimizerName + "' or start a new run");
    m_module = GraphModule(m_graph);
    loadWeights(m_module, checkpoint.weights);
    m_epoch = checkpoint.epoch;
    m_history = checkpoint.history;
    m_history.truncate(static_cast<std::size_t>(m_epoch));
    m_standardizer = checkpoint.standardizer;
    m_bestWeights = checkpoint.bestWeights;
    m_dataOrigin = checkpoint.data.origin;
    m_featuresPath = checkpoint.data.featuresPath;
    m_targetsPath = checkpoint.data.targetsPath;
    m_resume = checkpoint;
    // The optimizer, schedule and early stopping are rebuilt in prepare(); their state waits in m_resume.
    m_resume->weights.clear();
    m_resume->bestWeights.clear();
}

Trainer::~Trainer() = default;

void Trainer::setEpochs(int epochs)
{
    if (epochs < 1)
        throw TrainError("a run needs at least 1 epoch");
    m_config.epochs = epochs;
    m_schedule.reset();
}

void Trainer::setDataSource(
    const std::string& origin, const std::string& featuresPath, const std::string& targetsPath)
{
    m_dataOrigin = origin;
    m_featuresPath = featuresPath;
    m_targetsPath = targetsPath;
}

void Trainer::checkDataFitsModel(const Dataset& data) const
{
    const auto inputs = m_graph.inputNodes();
    if (inputs.size() != 1)
        throw ModelError("the model has " + std::to_string(inputs.size())
            + " Input nodes; training from one feature tensor needs exactly one");
    const Shape& in = m_module->shapes().at(inputs.front());
    const auto sample = data.sampleShape();
    if (Shape(sample.begin(), sample.end()) != in)
        throw DataError("the model's input '" + inputs.front() + "' takes samples of shape " + formatShape(in)
            + " but the dataset '" + data.info.origin + "' has samples of shape " + shapeText(sample)
            + "; choose the matching feature set or change the Input node's shape");
    const std::string outputId = m_graph.outputNode();
    const std::int64_t width = shapeVolume(m_module->shapes().at(outputId));
    const Task task = data.info.task;
    if (task == Task::Reconstruction) {
        if (width != shapeVolume(in))
            throw DataError("a reconstruction reproduces its input, but the model's output '" + outputId
                + "' has " + std::to_string(width) + " values per sample and its input '" + inputs.front()
                + "' " + std::to_string(shapeVolume(in)) + "; end the decoder with as many values as go in");
        return;
    }
    if (!data.targets.defined() || task == Task::Unlabelled)
        throw DataError(
            "the dataset '" + data.info.origin + "' has no targets; training needs labelled data");
    if (task == Task::Binary || task == Task::Classification) {
        const std::int64_t classes = std::max<std::int64_t>(data.targets.max().item<std::int64_t>() + 1,
            static_cast<std::int64_t>(data.info.classNames.size()));
        if (data.targets.min().item<std::int64_t>() < 0)
            throw DataError("the dataset '" + data.info.origin + "' has negative class labels");
        if (m_loss->name() == "binary_cross_entropy" && width != 1)
            throw DataError("binary cross-entropy needs one output per sample, but the model's output '"
                + outputId + "' has " + std::to_string(width) + "; end the model with Dense 1 (sigmoid)");
        if (m_loss->name() == "cross_entropy" && width < classes)
            throw DataError("the dataset has " + std::to_string(classes) + " classes but the model's output '"
                + outputId + "' has " + std::to_string(width) + " values; end the model with Dense "
                + std::to_string(classes) + " (softmax)");
    } else {
        const std::int64_t targetWidth
            = data.targets.numel() / std::max<std::int64_t>(data.targets.size(0), 1);
        if (targetWidth != width)
            throw DataError("the dataset has " + std::to_string(targetWidth)
                + " target value(s) per sample but the "
                  "model's output '"
                + outputId + "' has " + std::to_string(width));
    }
}

void Trainer::setData(std::shared_ptr<const Dataset> data, std::optional<SplitIndices> split)
{
    if (!data || data->size() == 0)
        throw DataError("the dataset is empty");
    m_loss = std::make_unique<Loss>(
        m_config.loss, data->info.task, m_module->outputActivation(), m_config.huberDelta);
    checkDataFitsModel(*data);
    if (m_resume) {
        const DataSignature& saved = m_resume->data;
        if (saved.size != data->size() || saved.sampleShape != data->sampleShape())
            throw DataError("this run was trained on " + std::to_string(saved.size) + " samples of shape "
                + shapeText(saved.sampleShape) + " ('" + saved.origin + "'), but the data given has "
                + std::to_string(data->size()) + " of shape " + shapeText(data->sampleShape())
                + "; resume with the same dataset");
    }
    if (split) {
        m_split = *split;
    } else {
        const SplitFractions fractions { m_config.validationSplit, m_config.testSplit };
        m_split = m_config.stratify
                && (data->info.task == Task::Binary || data->info.task == Task::Classification)
            ? makeStratifiedSplit(data->targets, fractions, m_config.seed)
            : makeSplit(data->size(), fractions, m_config.seed);
    }
    if (!m_resume) {
        const bool flat = data->sampleShape().size() == 1;
        const bool standardize = m_config.standardize == "on" || (m_config.standardize == "auto" && flat);
        m_standardizer = standardize
            ? Standardizer::fit(data->features, m_split.train, data->info.featureNames)
            : Standardizer();
    }
    if (m_dataOrigin.empty())
        m_dataOrigin = data->info.origin;
    m_data = std::move(data);
}

std::string Trainer::monitoredMetric() const
{
    const std::string& wanted = m_config.earlyStopping.monitor;
    const bool validation = m_split.validationSize() > 0;
    if (wanted.rfind("val_", 0) == 0 && !validation) {
        if (m_config.earlyStopping.enabled)
            throw TrainError("early stopping monitors '" + wanted
                + "' but there is no validation part; set a "
                  "validation split (e.g. --val-split 0.2) or monitor 'loss'");
        return "loss"; // best.h5 then follows the training loss
    }
    return wanted;
}

void Trainer::prepare()
{
    if (!m_data)
        throw TrainError("no data to train on; give the trainer a dataset first");
    m_device = selectDevice(m_config.device);
    // Ranks sharing a node take a GPU each, by local rank, unless the config names one.
    if (m_dist && m_device.is_cuda() && m_config.device.find(':') == std::string::npos)
        m_device = c10::Device(c10::kCUDA,
            static_cast<c10::DeviceIndex>(
                m_dist->env().localRank % std::max<int>(1, torch::cuda::device_count())));
    m_threads = chooseCpuThreads();
    m_module->to(m_device);
    if (m_dist && !m_buckets)
        joinRanks();
    if (!m_optimizer) {
        m_optimizer = makeOptimizer(m_config.optimizer, m_module->parameters());
        if (m_resume) {
            importOptimizerState(
                *m_optimizer, m_resume->optimizerName, namedParameters(), m_resume->optimizerState);
            setLearningRate(*m_optimizer, m_resume->learningRate);
        }
    }
    if (!m_schedule) {
        m_schedule = std::make_unique<LrSchedule>(
            m_config.schedule, m_config.optimizer.learningRate, m_config.epochs);
        if (m_resume)
            m_schedule->restore(m_resume->trainerState.value("schedule", nlohmann::json()));
    }
    if (!m_early) {
        EarlyStoppingConfig early = m_config.earlyStopping;
        early.monitor = monitoredMetric();
        m_early = std::make_unique<EarlyStopping>(early);
        if (m_resume)
            m_early->restore(m_resume->trainerState.value("early_stopping", nlohmann::json()));
    }
    if (m_resume) {
        if (m_resume->rngState.defined())
            m_random.setState(m_resume->rngState);
        m_resume.reset();
    }
}

ThreadChoice Trainer::chooseCpuThreads()
{
    if (m_threadsMeasured) {
        torch::set_num_threads(m_threads.threads);
        return m_threads;
    }
    const std::string workload = modelToJson(m_graph).dump() + "|batch " + std::to_string(m_config.batchSize)
        + "|" + m_config.optimizer.name + "|" + m_loss->name() + "|" + shapeText(m_data->sampleShape());
    const ThreadChoice choice = chooseRunThreads(
        m_config.threads, m_device.is_cpu(), workload, [this] { return threadProbeStep(); });
    m_threadsMeasured
        = choice.how == ThreadChoice::How::Measured || choice.how == ThreadChoice::How::Remembered;
    return choice;
}

// One optimisation step of a throwaway copy of the model on the first training batch, with an optimizer of
// the run's kind, drawing from a stream of its own: timing it leaves the run's weights and random numbers as
// they were. (Penalties and clipping are left out: they cost little beside the forward and backward pass.)
std::function<void()> Trainer::threadProbeStep()
{
    auto random = std::make_shared<RandomStream>(m_config.seed);
    RandomStream::Scope scope(*random);
    GraphModule module(m_graph);
    module->train();
    std::shared_ptr<torch::optim::Optimizer> optimizer
        = makeOptimizer(m_config.optimizer, module->parameters());
    BatcherOptions options;
    options.batchSize = m_config.batchSize;
    options.shuffle = false;
    const Batch batch
        = Batcher(*m_data, m_split.train, options, m_standardizer.fitted() ? &m_standardizer : nullptr)
              .batch(0);
    const Loss* loss = m_loss.get();
    return [random, module, optimizer, batch, loss]() mutable {
        RandomStream::Scope inner(*random);
        optimizer->zero_grad();
        const torch::Tensor out
            = loss->usesLogits() ? module->forwardLogits(batch.features) : module->forward(batch.features);
        loss->compute(out, batch.targets).backward();
        optimizer->step();
    };
}

void Trainer::setDistributed(std::shared_ptr<DistGroup> group)
{
    m_dist = std::move(group);
    m_buckets.reset();
}

// Every rank starts from rank 0's weights and statistics (a resumed run's are equal already; taking them
// costs one broadcast) and checks that each rank has samples in every global batch but a last small one.
void Trainer::joinRanks()
{
    if (m_config.batchSize < m_dist->size() || m_split.trainSize() < m_dist->size())
        throw TrainError("a run on " + std::to_string(m_dist->size())
            + " ranks needs a global batch size and " + "a training part of at least "
            + std::to_string(m_dist->size()) + " samples (batch " + std::to_string(m_config.batchSize) + ", "
            + std::to_string(m_split.trainSize()) + " training samples)");
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> state = m_module->parameters();
    m_buffers = m_module->buffers();
    state.insert(state.end(), m_buffers.begin(), m_buffers.end());
    m_dist->broadcast(state, /*root=*/0, "the initial weights");
    m_buckets = std::make_unique<GradientBuckets>(m_module->parameters());
}

void Trainer::syncBuffers()
{
    if (m_buffers.empty())
        return;
    torch::NoGradGuard noGrad;
    m_dist->broadcast(m_buffers, /*root=*/0, "BatchNorm's running statistics");
}

std::int64_t Trainer::allReducedBytesPerStep() const
{
    return m_buckets ? m_buckets->bytesPerStep() : 0;
}

NamedParameters Trainer::namedParameters() const
{
    NamedParameters out;
    for (const auto& p : m_module->named_parameters()) {
        std::string name = p.key();
        const auto dot = name.find('.');
        if (dot != std::string::npos)
            name[dot] = '/';
        out.emplace_back(name, p.value());
    }
    return out;
}

double Trainer::learningRate() const
{
    return m_optimizer ? neurino::learningRate(*m_optimizer) : m_config.optimizer.learningRate;
}

std::int64_t Trainer::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : m_module->parameters())
        n += p.numel();
    return n;
}

int Trainer::bestEpoch() const
{
    return m_early ? m_early->bestEpoch() : 0;
}

Evaluation Trainer::evaluate(DataPart part, bool keepScores)
{
    if (!m_data)
        throw TrainError("no data to evaluate on; give the trainer a dataset first");
    if (!m_optimizer)
        prepare();
    torch::Tensor rows;
    switch (part) {
    case DataPart::Train:
        rows = m_split.train;
        break;
    case DataPart::Validation:
        rows = m_split.validation;
        break;
    case DataPart::Test:
        rows = m_split.test;
        break;
    case DataPart::All:
        rows = torch::arange(m_data->size(), torch::kInt64);
        break;
    }
    EvaluationOptions options;
    options.batchSize = std::max<std::int64_t>(m_config.batchSize, 1024);
    options.device = m_device;
    options.metrics = m_config.metrics;
    options.keepScores = keepScores;
    return evaluateModel(
        m_module, *m_loss, *m_data, rows, m_standardizer.fitted() ? &m_standardizer : nullptr, options);
}

Checkpoint Trainer::checkpoint() const
{
    Checkpoint c;
    c.graph = m_graph;
    c.config = m_config;
    c.epoch = m_epoch;
    c.seed = m_config.seed;
    c.weights = copyWeights(m_module);
    if (m_config.earlyStopping.enabled && m_config.earlyStopping.restoreBestWeights)
        c.bestWeights = m_bestWeights;
    c.optimizerName = m_config.optimizer.name;
    if (m_optimizer) {
        c.learningRate = neurino::learningRate(*m_optimizer);
        c.optimizerState = exportOptimizerState(*m_optimizer, namedParameters());
    } else if (m_resume) {
        c.learningRate = m_resume->learningRate;
        c.optimizerState = m_resume->optimizerState;
    } else {
        c.learningRate = m_config.optimizer.learningRate;
    }
    c.standardizer = m_standardizer;
    c.history = m_history;
    if (m_schedule)
        c.trainerState["schedule"] = m_schedule->state();
    if (m_early)
        c.trainerState["early_stopping"] = m_early->state();
    if (m_resume && !m_schedule)
        c.trainerState = m_resume->trainerState;
    c.rngState = m_resume && m_resume->rngState.defined() ? m_resume->rngState : m_random.state();
    if (m_data) {
        c.data.size = m_data->size();
        c.data.sampleShape = m_data->sampleShape();
        c.data.task = taskName(m_data->info.task);
        c.data.classNames = m_data->info.classNames;
        c.data.featureNames = m_data->info.featureNames;
    } else if (m_resume) {
        c.data = m_resume->data;
    }
    c.data.origin = m_dataOrigin;
    c.data.featuresPath = m_featuresPath;
    c.data.targetsPath = m_targetsPath;
    return c;
}

Checkpoint Trainer::bestCheckpoint() const
{
    Checkpoint c = checkpoint();
    if (!m_bestWeights.empty())
        c.weights = m_bestWeights;
    return c;
}

} // namespace neurino
