#include "core/util/Resources.h"

#include "core/util/Error.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace neurino {

namespace {

// share/neurino of the prefix this code was installed into, or empty when it runs from a build tree. The
// code lies in the shared library (in the library folder) or, linked statically, in the program (in the
// binary folder); CMake gives the relative path from either folder to the resources.
std::string installedResourceDir()
{
    Dl_info info {};
    if (dladdr(reinterpret_cast<void*>(&installedResourceDir), &info) == 0 || !info.dli_fname)
        return {};
    std::error_code error;
    const auto object = std::filesystem::canonical(info.dli_fname, error);
    if (error)
        return {};
    for (const char* relative : { NEURINO_LIB_TO_RESOURCES, NEURINO_BIN_TO_RESOURCES }) {
        const auto dir = (object.parent_path() / relative).lexically_normal();
        if (std::filesystem::is_directory(dir / "models", error))
            return dir.string();
    }
    return {};
}

} // namespace

std::string resourceDir()
{
    if (const char* env = std::getenv("NEURINO_RESOURCE_DIR"); env && *env)
        return env;
    // Looked up once: the answer cannot change while the program runs.
    static const std::string installed = installedResourceDir();
    return installed.empty() ? NEURINO_SOURCE_RESOURCE_DIR : installed;
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
