#include "core/dist/GradientBuckets.h"

#include "core/dist/DistGroup.h"

#include <torch/torch.h>

namespace neurino {

GradientBuckets::GradientBuckets(std::vector<at::Tensor> parameters, std::int64_t bucketBytes)
{
    for (auto& p : parameters)
        if (p.requires_grad())
            m_parameters.push_back(p);
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        const at::Tensor& p = m_parameters[i];
        const bool fits = !m_buckets.empty() && [&] {
            const at::Tensor& first = m_parameters[m_buckets.back().members.front()];
            return first.scalar_type() == p.scalar_type() && first.device() == p.device()
                && (m_buckets.back().elements + p.numel()) * p.element_size() <= bucketBytes;
        }();
        if (!fits)
            m_buckets.emplace_back();
        m_buckets.back().members.push_back(i);
        m_buckets.back().elements += p.numel();
    }
}

void GradientBuckets::reduce(DistGroup& group, double weight, std::vector<double>& scalars)
{
    std::vector<at::Tensor> flats;
    flats.reserve(m_buckets.size());
    for (const Bucket& bucket : m_buckets) {
        std::vector<at::Tensor> parts;
        parts.reserve(bucket.members.size());
        for (std::size_t i : bucket.members) {
            const at::Tensor& p = m_parameters[i];
            parts.push_back(
                p.grad().defined() ? p.grad().reshape({ -1 }) : torch::zeros({ p.numel() }, p.options()));
        }
        flats.push_back(torch::cat(parts).mul_(weight));
    }
    group.allReduceSum(flats, "the gradients");
    // The scalars in double: the loss sums must not round to float.
    std::vector<at::Tensor> sums { torch::tensor(scalars, torch::kFloat64) };
    group.allReduceSum(sums, "the batch's loss");
    for (std::size_t b = 0; b < m_buckets.size(); ++b) {
        std::int64_t offset = 0;
        for (std::size_t i : m_buckets[b].members) {
            at::Tensor& p = m_parameters[i];
            const at::Tensor summed = flats[b].slice(0, offset, offset + p.numel()).view(p.sizes());
            if (p.grad().defined())
                p.mutable_grad().copy_(summed);
            else
                p.mutable_grad() = summed.clone();
            offset += p.numel();
        }
    }
    const auto* summed = sums.front().data_ptr<double>();
    for (std::size_t i = 0; i < scalars.size(); ++i)
        scalars[i] = summed[i];
}

std::int64_t GradientBuckets::bytesPerStep() const
{
    std::int64_t bytes = 0;
    for (const Bucket& bucket : m_buckets)
        bytes += bucket.elements * m_parameters[bucket.members.front()].element_size();
    return bytes;
}

} // namespace neurino
