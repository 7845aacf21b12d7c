#include "core/data/Dataset.h"

#include "core/util/Error.h"

namespace neurino {

std::string taskName(Task task)
{
    switch (task) {
    case Task::Classification:
        return "classification";
    case Task::Binary:
        return "binary";
    case Task::Regression:
        return "regression";
    case Task::Images:
        return "images";
    case Task::Unlabelled:
        return "unlabelled";
    case Task::Reconstruction:
        return "reconstruction";
    }
    return "unlabelled";
}

Task parseTask(const std::string& name)
{
    for (Task t : { Task::Classification, Task::Binary, Task::Regression, Task::Images, Task::Unlabelled,
             Task::Reconstruction }) {
        if (taskName(t) == name)
            return t;
    }
    throw DataError("unknown task '" + name
        + "': expected classification, binary, regression, images, unlabelled or reconstruction");
}

bool hasClassTargets(Task task)
{
    return task == Task::Classification || task == Task::Binary;
}

std::vector<std::int64_t> Dataset::sampleShape() const
{
    if (!features.defined())
        return {};
    auto sizes = features.sizes().vec();
    sizes.erase(sizes.begin());
    return sizes;
}

} // namespace neurino
