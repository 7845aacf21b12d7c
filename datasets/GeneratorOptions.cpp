#include "datasets/GeneratorOptions.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace neurino::datasets {

namespace {

std::string numberText(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

std::string knownNames(const std::vector<OptionSpec>& specs)
{
    if (specs.empty())
        return "it takes no options";
    std::string names = "its options are ";
    for (std::size_t i = 0; i < specs.size(); ++i)
        names += (i ? ", " : "") + specs[i].name;
    return names;
}

std::string joined(const std::vector<std::string>& values, const char* separator)
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? separator : "") + values[i];
    return out;
}

[[noreturn]] void badValue(const std::string& generator, const OptionSpec& spec, const std::string& value,
    const std::string& expected)
{
    throw DataError("option '" + spec.name + "' of generator '" + generator + "' cannot be '" + value
        + "': expected " + expected);
}

std::string rangeText(const OptionSpec& spec)
{
    const bool lo = std::isfinite(spec.min), hi = std::isfinite(spec.max);
    if (lo && hi)
        return numberText(spec.min) + " to " + numberText(spec.max);
    if (lo)
        return ">= " + numberText(spec.min);
    if (hi)
        return "<= " + numberText(spec.max);
    return "any";
}

void checkRange(const std::string& generator, const OptionSpec& spec, double value, const std::string& text)
{
    if (!std::isfinite(value) || value < spec.min || value > spec.max)
        badValue(generator, spec, text,
            std::string(spec.type == OptionType::Int ? "an integer" : "a number") + " in " + rangeText(spec));
}

// Parses the text form of a value into the option's JSON type.
nlohmann::json parseText(const std::string& generator, const OptionSpec& spec, const std::string& text)
{
    switch (spec.type) {
    case OptionType::Int: {
        std::size_t used = 0;
        long long value = 0;
        try {
            value = std::stoll(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != text.size())
            badValue(generator, spec, text, "an integer in " + rangeText(spec));
        return static_cast<std::int64_t>(value);
    }
    case OptionType::Double: {
        std::size_t used = 0;
        double value = 0;
        try {
            value = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != text.size())
            badValue(generator, spec, text, "a number in " + rangeText(spec));
        return value;
    }
    case OptionType::Bool: {
        std::string lower = text;
        std::transform(
            lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == "true" || lower == "1" || lower == "yes" || lower == "on")
            return true;
        if (lower == "false" || lower == "0" || lower == "no" || lower == "off")
            return false;
        badValue(generator, spec, text, "true or false");
    }
    case OptionType::Choice:
    case OptionType::Text:
        return text;
    }
    return text;
}

nlohmann::json checked(const std::string& generator, const OptionSpec& spec, const nlohmann::json& value)
{
    if (value.is_string() && spec.type != OptionType::Choice && spec.type != OptionType::Text)
        return checked(generator, spec, parseText(generator, spec, value.get<std::string>()));
    switch (spec.type) {
    case OptionType::Int: {
        if (!value.is_number()
            || (value.is_number_float() && value.get<double>() != std::floor(value.get<double>())))
            badValue(generator, spec, value.dump(), "an integer in " + rangeText(spec));
        const auto v = value.get<std::int64_t>();
        checkRange(generator, spec, double(v), value.dump());
        return v;
    }
    case OptionType::Double: {
        if (!value.is_number())
            badValue(generator, spec, value.dump(), "a number in " + rangeText(spec));
        const auto v = value.get<double>();
        checkRange(generator, spec, v, value.dump());
        return v;
    }
    case OptionType::Bool:
        if (!value.is_boolean())
            badValue(generator, spec, value.dump(), "true or false");
        return value;
    case OptionType::Choice: {
        if (!value.is_string())
            badValue(generator, spec, value.dump(), "one of " + joined(spec.choices, ", "));
        const auto v = value.get<std::string>();
        if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end())
            badValue(generator, spec, v, "one of " + joined(spec.choices, ", "));
        return v;
    }
    case OptionType::Text:
        if (!value.is_string())
            badValue(generator, spec, value.dump(), "text");
        return value;
    }
    return value;
}

