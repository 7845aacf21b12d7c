#pragma once

#include "core/util/ParamSchema.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace neurino::datasets {

// A generator's resolved options: every documented option (its ParamSchema) present, typed and in range.
// Values not given take their defaults; unknown names and bad values throw DataError naming the generator
// and the option.
class GeneratorOptions {
public:
    GeneratorOptions() = default;
    // From JSON values (numbers, booleans, strings; a string is parsed as the option's type).
    GeneratorOptions(const std::string& generator, const ParamSchema& specs, const nlohmann::json& values);
    // From command-line text, e.g. {"noise": "0.2", "3d": "true"}.
    static GeneratorOptions fromStrings(const std::string& generator, const ParamSchema& specs,
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
