#pragma once

#include "core/graph/LayerRegistry.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace neurino {

// The built-in layer kinds in palette order. Each kind is described in one function that gives its
// parameters, shape rule, parameter count, explanation and LibTorch builder; LayerRegistry::instance() holds
// them.
std::vector<LayerKind> builtinLayerKinds();

// Shared by the kind descriptions in LayerKinds.cpp and WindowKinds.cpp.
namespace kinds {

// Upper bound for sizes (units, filters, kernel sizes): large enough for any real model, small enough
// that a typo such as 1e12 is caught before it allocates.
constexpr double kMaxSize = 1 << 20;

ParamSpec paddingParam(std::string help); // "valid" or "same" for all axes
ParamSpec paddingPairParam(); // "valid" or "same" per axis
ParamSpec activationParam();
ParamSpec initializerParam();

// Throws ModelError unless `in` has `rank` axes; `expected` and `advice` complete the message.
void requireRank(const std::string& kind, const Shape& in, std::size_t rank, const std::string& expected,
    const std::string& advice);
ParamCount noParams(const std::vector<Shape>& inputs, const nlohmann::json& params);

// Kinds with a sliding window (WindowKinds.cpp).
LayerKind conv1DKind();
LayerKind conv2DKind();
LayerKind convTranspose2DKind();
LayerKind pool1DKind(const std::string& name, const std::string& what, LayerBuilder build);
LayerKind pool2DKind(const std::string& name, const std::string& what, LayerBuilder build);

} // namespace kinds

} // namespace neurino
