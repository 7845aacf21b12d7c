// An ONNX file, as `neurino-batch import onnx`, `train --init` and File ▸ Import ONNX Model… read it:
// imported, and when the model is small, built with its weights and run on one batch to the output shape
// inference promised.

#include "tests/fuzz/FuzzModule.h"
#include "tests/fuzz/FuzzTarget.h"

#include "core/io/OnnxImport.h"
#include "core/train/Checkpoint.h"

NEURINO_FUZZ_TARGET(onnx)
{
    neurino::fuzz::prepare();
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    neurino::fuzz::expectErrorsOnly([&] {
        const neurino::Checkpoint checkpoint = neurino::importOnnx(bytes, "model.onnx");
        neurino::fuzz::buildAndRun(checkpoint.graph, &checkpoint, "fuzz_onnx");
    });
    return 0;
}
