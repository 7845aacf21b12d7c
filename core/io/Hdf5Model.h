#pragma once

#include "core/graph/ModelGraph.h"

#include <cstdint>
#include <string>

namespace neurino {

// The model an HDF5 file holds, for the window, whose files include no LibTorch header: a Keras model file
// (read as importKerasModel reads it, its weights checked against the graph) or a Neurino checkpoint.
struct Hdf5Model {
    ModelGraph graph;
    bool keras = false; // a Keras file, not a checkpoint
    std::string kerasVersion;
    std::int64_t parameters = 0;
};

// Throws what importKerasModel and loadCheckpoint throw.
Hdf5Model modelOfHdf5File(const std::string& path);

} // namespace neurino
