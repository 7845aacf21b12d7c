#pragma once

#include "core/graph/LayerSpec.h"
#include "core/graph/Shape.h"
#include "core/util/ParamSchema.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace neurino {

// Trainable and non-trainable parameters, counted as Keras counts them (BatchNorm's moving mean and
// variance are non-trainable).
struct ParamCount {
    std::int64_t trainable = 0;
    std::int64_t nonTrainable = 0;

    std::int64_t total() const { return trainable + nonTrainable; }
    ParamCount& operator+=(const ParamCount& other)
    {
        trainable += other.trainable;
        nonTrainable += other.nonTrainable;
        return *this;
    }
};

// Output shape from the input shapes and the canonical parameters. Throws ModelError with a message that
// says what is wrong and what to do; the caller adds which node it is.
using ShapeRule = std::function<Shape(const std::vector<Shape>& inputs, const nlohmann::json& params)>;
using CountRule = std::function<ParamCount(const std::vector<Shape>& inputs, const nlohmann::json& params)>;

// Makes the LibTorch side of one node: its submodule, body, activation and initialisation (core/nn: the
// context carries LibTorch types, which this header leaves out).
struct LayerBuildContext;
using LayerBuilder = std::function<void(LayerBuildContext& context)>;

// Everything Neurino knows about one kind of layer, described once.
struct LayerKind {
    std::string name; // "Conv2D"
    std::string category; // palette group: Input/Output, Core, Convolution, Pooling, ...
    std::string explanation; // one paragraph, shown as a tooltip and beside the properties
    ParamSchema params;
    int minInputs = 1;
    int maxInputs = 1; // -1: any number
    std::vector<std::string> keyParams; // shown on the node in the editor
    ShapeRule outputShape;
    CountRule parameterCount;
    LayerBuilder build; // one of core/nn/LayerBuilders.h

    const ParamSpec* param(const std::string& name) const;
};

// The catalogue of layer kinds. The property panel, the JSON validator, shape inference, parameter
// counting and the editor's palette all read it; GraphModule calls each kind's builder.
class LayerRegistry {
public:
    // The built-in kinds (core/graph/LayerKinds.cpp).
    static const LayerRegistry& instance();

    // Throws ModelError naming every kind without a shape rule, parameter count or builder, and every kind
    // described twice: a registry is complete or does not exist.
    explicit LayerRegistry(std::vector<LayerKind> kinds);

    const std::vector<LayerKind>& kinds() const { return m_kinds; }
    const LayerKind* find(const std::string& name) const;
    // Throws ModelError for an unknown kind, suggesting the closest known name.
    const LayerKind& kind(const std::string& name) const;

    // The complete parameter object of a new layer of this kind: every default filled in.
    nlohmann::json defaultParams(const std::string& kind) const;

    // Checks `params` against the kind and returns them canonical and complete (defaults filled in).
    // Throws ModelError naming the field for unknown, missing, ill-typed or out-of-range values.
    nlohmann::json canonicalParams(const std::string& kind, const nlohmann::json& params) const;

    // Checks one value for one parameter and returns its canonical form; throws ModelError naming the field.
    nlohmann::json canonicalValue(
        const LayerKind& kind, const ParamSpec& desc, const nlohmann::json& value) const;

private:
    std::vector<LayerKind> m_kinds;
};

// Reading canonical parameters, for shape rules and the LibTorch builders.
std::int64_t paramInt(const nlohmann::json& params, const std::string& name);
double paramFloat(const nlohmann::json& params, const std::string& name);
bool paramBool(const nlohmann::json& params, const std::string& name);
std::string paramString(const nlohmann::json& params, const std::string& name);
std::array<std::int64_t, 2> paramIntPair(const nlohmann::json& params, const std::string& name);
std::array<std::string, 2> paramChoicePair(const nlohmann::json& params, const std::string& name);
std::vector<std::int64_t> paramIntList(const nlohmann::json& params, const std::string& name);

} // namespace neurino
