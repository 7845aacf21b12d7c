#include "core/graph/ModelJson.h"

#include "core/io/ReadLimits.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/JsonNumbers.h"

#include <optional>
#include <set>

namespace neurino {

using nlohmann::json;

namespace {

const std::set<std::string> kTopFields = { "format", "version", "name", "description", "nodes", "edges" };
const std::set<std::string> kNodeFields = { "id", "name", "kind", "params", "position" };
const std::set<std::string> kEdgeFields = { "from", "to", "port" };

class Reader {
public:
    explicit Reader(std::string source)
        : m_source(std::move(source))
    {
    }

    [[noreturn]] void fail(const std::string& where, const std::string& what) const
    {
        throw ModelError(m_source + ": " + (where.empty() ? "" : where + ": ") + what);
    }

    void rejectUnknown(const json& object, const std::set<std::string>& known, const std::string& where) const
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!known.count(it.key()))
                fail(where, "unknown field '" + it.key() + "'");
        }
    }

    std::string string(
        const json& object, const std::string& field, const std::string& where, bool required) const
    {
        if (!object.contains(field)) {
            if (required)
                fail(where, "field '" + field + "' is missing");
            return {};
        }
        if (!object.at(field).is_string())
            fail(where, "field '" + field + "' must be a string");
        return object.at(field).get<std::string>();
    }

    ModelGraph read(const json& doc) const
    {
        if (!doc.is_object())
            fail("", "a model file must hold a JSON object, with \"format\": \"neurino-model\"");
        if (!doc.contains("format") || doc.at("format") != kModelFormatName)
            fail("", "field 'format' must be \"neurino-model\"; this is not a Neurino model file");
        const std::optional<int> number = doc.contains("version") && doc.at("version").is_number_integer()
            ? jsonInteger<int>(doc.at("version"))
            : std::nullopt;
        if (!number)
            fail("", "field 'version' is missing or not a whole number");
        const int version = *number;
        if (version != kModelFormatVersion)
            fail("",
                "format version " + std::to_string(version) + " is not supported; this Neurino reads version "
                    + std::to_string(kModelFormatVersion)
                    + (version > kModelFormatVersion ? " (update Neurino)" : ""));
        rejectUnknown(doc, kTopFields, "");

        ModelGraph graph;
        graph.setName(doc.contains("name") ? string(doc, "name", "", false) : "model");
        graph.setDescription(string(doc, "description", "", false));

        if (!doc.contains("nodes") || !doc.at("nodes").is_array())
            fail("", "field 'nodes' must be a list of layer nodes");
        const json& nodes = doc.at("nodes");
        try {
            checkGraphNodes(static_cast<std::int64_t>(nodes.size()), m_source);
        } catch (const IoError& e) {
            throw ModelError(e.what());
        }
        for (std::size_t i = 0; i < nodes.size(); ++i)
            graph.insertNode(readNode(nodes[i], i, graph));

        if (doc.contains("edges")) {
            if (!doc.at("edges").is_array())
                fail("", "field 'edges' must be a list of {\"from\", \"to\"} connections");
            const json& edges = doc.at("edges");
            for (std::size_t i = 0; i < edges.size(); ++i)
                readEdge(edges[i], i, graph);
        }
        return graph;
    }

