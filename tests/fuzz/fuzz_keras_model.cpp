// A Keras 2 HDF5 file, as `neurino-batch import keras`, `train --init` and File ▸ Import Keras Model… read
// it: imported whole (model_config and model_weights), and its weights read again into the graph it made as a
// weights-only file would be; a model whose parameters Neurino counts differently from Keras is a finding.

#include "tests/fuzz/FuzzTarget.h"

#include "core/io/KerasImport.h"
#include "core/train/Checkpoint.h"

#include <cstdio>
#include <cstdlib>

namespace {

void importKerasFile(const std::string& path)
{
    const neurino::KerasImport imported = neurino::importKerasModel(path);
    if (imported.checkpoint.graph.parameterCount().total() != imported.kerasParams) {
        std::fprintf(stderr, "fuzz_keras_model: %lld parameters imported of the file's %lld\n",
            static_cast<long long>(imported.checkpoint.graph.parameterCount().total()),
            static_cast<long long>(imported.kerasParams));
        std::abort();
    }
    neurino::importKerasWeights(path, imported.checkpoint.graph, neurino::KerasDataFormat::ChannelsLast);
}

} // namespace

NEURINO_FUZZ_TARGET(keras_model)
{
    neurino::fuzz::prepare();
    neurino::fuzz::readHdf5Input(data, size, "model.h5", importKerasFile);
    return 0;
}
