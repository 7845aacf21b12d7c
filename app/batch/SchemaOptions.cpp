#include "app/batch/SchemaOptions.h"

#include "core/util/Error.h"
#include "core/util/StructSchema.h"

#include <sstream>

namespace neurino::batch {

namespace {

// Checks only need a message: CLI11 names the option ("--lr: ...") and exits with a usage error.
SchemaWhere commandLine()
{
    SchemaWhere where;
    where.style = SchemaWhere::Style::Option;
    where.owner = "the command line";
    where.noun = "option";
    return where;
}

std::string defaultText(const ParamSpec& spec)
{
    const nlohmann::json& v = spec.defaultValue;
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_float()) {
        std::ostringstream out;
        out << v.get<double>();
        return out.str();
    }
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v)
            out += (out.empty() ? "" : ",") + (e.is_string() ? e.get<std::string>() : e.dump());
        return out;
    }
    return v.is_null() ? "" : v.dump();
}

// The check of one command-line word against the entry; its description is shown in --help.
CLI::Validator validatorFor(const ParamSpec& spec)
{
    std::string description;
    if (spec.type == ParamType::Choice || spec.type == ParamType::ChoiceList) {
        for (const auto& c : spec.choices)
            description += (description.empty() ? "{" : ",") + c;
        description += "}";
    } else if (spec.numeric() && spec.rangeText() != "any") {
        description = "in " + spec.rangeText();
    }
    ParamSpec element = spec;
    if (spec.type == ParamType::ChoiceList)
        element.type = ParamType::Choice; // CLI11 checks a list word by word
    return CLI::Validator(
        [element](std::string& text) -> std::string {
            try {
                ParamSchema::check(
                    element, ParamSchema::parseText(element, text, commandLine()), commandLine());
            } catch (const Error&) {
                return "'" + text + "' is not " + element.expectation();
            }
            return {};
        },
        description);
}

} // namespace

SchemaWhere commandLineSettings()
{
    SchemaWhere where;
    where.style = SchemaWhere::Style::Setting;
    where.owner = "command line";
    where.noun = "setting";
    where.raise = [](const std::string& message) { throw CLI::ValidationError(message); };
    return where;
}

SchemaOptions::SchemaOptions(CLI::App& app, ParamSchema schema)
    : m_app(app)
    , m_schema(std::move(schema))
{
}

CLI::Option* SchemaOptions::add(const std::string& flags, const std::string& path, const std::string& help)
{
    const ParamSpec* spec = m_schema.find(path);
    if (!spec)
        throw Error(
            "neurino-batch declares an option " + flags + " for '" + path + "', which no setting has");
    auto bound = std::make_unique<Bound>();
    bound->path = path;
    bound->spec = *spec;
    const std::string text = help.empty() ? spec->help : help;
    if (spec->type == ParamType::Bool) {
        bound->flag = true;
        bound->option = m_app.add_flag(flags, text);
    } else if (spec->type == ParamType::ChoiceList) {
        bound->option = m_app.add_option(flags, bound->list, text)->delimiter(',');
    } else {
        bound->option = m_app.add_option(flags, bound->text, text);
    }
    if (!bound->flag) {
        bound->option->check(validatorFor(*spec));
        bound->option->default_str(defaultText(*spec));
        bound->option->type_name(spec->type == ParamType::Int ? "INT"
                : spec->type == ParamType::Float              ? "FLOAT"
                                                              : "TEXT");
    }
    CLI::Option* option = bound->option;
    m_bound.push_back(std::move(bound));
    return option;
}

bool SchemaOptions::given(const std::string& path) const
{
    for (const auto& b : m_bound) {
        if (b->path == path)
            return b->option->count() > 0;
    }
    return false;
}

nlohmann::json SchemaOptions::typed() const
{
    const SchemaWhere where = commandLine();
    nlohmann::json patch = nlohmann::json::object();
    for (const auto& b : m_bound) {
        if (b->option->count() == 0)
            continue;
        nlohmann::json value;
        if (b->flag)
            value = true;
        else if (b->spec.type == ParamType::ChoiceList)
            value = b->list;
        else
            value = ParamSchema::parseText(b->spec, b->text, where);
        jsonSetAt(patch, b->path, ParamSchema::check(b->spec, value, where));
    }
    return patch;
}

} // namespace neurino::batch
