#include "core/io/WeightsFile.h"

#include "core/io/KerasImport.h"
#include "core/io/OnnxImport.h"
#include "core/train/Checkpoint.h"

#include <algorithm>
#include <cctype>

namespace neurino {

namespace {

bool endsWithNoCase(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size()
        && std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(),
            [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

} // namespace

Checkpoint readWeightsFile(const std::string& path)
{
    if (endsWithNoCase(path, ".onnx"))
        return importOnnxFile(path);
    if (isKerasModelFile(path))
        return importKerasModel(path).checkpoint;
    return loadCheckpoint(path);
}

} // namespace neurino