private:
    Node readNode(const json& n, std::size_t index, const ModelGraph& graph) const
    {
        std::string where = "node " + std::to_string(index + 1);
        if (!n.is_object())
            fail(where, "must be a JSON object with 'id' and 'kind'");
        const std::string id = string(n, "id", where, true);
        if (id.empty())
            fail(where, "field 'id' is empty");
        where = "node '" + id + "'";
        if (graph.hasNode(id))
            fail(where, "the id is used twice; every node needs its own id");
        rejectUnknown(n, kNodeFields, where);
        Node node;
        node.id = id;
        node.name = n.contains("name") ? string(n, "name", where, false) : id;
        node.layer.kind = string(n, "kind", where, true);
        try {
            const LayerKind& kind = LayerRegistry::instance().kind(node.layer.kind);
            where += " (" + kind.name + ")";
            node.layer.params = LayerRegistry::instance().canonicalParams(
                kind.name, n.contains("params") ? n.at("params") : json::object());
        } catch (const ModelError& e) {
            fail(where, e.what());
        }
        if (n.contains("position")) {
            const json& p = n.at("position");
            if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
                fail(where, "field 'position' must be [x, y]");
            node.x = p[0].get<double>();
            node.y = p[1].get<double>();
        }
        return node;
    }

    void readEdge(const json& e, std::size_t index, ModelGraph& graph) const
    {
        const std::string where = "edge " + std::to_string(index + 1);
        if (!e.is_object())
            fail(where, "must be a JSON object {\"from\": id, \"to\": id}");
        rejectUnknown(e, kEdgeFields, where);
        const std::string from = string(e, "from", where, true);
        const std::string to = string(e, "to", where, true);
        if (!graph.hasNode(from))
            fail(where, "comes from '" + from + "', which is not a node of the model");
        if (!graph.hasNode(to))
            fail(where, "goes to '" + to + "', which is not a node of the model");
        int port = -1;
        if (e.contains("port")) {
            const std::optional<int> number
                = e.at("port").is_number_integer() ? jsonInteger<int>(e.at("port")) : std::nullopt;
            if (!number || *number < 0)
                fail(where, "field 'port' must be a whole number from 0");
            port = *number;
        }
        try {
            graph.connect(from, to, port);
        } catch (const ModelError& err) {
            fail(where, err.what());
        }
    }

    std::string m_source;
};

} // namespace

json modelToJson(const ModelGraph& graph)
{
    json doc = json::object();
    doc["format"] = kModelFormatName;
    doc["version"] = kModelFormatVersion;
    doc["name"] = graph.name();
    if (!graph.description().empty())
        doc["description"] = graph.description();
    json nodes = json::array();
    for (const auto& n : graph.nodes()) {
        json node = { { "id", n.id }, { "kind", n.layer.kind } };
        if (n.name != n.id)
            node["name"] = n.name;
        node["params"] = n.layer.params;
        node["position"] = json::array({ n.x, n.y });
        nodes.push_back(std::move(node));
    }
    doc["nodes"] = std::move(nodes);
    json edges = json::array();
    for (const auto& e : graph.edges()) {
        json edge = { { "from", e.from }, { "to", e.to } };
        // Ports are written wherever order matters, so that a file read back wires inputs identically.
        if (e.port != 0 || graph.inputsOf(e.to).size() > 1)
            edge["port"] = e.port;
        edges.push_back(std::move(edge));
    }
    doc["edges"] = std::move(edges);
    return doc;
}

ModelGraph modelFromJson(const json& doc, const std::string& source)
{
    return Reader(source).read(doc);
}

std::string modelToString(const ModelGraph& graph)
{
    return modelToJson(graph).dump(2) + "\n";
}

ModelGraph modelFromString(const std::string& text, const std::string& source)
{
    json doc;
    try {
        // Before the parser builds anything: nlohmann would build 10,000 nested arrays as asked.
        checkJsonDepth(text, source);
    } catch (const IoError& e) {
        throw ModelError(e.what());
    }
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        // nlohmann's message carries the line and column of the problem. A number too large for a double
        // (1e400) is an out_of_range error, not a parse_error.
        throw ModelError(source + ": not valid JSON: " + e.what());
    }
    return modelFromJson(doc, source);
}

ModelGraph loadModel(const std::string& path)
{
    return modelFromString(readBoundedTextFile(path), path);
}

void saveModel(const ModelGraph& graph, const std::string& path)
{
    writeTextFileAtomically(path, modelToString(graph));
}

} // namespace neurino
