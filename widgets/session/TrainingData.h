#pragma once

#include "datasets/GeneratorOptions.h"

#include <cstdint>
#include <string>
#include <vector>

// What the training dock needs to know about data sources, without LibTorch's headers in its sources.
namespace neurino {

// One catalog generator, for the dataset choice.
struct GeneratorInfo {
    std::string name;
    std::string description;
    ParamSchema options;
    std::int64_t defaultEvents = 0;
    std::int64_t maxEvents = 0;
};

// Every generator of datasets::Catalog, in the catalog's order.
std::vector<GeneratorInfo> catalogGenerators();

// One dataset inside an HDF5 file, for the path-mapping dialog.
struct FileDatasetEntry {
    std::string name; // path inside the file, without the leading '/'
    std::vector<std::int64_t> shape;
    std::string dtype;
};

// Every dataset of an HDF5 file. Throws IoError for a missing or non-HDF5 file.
std::vector<FileDatasetEntry> listFileDatasets(const std::string& path);

// The devices a run may use: "cpu", and "cuda" (and "cuda:N") when LibTorch sees a GPU.
std::vector<std::string> availableDevices();

} // namespace neurino
