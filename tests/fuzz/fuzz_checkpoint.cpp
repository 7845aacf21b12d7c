// A checkpoint (HDF5), as evaluation, prediction and --resume read it: loaded whole, then, when its model is
// small, built with its weights as moduleFromCheckpoint does.

#include "tests/fuzz/FuzzTarget.h"

#include "core/train/Checkpoint.h"

namespace {

// Larger models are valid too, but building them costs the fuzzer time and memory, not coverage.
constexpr std::int64_t kMaxBuiltParameters = 200000;

void readCheckpointFile(const std::string& path)
{
    const neurino::Checkpoint checkpoint = neurino::loadCheckpoint(path);
    if (checkpoint.graph.validate().empty()
        && checkpoint.graph.parameterCount().total() <= kMaxBuiltParameters)
        neurino::moduleFromCheckpoint(checkpoint);
}

} // namespace

NEURINO_FUZZ_TARGET(checkpoint)
{
    neurino::fuzz::prepare();
    neurino::fuzz::readHdf5Input(data, size, "checkpoint.h5", readCheckpointFile);
    return 0;
}
