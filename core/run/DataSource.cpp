#include "core/run/DataSource.h"

#include "core/data/Dataset.h"
#include "core/data/DatasetFile.h"
#include "core/util/Error.h"

#include <filesystem>
#include <set>

namespace neurino {

using nlohmann::json;

namespace {

const char* kindName(DataSource::Kind kind)
{
    return kind == DataSource::Kind::File ? "file" : "generator";
}

// Reads the fields of one data source object, refusing unknown keys and wrong types with the field's name.
class FieldReader {
public:
    FieldReader(const json& doc, const std::string& where)
        : m_doc(doc)
        , m_where(where)
    {
        if (!doc.is_object())
            throw DataError(where + " must be a JSON object, not " + doc.dump());
    }

    const json* find(const char* key)
    {
        m_known.insert(key);
        const auto it = m_doc.find(key);
        return it == m_doc.end() || it->is_null() ? nullptr : &*it;
    }

    void text(const char* key, std::string& field, bool required = false)
    {
        const json* value = find(key);
        if (!value && required)
            throw DataError(m_where + ": '" + key + "' is missing; name it (a text)");
        if (!value)
            return;
        if (!value->is_string())
            throw wrong(key, *value, "a text");
        field = value->get<std::string>();
    }

    template <typename T> void whole(const char* key, T& field)
    {
        const json* value = find(key);
        if (!value)
            return;
        if (!value->is_number_unsigned() && !(value->is_number_integer() && value->get<std::int64_t>() >= 0))
            throw wrong(key, *value, "a whole number >= 0");
        field = value->get<T>();
    }

    DataError wrong(const char* key, const json& value, const std::string& expected) const
    {
        return DataError(m_where + ": '" + key + "' is " + value.dump() + "; it must be " + expected);
    }

    // `parse(text)`, its error prefixed with where the text stood.
    template <typename Parse> auto parsed(const char* key, const std::string& text, Parse parse) const
    {
        try {
            return parse(text);
        } catch (const DataError& e) {
            throw DataError(m_where + ": '" + key + "': " + e.what());
        }
    }

    void finish() const
    {
        std::string known;
        for (const auto& key : m_known)
            known += (known.empty() ? "" : ", ") + key;
        for (const auto& item : m_doc.items())
            if (!m_known.count(item.key()))
                throw DataError(m_where + ": unknown field '" + item.key() + "' for a " + kindName(m_kind)
                    + " source; its fields are " + known);
    }

