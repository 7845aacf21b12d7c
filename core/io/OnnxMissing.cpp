// The ONNX functions of a build configured without Debian's libonnx-dev and libprotobuf-dev: each says so.
#include "core/io/OnnxExport.h"
#include "core/io/OnnxImport.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

namespace neurino {

namespace {

[[noreturn]] void unavailable()
{
    throw Error(
        "this Neurino was built without ONNX support: Debian's libonnx-dev and libprotobuf-dev were not "
        "installed when it was configured (apt-get install libonnx-dev libprotobuf-dev, then build again)");
}

} // namespace

bool onnxAvailable()
{
    return false;
}

std::string exportOnnx(const Checkpoint&, const std::string&, const OnnxExportOptions&)
{
    unavailable();
}

void writeOnnxFile(const std::string&, const std::string&)
{
    unavailable();
}

std::vector<std::string> onnxRuntimeCautions(const ModelGraph&)
{
    return {};
}

std::vector<std::string> onnxExportKinds()
{
    return {};
}

Checkpoint importOnnx(const std::string&, const std::string&)
{
    unavailable();
}

Checkpoint importOnnxFile(const std::string&)
{
    unavailable();
}

std::vector<std::string> onnxImportOperators()
{
    return {};
}

} // namespace neurino
