#include "core/util/ParamSchema.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace neurino {

using nlohmann::json;

namespace {

// The most axes a shape parameter may have.
constexpr std::size_t kMaxRank = 8;

std::string numberText(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

std::string describeJson(const json& value)
{
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

// A value as the user wrote it: text without quotes, anything else as JSON.
std::string plainText(const json& value)
{
    return value.is_string() ? value.get<std::string>() : describeJson(value);
}

std::string joined(const std::vector<std::string>& values, const char* separator)
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? separator : "") + values[i];
    return out;
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates)
{
    const std::string guess = closestMatch(word, candidates);
    return guess.empty() ? "" : " (did you mean '" + guess + "'?)";
}

// What a value of this type must look like, in a sentence: "a whole number", "true or false".
std::string typeExpectation(const ParamSpec& spec)
{
    switch (spec.type) {
    case ParamType::Int:
        return "a whole number";
    case ParamType::Float:
        return "a number";
    case ParamType::Bool:
        return "true or false";
    case ParamType::Choice:
        return "one of " + joined(spec.choices, ", ");
    case ParamType::Text:
        return "a text";
    case ParamType::IntPair:
        return "a whole number or a pair [height, width]";
    case ParamType::ChoicePair:
        return "a choice or a pair of choices";
    case ParamType::IntList:
        return "a list of 1 to 8 whole numbers";
    case ParamType::ChoiceList:
        return "a list of choices among " + joined(spec.choices, ", ");
    }
    return "a value";
}

[[noreturn]] void textError(const ParamSpec& spec, const std::string& text, const SchemaWhere& where)
{
    where.fail(where.field(spec.name) + " cannot be '" + text + "': expected " + spec.expectation());
}

[[noreturn]] void typeError(const ParamSpec& spec, const json& value, const SchemaWhere& where)
{
    switch (where.style) {
    case SchemaWhere::Style::Option:
        textError(spec, plainText(value), where);
    case SchemaWhere::Style::Setting:
        where.fail(where.field(spec.name) + " has the wrong type (" + describeJson(value) + "); it must be "
            + typeExpectation(spec));
    case SchemaWhere::Style::Layer:
        break;
    }
    where.fail(where.field(spec.name) + " must be " + typeExpectation(spec) + ", not " + describeJson(value));
}

[[noreturn]] void rangeError(const ParamSpec& spec, const json& value, const SchemaWhere& where)
{
    const std::string field = where.field(spec.name);
    switch (where.style) {
    case SchemaWhere::Style::Option:
        textError(spec, plainText(value), where);
    case SchemaWhere::Style::Setting:
        where.fail(field + " is " + describeJson(value) + "; it must be " + spec.rangeText());
    case SchemaWhere::Style::Layer:
        break;
    }
    const bool closed
        = std::isfinite(spec.minValue) && std::isfinite(spec.maxValue) && !spec.minOpen && !spec.maxOpen;
    where.fail(field + " is " + describeJson(value) + " but must be "
        + (closed ? "between " + numberText(spec.minValue) + " and " + numberText(spec.maxValue)
                  : spec.rangeText()));
}

bool inRange(const ParamSpec& spec, double v)
{
    if (std::isnan(v))
        return false;
    const bool lo = spec.minOpen ? v > spec.minValue : v >= spec.minValue;
    const bool hi = spec.maxOpen ? v < spec.maxValue : v <= spec.maxValue;
    return lo && hi;
}

json checkedInt(const ParamSpec& spec, const json& v, const SchemaWhere& where)
{
    const bool whole = v.is_number_integer()
        || (v.is_number_float() && std::isfinite(v.get<double>())
            && std::floor(v.get<double>()) == v.get<double>());
    if (!whole)
        typeError(spec, v, where);
    if (!inRange(spec, v.get<double>()))
        rangeError(spec, v, where);
    if (v.is_number_unsigned())
        return v.get<std::uint64_t>();
    return v.get<std::int64_t>();
}

json checkedFloat(const ParamSpec& spec, const json& v, const SchemaWhere& where)
{
    if (!v.is_number())
        typeError(spec, v, where);
    const double d = v.get<double>();
    if (!std::isfinite(d) || !inRange(spec, d))
        rangeError(spec, v, where);
    return d;
}

std::string checkedChoice(const ParamSpec& spec, const json& v, const SchemaWhere& where)
{
    if (!v.is_string())
        typeError(spec, v, where);
    const std::string s = v.get<std::string>();
    if (std::find(spec.choices.begin(), spec.choices.end(), s) != spec.choices.end())
        return s;
    const std::string list = joined(spec.choices, ", ");
    const std::string field = where.field(spec.name);
    if (where.style == SchemaWhere::Style::Option)
        textError(spec, s, where);
    if (where.style == SchemaWhere::Style::Setting)
        where.fail(field + " is '" + s + "'; use one of " + list + didYouMean(s, spec.choices));
    where.fail(field + " is '" + s + "' but must be one of " + list + didYouMean(s, spec.choices));
}

json checkedComposite(const ParamSpec& spec, const json& v, const SchemaWhere& where)
{
    switch (spec.type) {
    case ParamType::IntPair:
        if (v.is_number())
            return json::array({ checkedInt(spec, v, where), checkedInt(spec, v, where) });
        if (!v.is_array() || v.size() != 2)
            typeError(spec, v, where);
        return json::array({ checkedInt(spec, v[0], where), checkedInt(spec, v[1], where) });
    case ParamType::ChoicePair: {
        if (v.is_string())
            return checkedChoice(spec, v, where);
        if (!v.is_array() || v.size() != 2)
            typeError(spec, v, where);
        const std::string a = checkedChoice(spec, v[0], where);
        const std::string b = checkedChoice(spec, v[1], where);
        return a == b ? json(a) : json::array({ a, b });
    }
    case ParamType::IntList: {
        if (!v.is_array() || v.empty() || v.size() > kMaxRank)
            typeError(spec, v, where);
        json out = json::array();
        for (const auto& e : v)
            out.push_back(checkedInt(spec, e, where));
        return out;
    }
    case ParamType::ChoiceList: {
        if (!v.is_array())
            typeError(spec, v, where);
        json out = json::array();
        for (const auto& e : v)
            out.push_back(checkedChoice(spec, e, where));
        return out;
    }
    default:
        return v;
    }
}

template <typename T> bool parseNumber(const std::string& text, T& value)
{
    std::size_t used = 0;
    try {
        if constexpr (std::is_same_v<T, double>)
            value = std::stod(text, &used);
        else
            value = std::stoll(text, &used);
    } catch (const std::exception&) {
        return false;
    }
    return used != 0 && used == text.size();
}

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, ','))
        parts.push_back(part);
    return parts;
}

} // namespace

