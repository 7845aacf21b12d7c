// A dataset file (HDF5), as training, evaluation and the dataset dialog read it: its datasets listed, then
// opened with the default paths and read whole and in part.

#include "tests/fuzz/FuzzTarget.h"

#include "core/data/DatasetFile.h"

#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>

namespace {

void readDatasetFile(const std::string& path)
{
    neurino::listDatasets(path);
    neurino::DatasetFile file(path);
    file.featureShape();
    file.extraNames();
    const neurino::Dataset all = file.readAll();
    if (all.features.size(0) != file.size()) {
        std::fprintf(stderr, "fuzz_dataset: %lld rows read of %lld\n",
            static_cast<long long>(all.features.size(0)), static_cast<long long>(file.size()));
        std::abort();
    }
    file.readRows(file.size() / 2, 3);
}

} // namespace

NEURINO_FUZZ_TARGET(dataset)
{
    neurino::fuzz::prepare();
    neurino::fuzz::readHdf5Input(data, size, "dataset.h5", readDatasetFile);
    return 0;
}
