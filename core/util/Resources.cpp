#include "core/util/Resources.h"

#include "core/util/Error.h"

#include <cstdlib>
#include <filesystem>

namespace neurino {

std::string resourceDir()
{
    if (const char* env = std::getenv("NEURINO_RESOURCE_DIR"); env && *env)
        return env;
    return NEURINO_SOURCE_RESOURCE_DIR;
}

std::string resourcePath(const std::string& relative)
{
    const std::string path = resourceDir() + "/" + relative;
    if (!std::filesystem::exists(path))
        throw IoError("resource '" + relative + "' not found in '" + resourceDir()
            + "'; set NEURINO_RESOURCE_DIR to Neurino's resources folder");
    return path;
}

std::string templatePath(const std::string& name)
{
    return resourcePath("models/" + name + ".neurino.json");
}

} // namespace neurino
