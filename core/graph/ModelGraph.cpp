#include "core/graph/ModelGraph.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <sstream>

namespace neurino {

using nlohmann::json;

std::string GraphIssue::toString() const
{
    return nodeId.empty() ? message : "node '" + nodeId + "': " + message;
}

ParamCount GraphAnalysis::totalParams() const
{
    ParamCount total;
    for (const auto& [id, count] : params)
        total += count;
    return total;
}

const Node* ModelGraph::findNode(const std::string& id) const
{
    for (const auto& n : m_nodes) {
        if (n.id == id)
            return &n;
    }
    return nullptr;
}

Node* ModelGraph::findNodeMutable(const std::string& id)
{
    return const_cast<Node*>(findNode(id));
}

const Node& ModelGraph::node(const std::string& id) const
{
    if (const Node* n = findNode(id))
        return *n;
    throw ModelError("the model has no node '" + id + "'");
}

std::string ModelGraph::uniqueId(const std::string& kind) const
{
    std::string base;
    for (char c : kind)
        base += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (base == "input" || base == "output") {
        if (!hasNode(base))
            return base;
    }
    for (int i = 1;; ++i) {
        const std::string id = base + "_" + std::to_string(i);
        if (!hasNode(id))
            return id;
    }
}

std::string ModelGraph::addNode(
    const std::string& kind, const json& params, const std::string& id, double x, double y)
{
    Node n;
    n.id = id.empty() || hasNode(id) ? uniqueId(kind) : id;
    n.name = n.id;
    n.layer.kind = LayerRegistry::instance().kind(kind).name;
    n.layer.params
        = LayerRegistry::instance().canonicalParams(kind, params.is_null() ? json::object() : params);
    n.x = x;
    n.y = y;
    m_nodes.push_back(std::move(n));
    return m_nodes.back().id;
}

void ModelGraph::insertNode(const Node& node)
{
    if (node.id.empty())
        throw ModelError("a node needs a non-empty id");
    if (hasNode(node.id))
        throw ModelError("the model already has a node '" + node.id + "'");
    Node n = node;
    n.layer.params = LayerRegistry::instance().canonicalParams(node.layer.kind, node.layer.params);
    if (n.name.empty())
        n.name = n.id;
    m_nodes.push_back(std::move(n));
}

void ModelGraph::removeNode(const std::string& id)
{
    node(id);
    m_edges.erase(std::remove_if(m_edges.begin(), m_edges.end(),
                      [&](const Edge& e) { return e.from == id || e.to == id; }),
        m_edges.end());
    m_nodes.erase(std::remove_if(m_nodes.begin(), m_nodes.end(), [&](const Node& n) { return n.id == id; }),
        m_nodes.end());
}

void ModelGraph::setNodeName(const std::string& id, const std::string& name)
{
    node(id);
    findNodeMutable(id)->name = name;
}

void ModelGraph::setPosition(const std::string& id, double x, double y)
{
    node(id);
    Node* n = findNodeMutable(id);
    n->x = x;
    n->y = y;
}

void ModelGraph::setParams(const std::string& id, const json& params)
{
    const Node& n = node(id);
    try {
        findNodeMutable(id)->layer.params = LayerRegistry::instance().canonicalParams(n.layer.kind, params);
    } catch (const ModelError& e) {
        throw ModelError("node '" + id + "': " + e.what());
    }
}

void ModelGraph::setParam(const std::string& id, const std::string& param, const json& value)
{
    json params = node(id).layer.params;
    params[param] = value;
    setParams(id, params);
}

void ModelGraph::connect(const std::string& from, const std::string& to, int port)
{
    if (!hasNode(from))
        throw ModelError("cannot connect from '" + from + "': the model has no such node");
    if (!hasNode(to))
        throw ModelError("cannot connect to '" + to + "': the model has no such node");
    if (from == to)
        throw ModelError("node '" + from + "' cannot feed itself");
    if (hasEdge(from, to))
        throw ModelError("'" + from + "' is already connected to '" + to + "'");
    const LayerKind& kind = LayerRegistry::instance().kind(node(to).layer.kind);
    if (kind.maxInputs == 0)
        throw ModelError("node '" + to + "' is an Input and takes no incoming connection");
    if (port < 0) {
        port = 0;
        for (const auto& e : m_edges) {
            if (e.to == to)
                port = std::max(port, e.port + 1);
        }
    }
    m_edges.push_back({ from, to, port });
}

void ModelGraph::disconnect(const std::string& from, const std::string& to)
{
    m_edges.erase(std::remove_if(m_edges.begin(), m_edges.end(),
                      [&](const Edge& e) { return e.from == from && e.to == to; }),
        m_edges.end());
}

bool ModelGraph::hasEdge(const std::string& from, const std::string& to) const
{
    return std::any_of(
        m_edges.begin(), m_edges.end(), [&](const Edge& e) { return e.from == from && e.to == to; });
}

std::vector<std::string> ModelGraph::inputsOf(const std::string& id) const
{
    std::vector<const Edge*> in;
    for (const auto& e : m_edges) {
        if (e.to == id)
            in.push_back(&e);
    }
    std::stable_sort(in.begin(), in.end(), [](const Edge* a, const Edge* b) { return a->port < b->port; });
    std::vector<std::string> ids;
    for (const Edge* e : in)
        ids.push_back(e->from);
    return ids;
}

std::vector<std::string> ModelGraph::outputsOf(const std::string& id) const
{
    std::vector<std::string> ids;
    for (const auto& e : m_edges) {
        if (e.from == id)
            ids.push_back(e.to);
    }
    return ids;
}

std::vector<std::string> ModelGraph::inputNodes() const
{
    std::vector<std::string> ids;
    for (const auto& n : m_nodes) {
        if (n.layer.kind == "Input")
            ids.push_back(n.id);
    }
    return ids;
}

std::string ModelGraph::outputNode() const
{
    std::vector<std::string> outputs;
    for (const auto& n : m_nodes) {
        if (n.layer.kind == "Output")
            outputs.push_back(n.id);
    }
    if (outputs.size() == 1)
        return outputs.front();
    if (!outputs.empty())
        return {};
    std::vector<std::string> sinks;
    for (const auto& n : m_nodes) {
        if (outputsOf(n.id).empty())
            sinks.push_back(n.id);
    }
    return sinks.size() == 1 ? sinks.front() : std::string();
}

std::vector<std::string> ModelGraph::topologicalOrder() const
{
    // Kahn's algorithm, taking ready nodes in the order they were added so the order is stable.
    std::map<std::string, int> pending;
    for (const auto& n : m_nodes)
        pending[n.id] = 0;
    for (const auto& e : m_edges) {
        if (pending.count(e.to) && pending.count(e.from))
            ++pending[e.to];
    }
    std::vector<std::string> order;
    std::set<std::string> done;
    while (order.size() < m_nodes.size()) {
        bool progressed = false;
        for (const auto& n : m_nodes) {
            if (done.count(n.id) || pending[n.id] != 0)
                continue;
            order.push_back(n.id);
            done.insert(n.id);
            for (const auto& e : m_edges) {
                if (e.from == n.id && pending.count(e.to))
                    --pending[e.to];
            }
            progressed = true;
        }
        if (!progressed) {
            for (const auto& n : m_nodes) {
                if (!done.count(n.id))
                    throw ModelError("node '" + n.id
                        + "' is part of a cycle: data must flow one way, from the "
                          "inputs to the output; remove one of the connections that loop back");
            }
        }
    }
    return order;
}

namespace {

// Edges that name missing nodes, a missing Input, several Output nodes and names used twice. Returns the
// number of Output nodes.
int checkStructure(const ModelGraph& graph, std::vector<GraphIssue>& issues)
{
    for (const auto& e : graph.edges()) {
        if (!graph.hasNode(e.from))
            issues.push_back({ e.to, "is fed by '" + e.from + "', which is not a node of the model" });
        if (!graph.hasNode(e.to))
            issues.push_back({ e.from, "feeds '" + e.to + "', which is not a node of the model" });
    }
    if (graph.inputNodes().empty())
        issues.push_back({ "", "the model has no Input node; add one and connect it to the first layer" });

    int outputs = 0;
    std::map<std::string, int> names;
    for (const auto& n : graph.nodes()) {
        outputs += n.layer.kind == "Output" ? 1 : 0;
        ++names[n.name];
    }
    if (outputs > 1)
        issues.push_back(
            { "", "the model has " + std::to_string(outputs) + " Output nodes; keep exactly one" });
    for (const auto& [name, count] : names) {
        if (count > 1)
            issues.push_back(
                { "", "two or more nodes are called '" + name + "'; give each node its own name" });
    }
    return outputs;
}

// "exactly one input", "2 inputs", "at least 2 inputs": what a kind takes.
std::string expectedInputs(const LayerKind& kind)
{
    if (kind.maxInputs == 0)
        return "no input";
    if (kind.maxInputs == kind.minInputs)
        return kind.minInputs == 1 ? "exactly one input" : std::to_string(kind.minInputs) + " inputs";
    return "at least " + std::to_string(kind.minInputs) + " inputs";
}

// The output shape and parameter count of node `id` from its inputs' shapes in `a`, or the issue that
// prevents them. Nodes after an upstream issue are skipped without one of their own.
void inferNode(const ModelGraph& graph, const std::string& id, GraphAnalysis& a)
{
    const LayerRegistry& registry = LayerRegistry::instance();
    const Node& n = graph.node(id);
    const LayerKind* kind = registry.find(n.layer.kind);
    if (!kind) {
        a.issues.push_back({ id, "has unknown layer kind '" + n.layer.kind + "'" });
        return;
    }
    const std::vector<std::string> inputs = graph.inputsOf(id);
    const int count = static_cast<int>(inputs.size());
    if (count < kind->minInputs || (kind->maxInputs >= 0 && count > kind->maxInputs)) {
        a.issues.push_back({ id,
            kind->name + " takes " + expectedInputs(*kind) + " but has " + std::to_string(count)
                + (count == 0 ? "; connect a layer to it" : "") });
        return;
    }
    std::vector<Shape> inShapes;
    for (const auto& in : inputs) {
        auto it = a.shapes.find(in);
        if (it == a.shapes.end())
            return; // an upstream node already has an issue
        inShapes.push_back(it->second);
    }
    try {
        const json params = registry.canonicalParams(n.layer.kind, n.layer.params);
        a.shapes[id] = kind->outputShape(inShapes, params);
        a.params[id] = kind->parameterCount(inShapes, params);
    } catch (const ModelError& e) {
        a.issues.push_back({ id, e.what() });
    }
}

// An output that cannot be told (several ends without an Output node), or nodes that do not lead to it.
void checkOutput(const ModelGraph& graph, int outputs, GraphAnalysis& a)
{
    const std::string out = graph.outputNode();
    if (out.empty() && !graph.nodes().empty() && outputs <= 1) {
        std::string ends;
        for (const auto& n : graph.nodes()) {
            if (graph.outputsOf(n.id).empty())
                ends += (ends.empty() ? "'" : ", '") + n.id + "'";
        }
        a.issues.push_back({ "",
            "the model has several ends (" + ends
                + "); connect them or mark the result "
                  "with an Output node" });
    } else if (!out.empty()) {
        // Every node must contribute to the output; a dangling branch is almost always a mistake.
        std::set<std::string> reaches { out };
        for (auto it = a.order.rbegin(); it != a.order.rend(); ++it) {
            for (const auto& next : graph.outputsOf(*it)) {
                if (reaches.count(next))
                    reaches.insert(*it);
            }
        }
        for (const auto& n : graph.nodes()) {
            if (!reaches.count(n.id))
                a.issues.push_back(
                    { n.id, "does not lead to the output '" + out + "'; connect it or delete it" });
        }
    }
}

} // namespace

GraphAnalysis ModelGraph::analyze() const
{
    GraphAnalysis a;
    const int outputs = checkStructure(*this, a.issues);
    try {
        a.order = topologicalOrder();
    } catch (const ModelError& e) {
        a.issues.push_back({ "", e.what() });
        return a;
    }
    for (const auto& id : a.order)
        inferNode(*this, id, a);
    checkOutput(*this, outputs, a);
    return a;
}

std::map<std::string, Shape> ModelGraph::inferShapes() const
{
    GraphAnalysis a = analyze();
    if (!a.ok())
        throw ModelError("model '" + m_name + "' is not valid:\n" + formatIssues(*this, a.issues));
    return a.shapes;
}

ParamCount ModelGraph::parameterCount() const
{
    GraphAnalysis a = analyze();
    if (!a.ok())
        throw ModelError("model '" + m_name + "' is not valid:\n" + formatIssues(*this, a.issues));
    return a.totalParams();
}

std::string formatIssues(const ModelGraph& graph, const std::vector<GraphIssue>& issues)
{
    std::ostringstream out;
    for (std::size_t i = 0; i < issues.size(); ++i) {
        const GraphIssue& issue = issues[i];
        if (i)
            out << "\n";
        const Node* n = graph.findNode(issue.nodeId);
        if (n)
            out << "node '" << n->id << "' (" << n->layer.kind << "): " << issue.message;
        else
            out << issue.toString();
    }
    return out.str();
}

} // namespace neurino
