#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace neurino::datasets {

enum class OptionType { Int, Double, Bool, Choice, Text };

std::string optionTypeName(OptionType type);

// One documented generator parameter: what `generate --list` prints and what a GUI form is built from.
struct OptionSpec {
    std::string name;
    OptionType type = OptionType::Double;
    nlohmann::json defaultValue;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices; // for Choice
    std::string help;

    // "0.1 (0 to 1)", "sin (sin|abs|step|bump)": the default and the allowed values, for help texts.
    std::string describeDefault() const;
};

OptionSpec intOption(std::string name, std::int64_t defaultValue, double min, double max, std::string help);
OptionSpec doubleOption(std::string name, double defaultValue, double min, double max, std::string help);
OptionSpec boolOption(std::string name, bool defaultValue, std::string help);
OptionSpec choiceOption(
    std::string name, std::string defaultValue, std::vector<std::string> choices, std::string help);
OptionSpec textOption(std::string name, std::string defaultValue, std::string help);

// A generator's resolved options: every documented option present, typed and in range. Values not given
// take their defaults; unknown names and bad values throw DataError naming the generator and the option.
class GeneratorOptions {
public:
    GeneratorOptions() = default;
    // From JSON values (numbers, booleans, strings; a string is parsed as the option's type).
    GeneratorOptions(
        const std::string& generator, const std::vector<OptionSpec>& specs, const nlohmann::json& values);
    // From command-line text, e.g. {"noise": "0.2", "3d": "true"}.
    static GeneratorOptions fromStrings(const std::string& generator, const std::vector<OptionSpec>& specs,
        const std::map<std::string, std::string>& values);

    std::int64_t integer(const std::string& name) const;
    double real(const std::string& name) const;
    bool flag(const std::string& name) const;
    std::string text(const std::string& name) const;

    const nlohmann::json& values() const { return m_values; }

private:
    const nlohmann::json& at(const std::string& name) const;

    std::string m_generator;
    nlohmann::json m_values = nlohmann::json::object();
};

} // namespace neurino::datasets
