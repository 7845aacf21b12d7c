#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace neurino {

// How a parameter is typed; decides its JSON form, its check and its editor (property panel, forms, CLI).
enum class ParamType {
    Int, // integer in [minValue, maxValue]
    Float, // number in [minValue, maxValue]
    Bool,
    Choice, // one of `choices`
    Text, // any text
    IntPair, // (height, width): JSON int (both axes) or [h, w]; canonical [h, w]
    ChoicePair, // per-axis choice, e.g. padding: "same" (both axes) or ["same", "valid"]
    IntList, // a shape, e.g. [1, 32, 32]
    ChoiceList // a list of choices, e.g. metrics: ["accuracy", "auc"]
};

// "integer", "number", "true/false", ...: for reference tables.
std::string paramTypeName(ParamType type);
// "int", "float", "bool", "choice", "text", ...: for command-line help such as `generate --list`.
std::string paramTypeShortName(ParamType type);

// One documented parameter: a layer's, a generator's or a training setting. Everything that reads, checks,
// edits or explains the value is generated from this.
struct ParamSpec {
    std::string name;
    ParamType type = ParamType::Int;
    nlohmann::json defaultValue; // null: the parameter is required (unless `optional`)
    double minValue = -std::numeric_limits<double>::infinity();
    double maxValue = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices; // Choice, ChoicePair, ChoiceList
    std::string help;
    bool minOpen = false; // the value must be > minValue, not >=
    bool maxOpen = false; // the value must be < maxValue, not <=
    bool optional = false; // null is a value ("unset": e.g. an optimizer's own epsilon)
    std::string zeroWord {}; // an Int's word for its value 0 where 0 has a meaning ("auto" CPU threads)

    bool required() const { return defaultValue.is_null() && !optional; }
    bool numeric() const;
    // "0 to 1", ">= 0", "> 0 and < 0.5", "any": the allowed range of a number.
    std::string rangeText() const;
    // "an integer in 0 to 1", "one of sin, abs", "true or false": what a value must be.
    std::string expectation() const;
    // "0.1 (0 to 1)", "sin (sin|abs|step|bump)": the default and the allowed values, for help texts.
    std::string describeDefault() const;
};

ParamSpec intParam(std::string name, nlohmann::json def, double lo, double hi, std::string help);
ParamSpec floatParam(std::string name, nlohmann::json def, double lo, double hi, std::string help);
ParamSpec boolParam(std::string name, bool def, std::string help);
ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices, std::string help);
ParamSpec textParam(std::string name, std::string def, std::string help);
ParamSpec pairParam(std::string name, nlohmann::json def, double lo, double hi, std::string help);
ParamSpec choiceListParam(std::string name, std::vector<std::string> choices, std::string help);

// Who reads the values: errors name it and the field, in the words of the reader, and throw its error type.
struct SchemaWhere {
    enum class Style {
        Layer, // "parameter 'units' of Dense is 0 but must be between 1 and 1048576"
        Option, // "option 'noise' of generator 'xor' cannot be 'lots': expected a number in 0 to 1"
        Setting // "run.json: training setting 'epochs' is 0; it must be >= 1"
    };
    Style style = Style::Layer;
    std::string owner; // "Dense", "generator 'xor'", "run.json" (may be empty for settings)
    std::string noun = "parameter"; // "parameter", "option", "training setting", "GAN setting"
    std::string prefix; // dotted path of a nested object: "optimizer."
    std::string hint; // added to unknown-key errors: " (see 'neurino-batch generate --list')"
    std::function<void(const std::string&)> raise; // throws the reader's error type; Error if unset

    [[noreturn]] void fail(const std::string& message) const;
    // The beginning of a message about one field: "parameter 'units' of Dense", "run.json: 'optimizer.lr'".
    std::string field(const std::string& key) const;
    SchemaWhere nested(const std::string& key) const;
};

// An ordered list of parameters: what a layer kind takes, what a generator reads, what a config holds.
class ParamSchema {
public:
    ParamSchema() = default;
    ParamSchema(std::vector<ParamSpec> specs);
    ParamSchema(std::initializer_list<ParamSpec> specs);

    const std::vector<ParamSpec>& specs() const { return m_specs; }
    std::vector<ParamSpec>::const_iterator begin() const { return m_specs.begin(); }
    std::vector<ParamSpec>::const_iterator end() const { return m_specs.end(); }
    std::size_t size() const { return m_specs.size(); }
    bool empty() const { return m_specs.empty(); }
    const ParamSpec& operator[](std::size_t i) const { return m_specs[i]; }
    void add(ParamSpec spec) { m_specs.push_back(std::move(spec)); }

    const ParamSpec* find(const std::string& name) const;
    std::vector<std::string> names() const;

    // `values` (a JSON object or null) checked and complete: every default filled in, every value canonical.
    // Unknown keys, missing required values, wrong types, out-of-range values and unknown choices throw
    // through `where`, naming the field.
    nlohmann::json resolve(const nlohmann::json& values, const SchemaWhere& where) const;
    // Throws through `where` unless `key` is one of the parameters; suggests the closest name.
    const ParamSpec& known(const std::string& key, const SchemaWhere& where) const;

    // One value checked against its parameter, in canonical form.
    static nlohmann::json check(const ParamSpec& spec, const nlohmann::json& value, const SchemaWhere& where);
    // Command-line text ("0.2", "yes", "a,b") parsed as the parameter's type, not yet range-checked.
    static nlohmann::json parseText(const ParamSpec& spec, const std::string& text, const SchemaWhere& where);

private:
    std::vector<ParamSpec> m_specs;
};

// The closest of `candidates` to `word` (edit distance), or "" when nothing is close; for "did you mean".
std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates);

} // namespace neurino
