#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

class DistGroup;

// Averages the gradients of data-parallel ranks each step, as PyTorch's DDP does: the parameters' gradients
// are flattened into buckets of about 25 MB (one all-reduce each, instead of one per tensor), summed over the
// ranks and copied back. Each rank's gradients are weighted by its share of the global batch first, so that
// an uneven last batch gives exactly the gradient of the global batch's mean loss. A few scalars (the
// batch's summed loss, a stop request) are summed in the same step, in double precision.
class GradientBuckets {
public:
    // Default bucket size, as DDP's bucket_cap_mb.
    static constexpr std::int64_t kBucketBytes = 25 << 20;

    // Buckets `parameters` (those that require gradients) in order, by dtype and device.
    explicit GradientBuckets(std::vector<at::Tensor> parameters, std::int64_t bucketBytes = kBucketBytes);

    // Replaces every gradient by the sum over the ranks of weight * gradient (a missing gradient counts
    // as zero), and `scalars` by their sums over the ranks.
    void reduce(DistGroup& group, double weight, std::vector<double>& scalars);

    // Bytes of gradients one reduce() sums over the ranks (the scalars add 8 bytes each).
    std::int64_t bytesPerStep() const;
    std::size_t bucketCount() const { return m_buckets.size(); }

private:
    struct Bucket {
        std::vector<std::size_t> members; // indices into m_parameters
        std::int64_t elements = 0;
    };
    std::vector<at::Tensor> m_parameters;
    std::vector<Bucket> m_buckets;
};

} // namespace neurino
