#include "tests/TestSupport.h"

namespace neurino::test {

std::string sourcePath(const std::string& relative)
{
    return std::string(NEURINO_SOURCE_DIR) + "/" + relative;
}

std::string templateFile(const std::string& name)
{
    return sourcePath("resources/models/" + name + ".neurino.json");
}

} // namespace neurino::test
