// GanTrainer's data-parallel parts: joining the ranks, summing a network's gradients, and sharing rank 0's
// end of an epoch.
#include "core/gan/GanTrainer.h"

#include "core/dist/DistGroup.h"
#include "core/dist/GradientBuckets.h"
#include "core/util/Error.h"

#include <torch/torch.h>

namespace neurino {

namespace {

// The physics metrics rank 0 computes from the epoch's samples, in the order they travel.
constexpr const char* kShowerMetrics[] = { "energy_chi2_ndf", "profile_deviation", "central_cell_deviation" };

} // namespace

void GanTrainer::setDistributed(std::shared_ptr<DistGroup> group)
{
    m_dist = std::move(group);
    m_generatorBuckets.reset();
    m_discriminatorBuckets.reset();
}

std::int64_t GanTrainer::allReducedBytesPerStep() const
{
    if (!m_generatorBuckets)
        return 0;
    return m_config.discriminatorSteps * m_discriminatorBuckets->bytesPerStep()
        + m_generatorBuckets->bytesPerStep();
}

void GanTrainer::joinRanks(std::int64_t batch)
{
    // Each rank needs two samples of every global batch: BatchNorm cannot normalise one.
    if (batch < 2 * m_dist->size())
        throw TrainError("a GAN run on " + std::to_string(m_dist->size())
            + " ranks needs a global batch of at least " + std::to_string(2 * m_dist->size())
            + " samples (two per rank), not " + std::to_string(batch));
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> state;
    for (GraphModule* network : { &m_generator, &m_discriminator }) {
        for (const auto& p : (*network)->parameters())
            state.push_back(p);
        for (const auto& b : (*network)->buffers())
            state.push_back(b);
    }
    m_dist->broadcast(state, /*root=*/0, "the generator's and discriminator's initial weights");
    m_generatorBuckets = std::make_unique<GradientBuckets>(m_generator->parameters());
    m_discriminatorBuckets = std::make_unique<GradientBuckets>(m_discriminator->parameters());
}

void GanTrainer::reduceStep(
    GradientBuckets& network, std::int64_t n, std::int64_t k, std::vector<double>& sums)
{
    network.reduce(*m_dist, static_cast<double>(n) / static_cast<double>(k), sums);
}

void GanTrainer::shareEpochEnd(std::map<std::string, double>& metrics, bool& showerMetrics)
{
    torch::NoGradGuard noGrad;
    // The statistics rank 0 refreshed (and the discriminator's, which each rank ran on its own slices), the
    // stream its sampling advanced, and the figures of its samples.
    std::vector<torch::Tensor> shared;
    for (GraphModule* network : { &m_generator, &m_discriminator })
        for (const auto& b : (*network)->buffers())
            shared.push_back(b);
    const std::size_t buffers = shared.size();
    shared.push_back(m_random.state().clone());
    torch::Tensor figures = torch::zeros({ 4 }, torch::kDouble);
    if (showerMetrics) {
        figures[0] = 1.0;
        for (int i = 0; i < 3; ++i)
            figures[i + 1] = metrics.at(kShowerMetrics[i]);
    }
    shared.push_back(figures);
    m_dist->broadcast(
        shared, /*root=*/0, "the end of the epoch (statistics, random stream, physics figures)");
    m_random.setState(shared[buffers]);
    figures = shared[buffers + 1];
    showerMetrics = figures[0].item<double>() > 0;
    if (showerMetrics)
        for (int i = 0; i < 3; ++i)
            metrics[kShowerMetrics[i]] = figures[i + 1].item<double>();
}

} // namespace neurino
