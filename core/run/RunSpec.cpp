#include "core/run/RunSpec.h"

#include "core/gan/GanConfig.h"
#include "core/graph/ModelJson.h"
#include "core/io/ReadLimits.h"
#include "core/run/GanRun.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <set>

namespace neurino {

namespace {

constexpr int kVersion = 1;
// The run-level settings written beside the config rather than inside it.
const char* const kTopLevel[] = { "device", "threads", "seed" };

// The envelope both kinds of spec share: format, version, name, and the run-level settings lifted out of
// `config` (the TrainConfig's or GanConfig's JSON) to the top.
nlohmann::json envelope(
    const char* format, const std::string& name, nlohmann::json config, const char* configKey)
{
    nlohmann::json doc = { { "format", format }, { "version", kVersion }, { "name", name } };
    for (const char* key : kTopLevel) {
        doc[key] = config[key];
        config.erase(key);
    }
    doc[configKey] = std::move(config);
    return doc;
}

// Checks the envelope of `doc` (format, version, no unknown fields) and returns the config object with
// the top-level run settings put back into it.
nlohmann::json openEnvelope(const nlohmann::json& doc, const char* format,
    const std::set<std::string>& fields, const char* configKey, const std::string& where)
{
    if (!doc.is_object())
        throw DataError(where + " is not a JSON object");
    const std::string actual = doc.value("format", std::string(format));
    if (actual != format)
        throw DataError(where + " is not a " + format + ": its format is '" + actual + "'");
    if (!doc.value("version", nlohmann::json(kVersion)).is_number_integer()
        || doc.value("version", kVersion) > kVersion)
        throw DataError(where + ": field 'version' must be an integer up to " + std::to_string(kVersion)
            + " (this Neurino's)");
    for (const auto& item : doc.items()) {
        const bool shared = item.key() == "format" || item.key() == "version" || item.key() == "name"
            || item.key() == configKey || item.key() == "device" || item.key() == "threads"
            || item.key() == "seed";
        if (!shared && !fields.count(item.key()))
            throw DataError(where + " has an unknown field '" + item.key() + "'");
    }
    if (doc.contains("name") && !doc.at("name").is_string())
        throw DataError(where + ": field 'name' must be a string");
    nlohmann::json config = doc.value(configKey, nlohmann::json::object());
    if (!config.is_object())
        throw TrainError(where + ": field '" + configKey + "' must be an object");
    for (const char* key : kTopLevel) {
        if (doc.contains(key))
            config[key] = doc.at(key);
    }
    return config;
}

const nlohmann::json& field(const nlohmann::json& doc, const char* name, const std::string& where)
{
    const auto it = doc.find(name);
    if (it == doc.end())
        throw DataError(where + " has no field '" + name + "'");
    return *it;
}

ModelGraph modelField(const nlohmann::json& doc, const char* name, const std::string& where)
{
    return modelFromJson(field(doc, name, where), where + ", field '" + name + "'");
}

DataSource dataField(const nlohmann::json& doc, const std::string& where)
{
    return DataSource::fromJson(field(doc, "data", where), where + ", field 'data'");
}

nlohmann::json readSpecFile(const std::string& path)
{
    try {
        return nlohmann::json::parse(readBoundedJsonText(path));
    } catch (const nlohmann::json::exception& e) {
        throw IoError("'" + path + "' is not valid JSON: " + e.what());
    }
}

} // namespace

nlohmann::json RunSpec::toJson() const
{
    nlohmann::json doc = envelope("neurino-run-spec", name, training.toJson(), "training");
    doc["model"] = modelToJson(model);
    doc["data"] = data.toJson();
    if (!init.empty())
        doc["init"] = init;
    return doc;
}

RunSpec RunSpec::fromJson(const nlohmann::json& doc, const std::string& where)
{
    const nlohmann::json config
        = openEnvelope(doc, "neurino-run-spec", { "model", "data", "init" }, "training", where);
    RunSpec spec;
    spec.name = doc.value("name", std::string());
    spec.model = modelField(doc, "model", where);
    spec.data = dataField(doc, where);
    spec.training = TrainConfig::fromJson(config, where + ", field 'training'");
    spec.training.validate();
    if (doc.contains("init")) {
        if (!doc.at("init").is_string() || doc.at("init").get<std::string>().empty())
            throw DataError(
                where + ": field 'init' must name a file (a checkpoint, Keras model or ONNX model)");
        spec.init = doc.at("init").get<std::string>();
    }
    return spec;
}

RunSpec RunSpec::load(const std::string& path)
{
    return fromJson(readSpecFile(path), "'" + path + "'");
}

void RunSpec::save(const std::string& path) const
{
    writeTextFileAtomically(path, toJson().dump(2) + "\n");
}

nlohmann::json GanRunSpec::toJson() const
{
    nlohmann::json doc = envelope("neurino-gan-run-spec", name, gan.toJson(), "gan");
    doc["generator"] = modelToJson(generator);
    doc["discriminator"] = modelToJson(discriminator);
    doc["data"] = data.toJson();
    return doc;
}

GanRunSpec GanRunSpec::fromJson(const nlohmann::json& doc, const std::string& where)
{
    const nlohmann::json config
        = openEnvelope(doc, "neurino-gan-run-spec", { "generator", "discriminator", "data" }, "gan", where);
    GanRunSpec spec;
    spec.name = doc.value("name", std::string());
    spec.generator = modelField(doc, "generator", where);
    spec.discriminator = modelField(doc, "discriminator", where);
    spec.data = dataField(doc, where);
    spec.gan = GanConfig::fromJson(config);
    spec.gan.validate();
    return spec;
}

GanRunSpec GanRunSpec::load(const std::string& path)
{
    return fromJson(readSpecFile(path), "'" + path + "'");
}

void GanRunSpec::save(const std::string& path) const
{
    writeTextFileAtomically(path, toJson().dump(2) + "\n");
}

} // namespace neurino
