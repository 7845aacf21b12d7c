#pragma once

#include "core/data/Dataset.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neurino {

// Which HDF5 datasets of a file hold the features and the targets. Neurino's own files use the defaults;
// foreign files name theirs (the calorimeter tutorial's files: features "ECAL", targets "target").
struct DatasetPaths {
    std::string features = "features";
    std::string targets = "targets"; // empty: the file has no targets (unlabelled)
    // Overrides the task stored in (or guessed from) the file, e.g. Images for a foreign calorimeter file.
    std::optional<Task> task;
    // Read every other top-level dataset whose first dimension is N as an extra.
    bool readExtras = true;
};

// One dataset of a file, as a dialog previews it before the user picks the paths.
struct DatasetEntryInfo {
    std::string name; // full path inside the file, without the leading '/'
    std::vector<std::int64_t> shape;
    std::string dtype; // "float32", "int64", "uint8", "string", ... as numpy names them
};

// How writeDataset lays the file out.
struct DatasetWriteOptions {
    // 0 writes contiguous datasets (fastest); 1-9 writes chunked, gzip-compressed datasets.
    int gzipLevel = 0;
};

// An open Neurino (or foreign) HDF5 dataset file that reads whole datasets or ranges of rows, so a file
// larger than memory can be streamed. Not safe for concurrent use from several threads.
class DatasetFile {
public:
    // Opens `path` and checks the named datasets: they exist, are numeric and agree on N.
    // Throws IoError for a missing or non-HDF5 file, DataError for a missing path, rank, type or N mismatch.
    explicit DatasetFile(const std::string& path, const DatasetPaths& paths = {});
    ~DatasetFile();
    DatasetFile(DatasetFile&&) noexcept;
    DatasetFile& operator=(DatasetFile&&) noexcept;

    const std::string& path() const;
    std::int64_t size() const; // N, the number of samples
    std::vector<std::int64_t> featureShape() const; // per sample, without N
    const DatasetInfo& info() const; // from the attributes, or guessed for a foreign file
    std::vector<std::string> extraNames() const;

    Dataset readAll();
    // Rows [begin, begin + count) of features, targets and extras; count is clipped at N.
    Dataset readRows(std::int64_t begin, std::int64_t count);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Reads a whole file into memory.
Dataset readDataset(const std::string& path, const DatasetPaths& paths = {});

// Writes `dataset` in DESIGN.md's layout: /features float32, /targets int64 (N) or float32 (N, k), the
// attributes task, class_names, feature_names, generator, seed, options, origin, and every extra as a
// top-level dataset. The file appears atomically: a failure leaves any previous file untouched.
void writeDataset(const std::string& path, const Dataset& dataset, const DatasetWriteOptions& options = {});

// Every dataset in the file (recursively), for previews. Throws IoError for a missing or non-HDF5 file.
std::vector<DatasetEntryInfo> listDatasets(const std::string& path);

} // namespace neurino
