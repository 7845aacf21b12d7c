#include "widgets/session/TrainingData.h"

#include "core/data/DatasetFile.h"
#include "datasets/Catalog.h"

#include <torch/cuda.h>

namespace neurino {

std::vector<GeneratorInfo> catalogGenerators()
{
    const auto& catalog = datasets::Catalog::instance();
    std::vector<GeneratorInfo> out;
    for (const std::string& name : catalog.names()) {
        const datasets::Generator& g = catalog.get(name);
        out.push_back({ g.name(), g.description(), g.options(), g.defaultEvents(), g.maxEvents() });
    }
    return out;
}

std::vector<FileDatasetEntry> listFileDatasets(const std::string& path)
{
    std::vector<FileDatasetEntry> out;
    for (const DatasetEntryInfo& e : listDatasets(path))
        out.push_back({ e.name, e.shape, e.dtype });
    return out;
}

std::vector<std::string> availableDevices()
{
    std::vector<std::string> devices { "cpu" };
    if (!torch::cuda::is_available())
        return devices;
    const auto count = torch::cuda::device_count();
    devices.push_back("cuda");
    for (std::size_t i = 1; count > 1 && i < count; ++i)
        devices.push_back("cuda:" + std::to_string(i));
    return devices;
}

} // namespace neurino