bool ParamSpec::numeric() const
{
    return type == ParamType::Int || type == ParamType::Float || type == ParamType::IntPair
        || type == ParamType::IntList;
}

std::string ParamSpec::rangeText() const
{
    const bool lo = std::isfinite(minValue), hi = std::isfinite(maxValue);
    if (lo && hi && !minOpen && !maxOpen)
        return numberText(minValue) + " to " + numberText(maxValue);
    const std::string low = (minOpen ? "> " : ">= ") + numberText(minValue);
    const std::string high = (maxOpen ? "< " : "<= ") + numberText(maxValue);
    if (lo && hi)
        return low + " and " + high;
    if (lo)
        return low;
    if (hi)
        return high;
    return "any";
}

std::string ParamSpec::expectation() const
{
    switch (type) {
    case ParamType::Int:
        return "an integer in " + rangeText() + (zeroWord.empty() ? "" : " or '" + zeroWord + "'");
    case ParamType::Float:
        return "a number in " + rangeText();
    case ParamType::IntPair:
    case ParamType::IntList:
        return typeExpectation(*this) + " in " + rangeText();
    default:
        return typeExpectation(*this);
    }
}

std::string ParamSpec::describeDefault() const
{
    if (defaultValue.is_null())
        return optional ? "unset" : "required";
    std::string value = defaultValue.is_string() ? defaultValue.get<std::string>() : defaultValue.dump();
    if (type == ParamType::Float && defaultValue.is_number())
        value = numberText(defaultValue.get<double>());
    if (type == ParamType::ChoiceList && defaultValue.is_array())
        value = joined(defaultValue.get<std::vector<std::string>>(), ",");
    if (type == ParamType::Int && !zeroWord.empty() && value == "0")
        value = zeroWord;
    switch (type) {
    case ParamType::Int:
    case ParamType::Float:
        return value + " (" + rangeText() + ")";
    case ParamType::Choice:
    case ParamType::ChoiceList:
        return value + " (" + joined(choices, "|") + ")";
    default:
        return value;
    }
}

void SchemaWhere::fail(const std::string& message) const
{
    if (raise)
        raise(message);
    throw Error(message);
}

std::string SchemaWhere::field(const std::string& key) const
{
    if (style == Style::Setting)
        return (owner.empty() ? "" : owner + ": ") + noun + " '" + prefix + key + "'";
    return noun + " '" + prefix + key + "' of " + owner;
}

SchemaWhere SchemaWhere::nested(const std::string& key) const
{
    SchemaWhere inner = *this;
    inner.prefix += key + ".";
    return inner;
}

ParamSchema::ParamSchema(std::vector<ParamSpec> specs)
    : m_specs(std::move(specs))
{
}

ParamSchema::ParamSchema(std::initializer_list<ParamSpec> specs)
    : m_specs(specs)
{
}

