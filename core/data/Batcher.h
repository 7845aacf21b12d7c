#pragma once

#include "core/data/Dataset.h"
#include "core/data/Standardizer.h"

#include <c10/core/Device.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

namespace neurino {

struct BatcherOptions {
    std::int64_t batchSize = 32;
    bool shuffle = true;
    bool dropLast = false; // drop a last batch smaller than batchSize
    c10::Device device = c10::kCPU; // where batches are delivered
    std::uint64_t seed = 0; // with the epoch, decides the order of every epoch
    // For a GPU: keep the whole dataset on the device when it is at most this many bytes, so batches are
    // gathered there instead of being copied over one by one. 0 never does.
    std::int64_t residentBytes = std::int64_t(2) << 30;
    // Data-parallel ranks: batch(i) is then this rank's contiguous slice of global batch i (batchSize is
    // the global batch), the slices of all ranks together being the batch one process would take.
    int shardRank = 0;
    int shardCount = 1;
};

// One mini-batch on the target device: standardised float features, raw targets, and the dataset rows
// they came from.
struct Batch {
    torch::Tensor features;
    torch::Tensor targets; // undefined for unlabelled data; the features themselves for a reconstruction
    torch::Tensor rows; // int64, CPU
    std::int64_t size() const { return features.size(0); }
};

// Cuts a part of a dataset (its row indices) into mini-batches. Batches are gathered by index from the
// dataset's own tensors, so no copy of the part (or of the data) is made: 10M x 28 floats train holding
// the data once. The order of an epoch is a seeded permutation of (seed, epoch), so an epoch can be
// replayed, or a run resumed, without saving any generator state.
class Batcher {
public:
    // `rows` are indices into `data` (int64); `standardizer` may be null (identity) and must outlive this.
    Batcher(const Dataset& data, torch::Tensor rows, BatcherOptions options,
        const Standardizer* standardizer = nullptr);

    // Sets the order used by batch() to the permutation of `epoch` (or the rows as given, unshuffled).
    void setEpoch(std::int64_t epoch);

    std::int64_t size() const { return m_rows.numel(); } // samples in the part
    std::int64_t batchCount() const;
    std::int64_t batchSize() const { return m_options.batchSize; }
    const BatcherOptions& options() const { return m_options; }
    // Batch `i` of the current epoch, on the device (this rank's slice of it when sharded; that slice may
    // be empty for a last batch smaller than the number of ranks).
    Batch batch(std::int64_t i) const;
    // The samples of global batch `i`, and where this rank's slice starts in the epoch's order.
    std::int64_t globalBatchSize(std::int64_t i) const;
    std::int64_t sliceStart(std::int64_t i) const;

    // The rows of the current epoch in batch order.
    const torch::Tensor& order() const { return m_order; }

private:
    torch::Tensor m_features; // the dataset's, on the device when resident
    torch::Tensor m_targets;
    torch::Tensor m_rows; // CPU int64
    torch::Tensor m_order; // CPU int64
    torch::Tensor m_orderOnDevice;
    BatcherOptions m_options;
    const Standardizer* m_standardizer;
    bool m_reconstruct = false; // Task::Reconstruction: the targets are the features
    bool m_resident = false;
};

// The seed of the shuffle of `epoch` in a run seeded with `seed` (SplitMix64 of both).
std::uint64_t epochSeed(std::uint64_t seed, std::int64_t epoch);

} // namespace neurino
