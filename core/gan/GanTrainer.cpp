#include "core/gan/GanTrainer.h"

#include "core/nn/BatchNormAxis.h"
#include "core/train/Checkpoint.h"
#include "core/train/OptimizerState.h"
#include "core/train/Optimizers.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/Seed.h"

#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <sstream>

namespace neurino {

namespace {

// Generated showers are made and compared in chunks of this many, to bound memory.
constexpr std::int64_t kSampleChunk = 512;

std::vector<std::int64_t> withBatch(std::int64_t n, const Shape& shape)
{
    std::vector<std::int64_t> sizes { n };
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    return sizes;
}

bool isImageShape(const Shape& shape)
{
    return shape.size() == 2 || (shape.size() == 3 && shape[0] == 1);
}

void checkInputs(const ModelGraph& graph, const std::string& role, bool conditional)
{
    const auto inputs = graph.inputNodes();
    const std::size_t expected = conditional ? 2 : 1;
    if (inputs.size() != expected)
        throw ModelError("the " + role + " '" + graph.name() + "' has " + std::to_string(inputs.size())
            + " Input node(s); a " + (conditional ? "conditional" : "plain") + " GAN needs "
            + std::to_string(expected)
            + (conditional ? " (the " + std::string(role == "generator" ? "latent noise" : "image")
                        + " first, then the condition of shape (1))"
                           : ""));
    if (conditional) {
        const Shape shape = paramIntList(graph.node(inputs[1]).layer.params, "shape");
        if (shape != Shape { 1 })
            throw ModelError("the " + role + "'s condition input '" + inputs[1]
                + "' must have shape (1,), not " + formatShape(shape));
    }
}

// Images (N, H, W) of a batch of (N, 1, H, W) or (N, H, W) samples.
torch::Tensor planes(const torch::Tensor& x)
{
    return x.dim() == 4 ? x.squeeze(1) : x;
}

} // namespace

std::string summaryText(const GanSummary& s)
{
    std::ostringstream text;
    text << "GAN run: " << stopReasonName(s.reason) << " after " << s.epochsCompleted << " epoch(s), "
         << s.seconds << " s\n";
    for (const auto& [name, value] : s.finalMetrics)
        text << "  " << name << " = " << value << "\n";
    if (!s.message.empty())
        text << s.message << "\n";
    return text.str();
}

ShowerReference::ShowerReference(const torch::Tensor& real)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor r = planes(real).to(torch::kFloat);
    sortedSums = std::get<0>(r.sum({ 1, 2 }).sort());
    transverse = r.sum(2).mean(0);
    longitudinal = r.sum(1).mean(0);
    meanEnergy = std::max(sortedSums.mean().item<double>(), 1e-12);
}

torch::Tensor physicsLoss(const ShowerReference& real, const torch::Tensor& generated)
{
    const torch::Tensor g = planes(generated);
    const std::int64_t k = g.size(0), n = real.sortedSums.size(0);
    // The 1-D Wasserstein distance of the batch's sums to the real spectrum: the i-th smallest generated sum
    // against the real sums' (i + 1/2) / k quantile.
    const torch::Tensor at
        = ((torch::arange(k, torch::TensorOptions().dtype(torch::kDouble)) + 0.5) * (double(n) / double(k)))
              .floor()
              .clamp_max(double(n - 1))
              .to(torch::kLong)
              .to(real.sortedSums.device());
    const torch::Tensor quantiles = real.sortedSums.index_select(0, at);
    const torch::Tensor sums = (std::get<0>(g.sum({ 1, 2 }).sort()) - quantiles).abs().mean();
    const torch::Tensor across = (g.sum(2).mean(0) - real.transverse).abs().sum();
    const torch::Tensor along = (g.sum(1).mean(0) - real.longitudinal).abs().sum();
    return (sums + across + along) / real.meanEnergy;
}

GanTrainer::GanTrainer(const ModelGraph& generator, const ModelGraph& discriminator, const GanConfig& config)
    : m_config(config)
    , m_generatorGraph(generator)
    , m_discriminatorGraph(discriminator)
    , m_device(selectDevice(config.device))
{
    m_config.validate();
    checkInputs(generator, "generator", config.conditional);
    checkInputs(discriminator, "discriminator", config.conditional);
    m_random.reseed(config.seed);
    RandomStream::Scope scope(m_random);
    m_generator = GraphModule(generator);
    m_discriminator = GraphModule(discriminator);

    const Shape latentShape = m_generator->shapes().at(generator.inputNodes()[0]);
    if (latentShape.size() != 1)
        throw ModelError("the generator's latent input must be a vector, not " + formatShape(latentShape));
    m_latentSize = latentShape[0];
    const Shape made = m_generator->shapes().at(generator.outputNode());
    const Shape judged = m_discriminator->shapes().at(discriminator.inputNodes()[0]);
    if (made != judged)
        throw ModelError("the generator makes samples of shape " + formatShape(made)
            + " but the discriminator takes " + formatShape(judged) + "; change one of them to match");
    const Shape verdict = m_discriminator->shapes().at(discriminator.outputNode());
    if (verdict != Shape { 1 })
        throw ModelError("the discriminator must end in one value per sample (shape (1,)), not "
            + formatShape(verdict) + "; end it with Dense 1");

    m_generator->to(m_device);
    m_discriminator->to(m_device);
    m_generatorOptimizer = makeOptimizer(m_config.generatorOptimizer, m_generator->parameters());
    m_discriminatorOptimizer = makeOptimizer(m_config.discriminatorOptimizer, m_discriminator->parameters());
}

