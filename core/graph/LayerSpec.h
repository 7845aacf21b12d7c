#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace neurino {

// One layer as the model description holds it: its kind (a LayerRegistry name) and its parameters,
// complete and canonical (every parameter of the kind present, pairs as two-element arrays).
struct LayerSpec {
    std::string kind;
    nlohmann::json params = nlohmann::json::object();

    bool operator==(const LayerSpec& other) const { return kind == other.kind && params == other.params; }
    bool operator!=(const LayerSpec& other) const { return !(*this == other); }
};

} // namespace neurino
