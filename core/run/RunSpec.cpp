#include "core/run/RunSpec.h"

#include "core/graph/ModelJson.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <set>

namespace neurino {

namespace {

constexpr char kFormat[] = "neurino-run-spec";
constexpr int kVersion = 1;
// The run-level settings written beside the config rather than inside it.
const char* const kTopLevel[] = { "device", "threads", "seed" };

const nlohmann::json& field(const nlohmann::json& doc, const char* name, const std::string& where)
{
    const auto it = doc.find(name);
    if (it == doc.end())
        throw DataError(where + " has no field '" + name + "'");
    return *it;
}

} // namespace

nlohmann::json RunSpec::toJson() const
{
    nlohmann::json config = training.toJson();
    nlohmann::json doc = { { "format", kFormat }, { "version", kVersion }, { "name", name },
        { "model", modelToJson(model) }, { "data", data.toJson() } };
    for (const char* key : kTopLevel) {
        doc[key] = config[key];
        config.erase(key);
    }
    doc["training"] = std::move(config);
    return doc;
}

RunSpec RunSpec::fromJson(const nlohmann::json& doc, const std::string& where)
{
    if (!doc.is_object())
        throw DataError(where + " is not a JSON object");
    if (doc.value("format", std::string(kFormat)) != kFormat)
        throw DataError(where + " is not a run spec: its format is '" + doc.value("format", std::string())
            + "', not '" + kFormat + "'");
    if (doc.value("version", kVersion) > kVersion)
        throw DataError(where + " is of version " + std::to_string(doc.value("version", 0))
            + "; this Neurino reads run specs up to version " + std::to_string(kVersion));
    static const std::set<std::string> known
        = { "format", "version", "name", "model", "data", "training", "device", "threads", "seed" };
    for (const auto& item : doc.items()) {
        if (!known.count(item.key()))
            throw DataError(where + " has an unknown field '" + item.key() + "'");
    }
    RunSpec spec;
    const nlohmann::json& name = doc.value("name", nlohmann::json(""));
    if (!name.is_string())
        throw DataError(where + ": field 'name' must be a string");
    spec.name = name.get<std::string>();
    spec.model = modelFromJson(field(doc, "model", where), where + ", field 'model'");
    spec.data = DataSource::fromJson(field(doc, "data", where), where + ", field 'data'");
    nlohmann::json config = doc.value("training", nlohmann::json::object());
    if (!config.is_object())
        throw TrainError(where + ": field 'training' must be an object");
    for (const char* key : kTopLevel) {
        if (doc.contains(key))
            config[key] = doc[key];
    }
    spec.training = TrainConfig::fromJson(config, where + ", field 'training'");
    spec.training.validate();
    return spec;
}

RunSpec RunSpec::load(const std::string& path)
{
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(readTextFile(path));
    } catch (const nlohmann::json::exception& e) {
        throw IoError("'" + path + "' is not valid JSON: " + e.what());
    }
    return fromJson(doc, "'" + path + "'");
}

void RunSpec::save(const std::string& path) const
{
    writeTextFileAtomically(path, toJson().dump(2) + "\n");
}

} // namespace neurino