const OptionSpec& findSpec(
    const std::string& generator, const std::vector<OptionSpec>& specs, const std::string& name)
{
    for (const auto& spec : specs) {
        if (spec.name == name)
            return spec;
    }
    throw DataError("generator '" + generator + "' has no option '" + name + "'; " + knownNames(specs)
        + " (see 'neurino-batch generate --list')");
}

} // namespace

std::string optionTypeName(OptionType type)
{
    switch (type) {
    case OptionType::Int:
        return "int";
    case OptionType::Double:
        return "float";
    case OptionType::Bool:
        return "bool";
    case OptionType::Choice:
        return "choice";
    case OptionType::Text:
        return "text";
    }
    return "text";
}

std::string OptionSpec::describeDefault() const
{
    std::string value = defaultValue.is_string() ? defaultValue.get<std::string>() : defaultValue.dump();
    if (type == OptionType::Double)
        value = numberText(defaultValue.get<double>());
    switch (type) {
    case OptionType::Int:
    case OptionType::Double:
        return value + " (" + rangeText(*this) + ")";
    case OptionType::Choice:
        return value + " (" + joined(choices, "|") + ")";
    case OptionType::Bool:
    case OptionType::Text:
        return value;
    }
    return value;
}

OptionSpec intOption(std::string name, std::int64_t defaultValue, double min, double max, std::string help)
{
    return { std::move(name), OptionType::Int, defaultValue, min, max, {}, std::move(help) };
}

OptionSpec doubleOption(std::string name, double defaultValue, double min, double max, std::string help)
{
    return { std::move(name), OptionType::Double, defaultValue, min, max, {}, std::move(help) };
}

OptionSpec boolOption(std::string name, bool defaultValue, std::string help)
{
    OptionSpec spec;
    spec.name = std::move(name);
    spec.type = OptionType::Bool;
    spec.defaultValue = defaultValue;
    spec.help = std::move(help);
    return spec;
}

OptionSpec choiceOption(
    std::string name, std::string defaultValue, std::vector<std::string> choices, std::string help)
{
    OptionSpec spec;
    spec.name = std::move(name);
    spec.type = OptionType::Choice;
    spec.defaultValue = std::move(defaultValue);
    spec.choices = std::move(choices);
    spec.help = std::move(help);
    return spec;
}

OptionSpec textOption(std::string name, std::string defaultValue, std::string help)
{
    OptionSpec spec;
    spec.name = std::move(name);
    spec.type = OptionType::Text;
    spec.defaultValue = std::move(defaultValue);
    spec.help = std::move(help);
    return spec;
}

GeneratorOptions::GeneratorOptions(
    const std::string& generator, const std::vector<OptionSpec>& specs, const nlohmann::json& values)
    : m_generator(generator)
{
    if (!values.is_null() && !values.is_object())
        throw DataError(
            "options of generator '" + generator + "' must be a JSON object, not " + values.dump());
    if (values.is_object()) {
        for (const auto& [name, value] : values.items())
            m_values[name] = checked(generator, findSpec(generator, specs, name), value);
    }
    for (const auto& spec : specs) {
        if (!m_values.contains(spec.name))
            m_values[spec.name] = spec.defaultValue;
    }
}

GeneratorOptions GeneratorOptions::fromStrings(const std::string& generator,
    const std::vector<OptionSpec>& specs, const std::map<std::string, std::string>& values)
{
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [name, text] : values)
        json[name] = parseText(generator, findSpec(generator, specs, name), text);
    return GeneratorOptions(generator, specs, json);
}

const nlohmann::json& GeneratorOptions::at(const std::string& name) const
{
    if (!m_values.contains(name))
        throw DataError("generator '" + m_generator + "' reads an undocumented option '" + name + "'");
    return m_values.at(name);
}

std::int64_t GeneratorOptions::integer(const std::string& name) const
{
    return at(name).get<std::int64_t>();
}
double GeneratorOptions::real(const std::string& name) const
{
    return at(name).get<double>();
}
bool GeneratorOptions::flag(const std::string& name) const
{
    return at(name).get<bool>();
}
std::string GeneratorOptions::text(const std::string& name) const
{
    return at(name).get<std::string>();
}

} // namespace neurino::datasets