GanTrainer::~GanTrainer() = default;

torch::Tensor GanTrainer::latent(std::int64_t n)
{
    torch::Tensor z = torch::randn({ n, m_latentSize }, torch::TensorOptions().device(m_device));
    if (m_config.latentScaleHigh != 1.0 || m_config.latentScaleLow != 1.0) {
        const torch::Tensor scale = torch::rand({ n, 1 }, torch::TensorOptions().device(m_device))
                * (m_config.latentScaleHigh - m_config.latentScaleLow)
            + m_config.latentScaleLow;
        z = z * scale;
    }
    return z;
}

torch::Tensor GanTrainer::generate(const torch::Tensor& z, const torch::Tensor& cond)
{
    return m_config.conditional ? m_generator->forward({ z, cond }) : m_generator->forward(z);
}

torch::Tensor GanTrainer::criticLogits(const torch::Tensor& x, const torch::Tensor& cond)
{
    return (m_config.conditional ? m_discriminator->forwardLogits({ x, cond })
                                 : m_discriminator->forwardLogits(x))
        .flatten();
}

torch::Tensor GanTrainer::gradientPenalty(const torch::Tensor& real, const torch::Tensor& fake,
    const torch::Tensor& cond, std::int64_t global, std::int64_t from)
{
    std::vector<std::int64_t> shape(static_cast<std::size_t>(real.dim()), 1);
    shape[0] = global;
    const torch::Tensor alpha = torch::rand(shape, real.options()).slice(0, from, from + real.size(0));
    torch::Tensor mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(true);
    const torch::Tensor critic = criticLogits(mixed, cond);
    const torch::Tensor grad = torch::autograd::grad({ critic.sum() }, { mixed }, /*grad_outputs=*/ {},
        /*retain_graph=*/true, /*create_graph=*/true)[0];
    return (grad.flatten(1).norm(2, 1) - 1).pow(2).mean();
}

std::optional<ShowerReference> GanTrainer::physicsReference(const torch::Tensor& real) const
{
    const Shape made = m_generator->shapes().at(m_generatorGraph.outputNode());
    if (m_config.physicsWeight > 0 && isImageShape(made))
        return ShowerReference(real);
    return std::nullopt;
}

void GanTrainer::refreshGeneratorStatistics(const torch::Tensor& conditions, std::int64_t batches)
{
    std::vector<BatchNormAxisImpl*> norms;
    std::vector<double> momenta;
    for (const auto& module : m_generator->modules(/*include_self=*/false)) {
        if (auto* norm = dynamic_cast<BatchNormAxisImpl*>(module.get())) {
            norms.push_back(norm);
            momenta.push_back(norm->momentum());
        }
    }
    if (norms.empty())
        return;
    torch::NoGradGuard noGrad;
    RandomStream::Scope scope(m_random);
    const bool wasTraining = m_generator->is_training();
    m_generator->train();
    const std::int64_t k = m_config.batchSize;
    torch::Generator picker = at::detail::createCPUGenerator(m_config.seed + 29);
    for (std::int64_t b = 0; b < batches; ++b) {
        for (auto* norm : norms)
            norm->setMomentum(1.0 / double(b + 1));
        torch::Tensor c;
        if (m_config.conditional)
            c = conditions.index_select(
                0, torch::randint(conditions.size(0), { k }, picker, torch::kLong).to(conditions.device()));
        generate(latent(k), c);
    }
    for (std::size_t i = 0; i < norms.size(); ++i)
        norms[i]->setMomentum(momenta[i]);
    m_generator->train(wasTraining);
}

torch::Tensor GanTrainer::sample(
    std::int64_t count, const torch::Tensor& conditions, std::optional<std::uint64_t> seed)
{
    if (m_config.conditional && (!conditions.defined() || conditions.numel() != count))
        throw DataError("a conditional GAN needs one condition per generated sample");
    torch::NoGradGuard noGrad;
    RandomStream own(seed.value_or(0));
    RandomStream::Scope scope(seed ? own : m_random);
    const bool wasTraining = m_generator->is_training();
    m_generator->eval();
    std::vector<torch::Tensor> parts;
    for (std::int64_t from = 0; from < count; from += kSampleChunk) {
        const std::int64_t k = std::min(kSampleChunk, count - from);
        torch::Tensor c;
        if (m_config.conditional)
            c = (conditions.to(torch::kFloat).reshape({ count, 1 }).slice(0, from, from + k)
                * m_conditionScale)
                    .to(m_device);
        parts.push_back(generate(latent(k), c).to(torch::kCPU));
    }
    m_generator->train(wasTraining);
    return parts.empty() ? torch::empty(withBatch(0, m_generator->shapes().at(m_generatorGraph.outputNode())))
                         : torch::cat(parts);
}

