#pragma once

#include "core/graph/ModelGraph.h"

#include <nlohmann/json.hpp>

#include <string>

namespace neurino {

// The model file format, "*.neurino.json":
// { "format": "neurino-model", "version": 1, "name", "description", "nodes": [...], "edges": [...] }.
constexpr int kModelFormatVersion = 1;
constexpr const char* kModelFormatName = "neurino-model";

nlohmann::json modelToJson(const ModelGraph& graph);

// Builds a graph from its JSON. Structural problems (wrong format or version, unknown kind, missing,
// ill-typed or out-of-range parameter, duplicate id, edge to nowhere) throw ModelError naming `source`,
// the node and the field. Problems of the network itself (cycles, shapes) are left to validate(), so
// an editor can open the file and show them.
ModelGraph modelFromJson(const nlohmann::json& doc, const std::string& source = "model");

// Reads a model file; throws IoError or ModelError naming the file.
ModelGraph loadModel(const std::string& path);
// Writes a model file atomically.
void saveModel(const ModelGraph& graph, const std::string& path);

std::string modelToString(const ModelGraph& graph);
ModelGraph modelFromString(const std::string& text, const std::string& source = "model");

} // namespace neurino
