// The names of parameter types and the constructors of ParamSpecs: what every schema is written with.
#include "core/util/ParamSchema.h"

namespace neurino {

using nlohmann::json;

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
    case ParamType::Text:
        return "text";
    case ParamType::IntPair:
        return "pair of integers";
    case ParamType::ChoicePair:
        return "choice per axis";
    case ParamType::IntList:
        return "list of integers";
    case ParamType::ChoiceList:
        return "list of choices";
    }
    return "value";
}

std::string paramTypeShortName(ParamType type)
{
    switch (type) {
    case ParamType::Int:
        return "int";
    case ParamType::Float:
        return "float";
    case ParamType::Bool:
        return "bool";
    case ParamType::Choice:
        return "choice";
    case ParamType::Text:
        return "text";
    case ParamType::IntPair:
        return "int[,int]";
    case ParamType::ChoicePair:
        return "choice[,choice]";
    case ParamType::IntList:
        return "int,...";
    case ParamType::ChoiceList:
        return "choice,...";
    }
    return "text";
}

ParamSpec intParam(std::string name, json def, double lo, double hi, std::string help)
{
    return { std::move(name), ParamType::Int, std::move(def), lo, hi, {}, std::move(help) };
}

ParamSpec floatParam(std::string name, json def, double lo, double hi, std::string help)
{
    return { std::move(name), ParamType::Float, std::move(def), lo, hi, {}, std::move(help) };
}

ParamSpec boolParam(std::string name, bool def, std::string help)
{
    return { std::move(name), ParamType::Bool, def, 0, 1, {}, std::move(help) };
}

ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices, std::string help)
{
    return { std::move(name), ParamType::Choice, std::move(def), 0, 0, std::move(choices), std::move(help) };
}

ParamSpec textParam(std::string name, std::string def, std::string help)
{
    return { std::move(name), ParamType::Text, std::move(def), 0, 0, {}, std::move(help) };
}

ParamSpec pairParam(std::string name, json def, double lo, double hi, std::string help)
{
    return { std::move(name), ParamType::IntPair, std::move(def), lo, hi, {}, std::move(help) };
}

ParamSpec choiceListParam(std::string name, std::vector<std::string> choices, std::string help)
{
    return { std::move(name), ParamType::ChoiceList, json::array(), 0, 0, std::move(choices),
        std::move(help) };
}

} // namespace neurino
