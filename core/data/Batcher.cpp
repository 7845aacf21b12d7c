#include "core/data/Batcher.h"

#include "core/util/Error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace neurino {

std::uint64_t epochSeed(std::uint64_t seed, std::int64_t epoch)
{
    std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(epoch + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Batcher::Batcher(
    const Dataset& data, torch::Tensor rows, BatcherOptions options, const Standardizer* standardizer)
    : m_features(data.features)
    , m_targets(data.targets)
    , m_rows(rows.to(torch::kCPU, torch::kInt64))
    , m_options(options)
    , m_standardizer(standardizer)
    , m_reconstruct(data.info.task == Task::Reconstruction)
{
    if (m_options.shardCount < 1 || m_options.shardRank < 0 || m_options.shardRank >= m_options.shardCount)
        throw DataError("rank " + std::to_string(m_options.shardRank) + " is outside the "
            + std::to_string(m_options.shardCount) + " ranks of the run");
    if (m_options.batchSize < 1)
        throw DataError("the batch size must be at least 1, got " + std::to_string(m_options.batchSize));
    if (!m_features.defined())
        throw DataError("cannot make batches of a dataset without features");
    if (m_targets.defined() && m_targets.size(0) != m_features.size(0))
        throw DataError("the dataset has " + std::to_string(m_features.size(0)) + " feature rows but "
            + std::to_string(m_targets.size(0)) + " targets");
    if (m_rows.numel() > 0
        && (m_rows.min().item<std::int64_t>() < 0 || m_rows.max().item<std::int64_t>() >= m_features.size(0)))
        throw DataError(
            "batch rows outside the dataset's " + std::to_string(m_features.size(0)) + " samples");
    const std::int64_t bytes = m_features.numel() * static_cast<std::int64_t>(m_features.element_size());
    if (m_options.device.is_cuda() && bytes <= m_options.residentBytes) {
        m_features = m_features.to(m_options.device);
        if (m_targets.defined())
            m_targets = m_targets.to(m_options.device);
        m_resident = true;
    }
    setEpoch(0);
}

void Batcher::setEpoch(std::int64_t epoch)
{
    if (m_options.shuffle && m_rows.numel() > 1) {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(epochSeed(m_options.seed, epoch));
        m_order = m_rows.index_select(0, torch::randperm(m_rows.numel(), gen, torch::kInt64));
    } else {
        m_order = m_rows;
    }
    m_orderOnDevice = m_resident ? m_order.to(m_options.device) : torch::Tensor();
}

std::int64_t Batcher::batchCount() const
{
    const std::int64_t n = size(), b = m_options.batchSize;
    return m_options.dropLast ? n / b : (n + b - 1) / b;
}

std::int64_t Batcher::globalBatchSize(std::int64_t i) const
{
    const std::int64_t begin = i * m_options.batchSize;
    const std::int64_t end = std::min(size(), begin + m_options.batchSize);
    if (i < 0 || i >= batchCount() || begin >= end)
        throw DataError("batch " + std::to_string(i) + " is outside the " + std::to_string(batchCount())
            + " batches of this epoch");
    return end - begin;
}

std::int64_t Batcher::sliceStart(std::int64_t i) const
{
    return i * m_options.batchSize + globalBatchSize(i) * m_options.shardRank / m_options.shardCount;
}

Batch Batcher::batch(std::int64_t i) const
{
    const std::int64_t global = globalBatchSize(i);
    const std::int64_t begin = sliceStart(i);
    const std::int64_t end
        = i * m_options.batchSize + global * (m_options.shardRank + 1) / m_options.shardCount;
    Batch out;
    out.rows = m_order.slice(0, begin, end);
    const torch::Tensor index = m_resident ? m_orderOnDevice.slice(0, begin, end) : out.rows;
    torch::Tensor x = m_features.index_select(0, index);
    torch::Tensor y = m_targets.defined() ? m_targets.index_select(0, index) : torch::Tensor();
    if (!m_resident && m_options.device.is_cuda()) {
        x = x.pin_memory().to(m_options.device, /*non_blocking=*/true);
        if (y.defined())
            y = y.pin_memory().to(m_options.device, /*non_blocking=*/true);
    }
    out.features = m_standardizer ? m_standardizer->apply(x) : x.to(torch::kFloat32);
    // An autoencoder's targets are its inputs as the model sees them (standardised).
    out.targets = m_reconstruct ? out.features : y;
    return out;
}

} // namespace neurino
