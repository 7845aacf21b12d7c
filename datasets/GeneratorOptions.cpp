#include "datasets/GeneratorOptions.h"

#include "core/util/Error.h"

namespace neurino::datasets {

namespace {

// Errors in the words of `neurino-batch generate`: "option 'noise' of generator 'xor' cannot be ...".
SchemaWhere generatorWhere(const std::string& generator)
{
    SchemaWhere where;
    where.style = SchemaWhere::Style::Option;
    where.owner = "generator '" + generator + "'";
    where.noun = "option";
    where.hint = " (see 'neurino-batch generate --list')";
    where.raise = [](const std::string& message) { throw DataError(message); };
    return where;
}

} // namespace

GeneratorOptions::GeneratorOptions(
    const std::string& generator, const ParamSchema& specs, const nlohmann::json& values)
    : m_generator(generator)
    , m_values(specs.resolve(values, generatorWhere(generator)))
{
}

GeneratorOptions GeneratorOptions::fromStrings(
    const std::string& generator, const ParamSchema& specs, const std::map<std::string, std::string>& values)
{
    const SchemaWhere where = generatorWhere(generator);
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [name, text] : values)
        json[name] = ParamSchema::parseText(specs.known(name, where), text, where);
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
