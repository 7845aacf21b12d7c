#include "core/graph/LayerRegistry.h"

#include "core/graph/LayerKinds.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

namespace neurino {

using nlohmann::json;

namespace {

// The most axes a shape parameter may have.
constexpr double kMaxRank = 8;

std::string describeJson(const json& value)
{
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

std::string fieldError(const LayerKind& kind, const ParamDesc& desc, const std::string& problem)
{
    return "parameter '" + desc.name + "' of " + kind.name + " " + problem;
}

std::int64_t checkedInt(const LayerKind& kind, const ParamDesc& desc, const json& v)
{
    if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
        throw ModelError(fieldError(kind, desc, "must be a whole number, not " + describeJson(v)));
    const double d = v.get<double>();
    if (d < desc.minValue || d > desc.maxValue) {
        std::ostringstream msg;
        msg << "is " << describeJson(v) << " but must be between " << desc.minValue << " and "
            << desc.maxValue;
        throw ModelError(fieldError(kind, desc, msg.str()));
    }
    return v.get<std::int64_t>();
}

std::string checkedChoice(const LayerKind& kind, const ParamDesc& desc, const json& v)
{
    std::string list;
    for (const auto& c : desc.choices)
        list += (list.empty() ? "" : ", ") + c;
    if (!v.is_string())
        throw ModelError(fieldError(kind, desc, "must be one of " + list + ", not " + describeJson(v)));
    const std::string s = v.get<std::string>();
    if (std::find(desc.choices.begin(), desc.choices.end(), s) == desc.choices.end()) {
        const std::string guess = closestMatch(s, desc.choices);
        throw ModelError(fieldError(kind, desc,
            "is '" + s + "' but must be one of " + list
                + (guess.empty() ? "" : " (did you mean '" + guess + "'?)")));
    }
    return s;
}

} // namespace

std::string paramTypeName(ParamType type)
{
    switch (type) {
    case ParamType::Int:
        return "integer";
    case ParamType::Float:
        return "number";
    case ParamType::Bool:
        return "true/false";
    case ParamType::Choice:
        return "choice";
    case ParamType::IntPair:
        return "pair of integers";
    case ParamType::ChoicePair:
        return "choice per axis";
    case ParamType::IntList:
        return "list of integers";
    }
    return "value";
}

const ParamDesc* LayerKind::param(const std::string& paramName) const
{
    for (const auto& p : params) {
        if (p.name == paramName)
            return &p;
    }
    return nullptr;
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

json LayerRegistry::canonicalValue(const LayerKind& k, const ParamDesc& desc, const json& v) const
{
    switch (desc.type) {
    case ParamType::Int:
        return checkedInt(k, desc, v);
    case ParamType::Float: {
        if (!v.is_number())
            throw ModelError(fieldError(k, desc, "must be a number, not " + describeJson(v)));
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < desc.minValue || d > desc.maxValue) {
            std::ostringstream msg;
            msg << "is " << describeJson(v) << " but must be between " << desc.minValue << " and "
                << desc.maxValue;
            throw ModelError(fieldError(k, desc, msg.str()));
        }
        return d;
    }
    case ParamType::Bool:
        if (!v.is_boolean())
            throw ModelError(fieldError(k, desc, "must be true or false, not " + describeJson(v)));
        return v;
    case ParamType::Choice:
        return checkedChoice(k, desc, v);
    case ParamType::IntPair: {
        if (v.is_number())
            return json::array({ checkedInt(k, desc, v), checkedInt(k, desc, v) });
        if (!v.is_array() || v.size() != 2)
            throw ModelError(fieldError(
                k, desc, "must be a whole number or a pair [height, width], not " + describeJson(v)));
        return json::array({ checkedInt(k, desc, v[0]), checkedInt(k, desc, v[1]) });
    }
    case ParamType::ChoicePair: {
        if (v.is_string())
            return checkedChoice(k, desc, v);
        if (!v.is_array() || v.size() != 2)
            throw ModelError(
                fieldError(k, desc, "must be a choice or a pair of choices, not " + describeJson(v)));
        const std::string a = checkedChoice(k, desc, v[0]);
        const std::string b = checkedChoice(k, desc, v[1]);
        return a == b ? json(a) : json::array({ a, b });
    }
    case ParamType::IntList: {
        if (!v.is_array() || v.empty() || v.size() > kMaxRank)
            throw ModelError(
                fieldError(k, desc, "must be a list of 1 to 8 whole numbers, not " + describeJson(v)));
        json out = json::array();
        for (const auto& e : v)
            out.push_back(checkedInt(k, desc, e));
        return out;
    }
    }
    return v;
}

json LayerRegistry::canonicalParams(const std::string& kindName, const json& params) const
{
    const LayerKind& k = kind(kindName);
    if (!params.is_null() && !params.is_object())
        throw ModelError(
            "the parameters of " + k.name + " must be a JSON object, not " + describeJson(params));
    json out = json::object();
    if (params.is_object()) {
        std::vector<std::string> names;
        for (const auto& p : k.params)
            names.push_back(p.name);
        for (auto it = params.begin(); it != params.end(); ++it) {
            if (!k.param(it.key())) {
                const std::string guess = closestMatch(it.key(), names);
                throw ModelError(k.name + " has no parameter '" + it.key() + "'"
                    + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
            }
        }
    }
    for (const auto& p : k.params) {
        if (params.is_object() && params.contains(p.name)) {
            out[p.name] = canonicalValue(k, p, params.at(p.name));
        } else if (p.required()) {
            throw ModelError("parameter '" + p.name + "' of " + k.name + " is missing: " + p.help);
        } else {
            out[p.name] = canonicalValue(k, p, p.defaultValue);
        }
    }
    return out;
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

std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates)
{
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        return s;
    };
    const std::string w = lower(word);
    std::string best;
    std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : candidates) {
        const std::string c = lower(candidate);
        std::vector<std::size_t> row(c.size() + 1);
        for (std::size_t j = 0; j <= c.size(); ++j)
            row[j] = j;
        for (std::size_t i = 1; i <= w.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= c.size(); ++j) {
                const std::size_t up = row[j];
                row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (w[i - 1] == c[j - 1] ? 0 : 1) });
                diagonal = up;
            }
        }
        if (row[c.size()] < bestDistance) {
            bestDistance = row[c.size()];
            best = candidate;
        }
    }
    const std::size_t tolerance = std::max<std::size_t>(2, w.size() / 3);
    return bestDistance <= tolerance ? best : std::string();
}

} // namespace neurino
