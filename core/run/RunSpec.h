#pragma once

#include "core/graph/ModelGraph.h"
#include "core/run/DataSource.h"
#include "core/train/TrainConfig.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace neurino {

// Everything a classifier run needs, as one value: the model, where the data comes from and how to train
// (optimizer, loss, epochs, split, and the device, CPU threads and seed the config carries). The training
// dock, `neurino-batch train` and a lesson step each build one and hand it to a Run; the same spec gives the
// same numbers whichever of them runs it.
struct RunSpec {
    std::string name; // a label for the run list and the run folder; may be empty
    ModelGraph model;
    DataSource data;
    TrainConfig training;
    // A file whose weights the run starts from instead of a fresh initialisation (readWeightsFile: a
    // checkpoint, a Keras model, an ONNX model): `train --init`, or a model imported in the window. Nodes
    // are matched by id; a node the file lacks, or whose shapes differ (the model was edited since), starts
    // fresh, and Run::startNote says which. Empty: every node starts fresh.
    std::string init;

    // {"format": "neurino-run-spec", "version": 1, "name", "model", "data", "training", "device",
    //  "threads", "seed", "init" (when set)}: device, threads and seed stand at the top, where a person looks
    //  for them, and
    // are left out of "training".
    nlohmann::json toJson() const;
    // Reads what toJson writes; "device", "threads" and "seed" may also stand in "training" (the top-level
    // ones win). Throws ModelError, DataError or TrainError naming `where` and the field.
    static RunSpec fromJson(const nlohmann::json& doc, const std::string& where = "run spec");
    // Reads a spec file (*.json); errors name the file.
    static RunSpec load(const std::string& path);
    // Writes the spec to `path` atomically.
    void save(const std::string& path) const;
};

} // namespace neurino
