#include "core/graph/LayerRegistry.h"

#include "core/graph/LayerKinds.h"
#include "core/util/Error.h"

#include <algorithm>
#include <set>

namespace neurino {

using nlohmann::json;

namespace {

SchemaWhere layerWhere(const LayerKind& kind)
{
    SchemaWhere where;
    where.owner = kind.name;
    where.raise = [](const std::string& message) { throw ModelError(message); };
    return where;
}

} // namespace

const ParamSpec* LayerKind::param(const std::string& paramName) const
{
    return params.find(paramName);
}

const LayerRegistry& LayerRegistry::instance()
{
    static const LayerRegistry registry(builtinLayerKinds());
    return registry;
}

LayerRegistry::LayerRegistry(std::vector<LayerKind> kinds)
    : m_kinds(std::move(kinds))
{
    std::set<std::string> names;
    std::string problems;
    for (const auto& k : m_kinds) {
        std::vector<std::string> missing;
        if (!k.outputShape)
            missing.push_back("shape rule");
        if (!k.parameterCount)
            missing.push_back("parameter count");
        if (!k.build)
            missing.push_back("LibTorch builder");
        for (std::size_t i = 0; i < missing.size(); ++i)
            problems += (i == 0 ? "\nlayer kind '" + k.name + "' has no " : " and no ") + missing[i];
        if (!names.insert(k.name).second)
            problems += "\nlayer kind '" + k.name + "' is described twice";
    }
    if (!problems.empty())
        throw ModelError("the layer registry is incomplete: describe every kind once, with its shape rule, "
                         "parameter count and LibTorch builder:"
            + problems);
}

const LayerKind* LayerRegistry::find(const std::string& name) const
{
    for (const auto& k : m_kinds) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

const LayerKind& LayerRegistry::kind(const std::string& name) const
{
    if (const LayerKind* k = find(name))
        return *k;
    std::vector<std::string> names;
    for (const auto& k : m_kinds)
        names.push_back(k.name);
    const std::string guess = closestMatch(name, names);
    throw ModelError(
        "unknown layer kind '" + name + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
}

json LayerRegistry::defaultParams(const std::string& kindName) const
{
    const LayerKind& k = kind(kindName);
    json params = json::object();
    for (const auto& p : k.params) {
        if (!p.required())
            params[p.name] = p.defaultValue;
        else if (p.type == ParamType::IntList)
            params[p.name] = p.name == "shape" ? json::array({ 1 }) : json::array({ -1 });
        else
            params[p.name] = std::max<double>(p.minValue, p.type == ParamType::Int ? 16 : 1);
    }
    return canonicalParams(kindName, params);
}

json LayerRegistry::canonicalValue(const LayerKind& k, const ParamSpec& desc, const json& v) const
{
    return ParamSchema::check(desc, v, layerWhere(k));
}

json LayerRegistry::canonicalParams(const std::string& kindName, const json& params) const
{
    const LayerKind& k = kind(kindName);
    return k.params.resolve(params, layerWhere(k));
}

std::int64_t paramInt(const json& params, const std::string& name)
{
    return params.at(name).get<std::int64_t>();
}

double paramFloat(const json& params, const std::string& name)
{
    return params.at(name).get<double>();
}

bool paramBool(const json& params, const std::string& name)
{
    return params.at(name).get<bool>();
}

std::string paramString(const json& params, const std::string& name)
{
    return params.at(name).get<std::string>();
}

std::array<std::int64_t, 2> paramIntPair(const json& params, const std::string& name)
{
    const json& v = params.at(name);
    if (v.is_number())
        return { v.get<std::int64_t>(), v.get<std::int64_t>() };
    return { v.at(0).get<std::int64_t>(), v.at(1).get<std::int64_t>() };
}

std::array<std::string, 2> paramChoicePair(const json& params, const std::string& name)
{
    const json& v = params.at(name);
    if (v.is_string())
        return { v.get<std::string>(), v.get<std::string>() };
    return { v.at(0).get<std::string>(), v.at(1).get<std::string>() };
}

std::vector<std::int64_t> paramIntList(const json& params, const std::string& name)
{
    return params.at(name).get<std::vector<std::int64_t>>();
}

} // namespace neurino
