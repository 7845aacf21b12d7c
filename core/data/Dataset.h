#pragma once

#include "core/data/Task.h"

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurino {

// Everything known about a dataset apart from its numbers.
struct DatasetInfo {
    Task task = Task::Unlabelled;
    std::vector<std::string> classNames;
    std::vector<std::string> featureNames;
    std::string origin; // generator name or file path, for messages and the run list
    std::string generator; // catalog name of the generator, empty for foreign data
    std::uint64_t seed = 0; // the generator's seed
    std::string optionsJson; // the generator's options as JSON text, empty when unknown
};

// Features and targets as tensors, plus the extra per-sample arrays some generators write
// (e.g. the Higgs masses in GeV, the TPC true class and pad coordinates).
struct Dataset {
    torch::Tensor features; // float32 (N, ...)
    torch::Tensor targets; // see Task; undefined when unlabelled
    DatasetInfo info;
    std::map<std::string, torch::Tensor> extras; // HDF5 dataset name -> (N, ...) tensor

    std::int64_t size() const { return features.defined() ? features.size(0) : 0; }
    // The per-sample feature shape, without the batch dimension.
    std::vector<std::int64_t> sampleShape() const;
};

} // namespace neurino