const ParamSpec* ParamSchema::find(const std::string& name) const
{
    for (const auto& p : m_specs) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

std::vector<std::string> ParamSchema::names() const
{
    std::vector<std::string> out;
    for (const auto& p : m_specs)
        out.push_back(p.name);
    return out;
}

const ParamSpec& ParamSchema::known(const std::string& key, const SchemaWhere& where) const
{
    if (const ParamSpec* spec = find(key))
        return *spec;
    const std::string what = where.noun + " '" + where.prefix + key + "'";
    switch (where.style) {
    case SchemaWhere::Style::Layer:
        where.fail(where.owner + " has no " + what + didYouMean(key, names()) + where.hint);
    case SchemaWhere::Style::Option:
        where.fail(where.owner + " has no " + what + "; "
            + (empty() ? "it takes no " + where.noun + "s"
                       : "its " + where.noun + "s are " + joined(names(), ", "))
            + where.hint);
    case SchemaWhere::Style::Setting:
        break;
    }
    where.fail((where.owner.empty() ? "" : where.owner + ": ") + "unknown " + what + didYouMean(key, names())
        + "; known settings here are " + joined(names(), ", ") + where.hint);
}

json ParamSchema::resolve(const json& values, const SchemaWhere& where) const
{
    if (!values.is_null() && !values.is_object()) {
        if (where.style == SchemaWhere::Style::Setting)
            where.fail((where.owner.empty() ? "" : where.owner + ": ") + "'" + where.prefix
                + "' must be a JSON object, not " + describeJson(values));
        where.fail("the " + where.noun + "s of " + where.owner + " must be a JSON object, not "
            + describeJson(values));
    }
    if (values.is_object()) {
        for (auto it = values.begin(); it != values.end(); ++it)
            known(it.key(), where);
    }
    json out = json::object();
    for (const auto& p : m_specs) {
        const bool given = values.is_object() && values.contains(p.name)
            && !(where.style == SchemaWhere::Style::Setting && values.at(p.name).is_null());
        if (given)
            out[p.name] = check(p, values.at(p.name), where);
        else if (p.required())
            where.fail(where.field(p.name) + " is missing: " + p.help);
        else
            out[p.name] = p.defaultValue.is_null() ? json() : check(p, p.defaultValue, where);
    }
    return out;
}

json ParamSchema::check(const ParamSpec& spec, const json& v, const SchemaWhere& where)
{
    if (spec.optional && v.is_null())
        return v;
    const bool textual = spec.type == ParamType::Choice || spec.type == ParamType::Text
        || spec.type == ParamType::ChoiceList;
    // Generator options may come as command-line text: "0.2" for a number.
    if (where.style == SchemaWhere::Style::Option && v.is_string() && !textual)
        return check(spec, parseText(spec, v.get<std::string>(), where), where);
    switch (spec.type) {
    case ParamType::Int:
        return checkedInt(spec, v, where);
    case ParamType::Float:
        return checkedFloat(spec, v, where);
    case ParamType::Bool:
        if (!v.is_boolean())
            typeError(spec, v, where);
        return v;
    case ParamType::Choice:
        return checkedChoice(spec, v, where);
    case ParamType::Text:
        if (!v.is_string())
            typeError(spec, v, where);
        return v;
    default:
        return checkedComposite(spec, v, where);
    }
}

json ParamSchema::parseText(const ParamSpec& spec, const std::string& text, const SchemaWhere& where)
{
    switch (spec.type) {
    case ParamType::Int: {
        long long value = 0;
        if (!spec.zeroWord.empty() && text == spec.zeroWord)
            return 0;
        if (!parseNumber(text, value))
            textError(spec, text, where);
        return static_cast<std::int64_t>(value);
    }
    case ParamType::Float: {
        double value = 0;
        if (!parseNumber(text, value))
            textError(spec, text, where);
        return value;
    }
    case ParamType::Bool: {
        std::string lower = text;
        std::transform(
            lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == "true" || lower == "1" || lower == "yes" || lower == "on")
            return true;
        if (lower == "false" || lower == "0" || lower == "no" || lower == "off")
            return false;
        textError(spec, text, where);
    }
    case ParamType::Choice:
    case ParamType::Text:
        return text;
    case ParamType::ChoiceList:
    case ParamType::ChoicePair:
        return splitList(text);
    case ParamType::IntPair:
    case ParamType::IntList: {
        json out = json::array();
        for (const auto& part : splitList(text)) {
            long long value = 0;
            if (!parseNumber(part, value))
                textError(spec, text, where);
            out.push_back(static_cast<std::int64_t>(value));
        }
        return spec.type == ParamType::IntPair && out.size() == 1 ? out[0] : out;
    }
    }
    return text;
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