    void setKind(DataSource::Kind kind) { m_kind = kind; }

private:
    const json& m_doc;
    std::string m_where;
    std::set<std::string> m_known { "kind" };
    DataSource::Kind m_kind = DataSource::Kind::Generator;
};

DataSource::Kind readKind(FieldReader& r)
{
    std::string kind;
    r.text("kind", kind, /*required=*/true);
    if (kind == "generator")
        return DataSource::Kind::Generator;
    if (kind == "file")
        return DataSource::Kind::File;
    throw r.wrong("kind", kind, "\"generator\" or \"file\"");
}

void readGenerator(FieldReader& r, DataSource& s)
{
    r.text("generator", s.generator, /*required=*/true);
    if (const json* options = r.find("options")) {
        if (!options->is_object())
            throw r.wrong("options", *options, "a JSON object of generator options");
        s.options = *options;
    }
    r.whole("events", s.events);
    r.whole("seed", s.seed);
}

void readFile(FieldReader& r, DataSource& s)
{
    r.text("path", s.path, /*required=*/true);
    r.text("features", s.featuresPath);
    r.text("targets", s.targetsPath);
    std::string task;
    r.text("task", task);
    if (!task.empty())
        s.task = r.parsed("task", task, parseTask);
    std::string axis;
    r.text("channel_axis", axis);
    if (!axis.empty())
        s.channelAxis = r.parsed("channel_axis", axis, parseChannelAxis);
}

// A foreign file's (N, H, W) stack is a stack of single-channel images: Neurino's own files say what
// they hold (DatasetFile gives their images a channel), and the catalog makes channels-first images.
bool wantsChannelAxis(const DataSource& source, const Dataset& data)
{
    if (!data.features.defined() || data.features.dim() != 3)
        return false;
    switch (source.channelAxis) {
    case DataSource::ChannelAxis::Add:
        return true;
    case DataSource::ChannelAxis::Keep:
        return false;
    case DataSource::ChannelAxis::Auto:
        break;
    }
    return source.kind == DataSource::Kind::File && data.info.generator.empty();
}

std::shared_ptr<Dataset> readFile(const DataSource& source)
{
    if (source.path.empty())
        throw DataError("the data source names no file ('path' is empty); choose an HDF5 file");
    DatasetPaths paths;
    paths.features = source.featuresPath;
    paths.targets = source.targetsPath;
    paths.task = source.task;
    paths.readExtras = false;
    auto data = std::make_shared<Dataset>(readDataset(source.path, paths));
    if (data->info.origin.empty())
        data->info.origin = source.path;
    return data;
}

} // namespace

DataSource DataSource::fromGenerator(
    const std::string& name, const json& options, std::int64_t events, std::uint64_t seed)
{
    DataSource s;
    s.kind = Kind::Generator;
    s.generator = name;
    s.options = options.is_null() ? json::object() : options;
    s.events = events;
    s.seed = seed;
    return s;
}

DataSource DataSource::fromFile(
    const std::string& path, const std::string& features, const std::string& targets)
{
    DataSource s;
    s.kind = Kind::File;
    s.path = path;
    s.featuresPath = features;
    s.targetsPath = targets;
    return s;
}

json DataSource::toJson() const
{
    if (kind == Kind::Generator)
        return { { "kind", kindName(kind) }, { "generator", generator },
            { "options", options.is_null() ? json::object() : options }, { "events", events },
            { "seed", seed } };
    json doc = { { "kind", kindName(kind) }, { "path", path }, { "features", featuresPath },
        { "targets", targetsPath }, { "channel_axis", channelAxisName(channelAxis) } };
    if (task)
        doc["task"] = taskName(*task);
    return doc;
}

DataSource DataSource::fromJson(const json& doc, const std::string& where)
{
    FieldReader r(doc, where);
    DataSource s;
    s.kind = readKind(r);
    r.setKind(s.kind);
    if (s.kind == Kind::Generator)
        readGenerator(r, s);
    else
        readFile(r, s);
    r.finish();
    return s;
}

std::string DataSource::describe() const
{
    if (kind == Kind::File)
        return std::filesystem::path(path).filename().string();
    std::string text = generator + " (";
    if (events > 0)
        text += std::to_string(events) + " events, ";
    return text + "seed " + std::to_string(seed) + ")";
}

std::string channelAxisName(DataSource::ChannelAxis axis)
{
    switch (axis) {
    case DataSource::ChannelAxis::Add:
        return "add";
    case DataSource::ChannelAxis::Keep:
        return "keep";
    case DataSource::ChannelAxis::Auto:
        break;
    }
    return "auto";
}

DataSource::ChannelAxis parseChannelAxis(const std::string& name)
{
    for (auto axis :
        { DataSource::ChannelAxis::Auto, DataSource::ChannelAxis::Add, DataSource::ChannelAxis::Keep })
        if (channelAxisName(axis) == name)
            return axis;
    throw DataError("unknown channel axis '" + name + "': expected auto, add or keep");
}

std::shared_ptr<Dataset> openDataSource(const DataSource& source, const GeneratorFn& generate)
{
    std::shared_ptr<Dataset> data;
    if (source.kind == DataSource::Kind::File) {
        data = readFile(source);
    } else {
        if (!generate)
            throw DataError("the data source is the catalog generator '" + source.generator
                + "', but this program opened it without the dataset catalog; pass "
                  "datasets::Catalog::instance().generatorFn()");
        data = std::make_shared<Dataset>(generate(source));
    }
    if (wantsChannelAxis(source, *data))
        data->features = data->features.unsqueeze(1);
    return data;
}

} // namespace neurino