GanSamples GanTrainer::epochSamples(int epoch, const torch::Tensor& real, const torch::Tensor& conditions)
{
    GanSamples s;
    s.epoch = epoch;
    const std::int64_t n = real.size(0);
    const std::int64_t shown = std::min(m_config.samplesShown, n);
    const std::int64_t compared = std::min(m_config.validationShowers, n);
    // The same real showers every epoch, so the figures compare across epochs.
    torch::Generator picker = at::detail::createCPUGenerator(m_config.seed + 17);
    const torch::Tensor pick = torch::randperm(n, picker, torch::kLong).slice(0, 0, compared);
    const torch::Tensor realPick
        = real.index_select(0, pick.to(real.device())).to(torch::kCPU, torch::kFloat);
    torch::Tensor cond;
    if (conditions.defined())
        cond = conditions.index_select(0, pick.to(conditions.device())).to(torch::kCPU).flatten();
    const torch::Tensor generated = sample(compared, cond);
    s.generated = generated.slice(0, 0, shown).clone();
    s.real = realPick.slice(0, 0, shown).clone();
    if (cond.defined())
        s.conditions = cond.slice(0, 0, shown).clone();
    const Shape shape(real.sizes().begin() + 1, real.sizes().end());
    if (isImageShape(shape)) {
        s.hasShowerComparison = true;
        s.realStats = showerStats(realPick);
        s.generatedStats = showerStats(generated);
        s.comparison = compareShowers(s.realStats, s.generatedStats);
    }
    return s;
}

void GanTrainer::save(const std::string& dir) const
{
    std::filesystem::create_directories(dir);
    auto write = [&](const std::string& role, const ModelGraph& graph, const GraphModule& module,
                     const torch::optim::Optimizer& optimizer, const OptimizerConfig& optimizerConfig) {
        Checkpoint cp;
        cp.graph = graph;
        cp.config.optimizer = optimizerConfig;
        cp.config.epochs = m_config.epochs;
        cp.config.batchSize = m_config.batchSize;
        cp.config.device = m_config.device;
        cp.config.seed = m_config.seed;
        cp.epoch = m_epochsDone;
        cp.seed = m_config.seed;
        cp.weights = copyWeights(module);
        cp.optimizerName = optimizerConfig.name;
        cp.learningRate = learningRate(optimizer);
        cp.optimizerState = exportOptimizerState(optimizer, module->namedNodeParameters());
        cp.history = m_history;
        cp.trainerState = { { "gan", m_config.toJson() }, { "role", role }, { "latent_size", m_latentSize },
            { "condition_scale", m_conditionScale }, { "schedules", m_scheduleState } };
        saveCheckpoint(dir + "/" + role + ".h5", cp);
    };
    write("generator", m_generatorGraph, m_generator, *m_generatorOptimizer, m_config.generatorOptimizer);
    write("discriminator", m_discriminatorGraph, m_discriminator, *m_discriminatorOptimizer,
        m_config.discriminatorOptimizer);
}

std::unique_ptr<GanTrainer> GanTrainer::load(const std::string& dir)
{
    const Checkpoint g = loadCheckpoint(dir + "/generator.h5");
    const Checkpoint d = loadCheckpoint(dir + "/discriminator.h5");
    if (!g.trainerState.contains("gan") || g.trainerState.value("role", "") != "generator")
        throw IoError("'" + dir + "/generator.h5' is a checkpoint, but not of a GAN generator");
    auto trainer
        = std::make_unique<GanTrainer>(g.graph, d.graph, GanConfig::fromJson(g.trainerState.at("gan")));
    loadWeights(trainer->m_generator, g.weights, dir + "/generator.h5");
    loadWeights(trainer->m_discriminator, d.weights, dir + "/discriminator.h5");
    importOptimizerState(*trainer->m_generatorOptimizer, g.optimizerName,
        trainer->m_generator->namedNodeParameters(), g.optimizerState);
    importOptimizerState(*trainer->m_discriminatorOptimizer, d.optimizerName,
        trainer->m_discriminator->namedNodeParameters(), d.optimizerState);
    trainer->m_epochsDone = g.epoch;
    trainer->m_history = g.history;
    trainer->m_conditionScale = g.trainerState.value("condition_scale", 1.0);
    trainer->m_scheduleState = g.trainerState.value("schedules", nlohmann::json());
    return trainer;
}

} // namespace neurino
