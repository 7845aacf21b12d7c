#include "widgets/editor/GraphModel.h"

#include "core/util/Error.h"

#include <algorithm>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

GraphModel::GraphModel(QObject* parent)
    : QObject(parent)
{
    reanalyze();
}

void GraphModel::setGraph(const ModelGraph& graph)
{
    m_graph = graph;
    m_analysis = m_graph.analyze();
    emit modelReset();
    emit analysisChanged();
}

void GraphModel::reanalyze()
{
    m_analysis = m_graph.analyze();
}

void GraphModel::assemble(const std::vector<Node>& nodes, const std::vector<Edge>& edges)
{
    ModelGraph rebuilt;
    rebuilt.setName(m_graph.name());
    rebuilt.setDescription(m_graph.description());
    for (const Node& n : nodes)
        rebuilt.insertNode(n);
    for (const Edge& e : edges)
        rebuilt.connect(e.from, e.to, e.port);
    m_graph = std::move(rebuilt);
}

void GraphModel::insertNode(const Node& node, int index)
{
    const int count = static_cast<int>(m_graph.nodes().size());
    if (index < 0 || index >= count) {
        m_graph.insertNode(node);
    } else {
        if (m_graph.hasNode(node.id))
            throw ModelError("the model already has a node '" + node.id + "'");
        std::vector<Node> nodes = m_graph.nodes();
        nodes.insert(nodes.begin() + index, node);
        assemble(nodes, m_graph.edges());
    }
    reanalyze();
    emit nodeAdded(qs(node.id));
    emit analysisChanged();
}

void GraphModel::removeNode(const std::string& id)
{
    m_graph.node(id);
    std::vector<Edge> touching;
    for (const Edge& e : m_graph.edges()) {
        if (e.from == id || e.to == id)
            touching.push_back(e);
    }
    m_graph.removeNode(id);
    reanalyze();
    for (const Edge& e : touching)
        emit edgeRemoved(qs(e.from), qs(e.to));
    emit nodeRemoved(qs(id));
    emit analysisChanged();
}

void GraphModel::insertEdge(const Edge& edge, int index)
{
    const int count = static_cast<int>(m_graph.edges().size());
    if (index < 0 || index >= count) {
        m_graph.connect(edge.from, edge.to, edge.port);
    } else {
        // Let ModelGraph check the edge first, then put it in its place.
        ModelGraph probe = m_graph;
        probe.connect(edge.from, edge.to, edge.port);
        std::vector<Edge> edges = m_graph.edges();
        edges.insert(edges.begin() + index, edge);
        assemble(m_graph.nodes(), edges);
    }
    reanalyze();
    emit edgeAdded(qs(edge.from), qs(edge.to));
    emit analysisChanged();
}

void GraphModel::removeEdge(const std::string& from, const std::string& to)
{
    if (!m_graph.hasEdge(from, to))
        throw ModelError("there is no connection from '" + from + "' to '" + to + "'");
    m_graph.disconnect(from, to);
    reanalyze();
    emit edgeRemoved(qs(from), qs(to));
    emit analysisChanged();
}

void GraphModel::setParams(const std::string& id, const nlohmann::json& params)
{
    m_graph.setParams(id, params);
    reanalyze();
    emit nodeUpdated(qs(id));
    emit analysisChanged();
}

void GraphModel::setNodeName(const std::string& id, const std::string& name)
{
    m_graph.setNodeName(id, name);
    reanalyze();
    emit nodeUpdated(qs(id));
    emit analysisChanged();
}

void GraphModel::setPosition(const std::string& id, double x, double y)
{
    m_graph.setPosition(id, x, y);
    // Positions do not change shapes or counts: no re-analysis.
    emit nodeMoved(qs(id));
}

int GraphModel::nodeIndex(const std::string& id) const
{
    const auto& nodes = m_graph.nodes();
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.id == id; });
    return it == nodes.end() ? -1 : static_cast<int>(it - nodes.begin());
}

int GraphModel::edgeIndex(const std::string& from, const std::string& to) const
{
    const auto& edges = m_graph.edges();
    auto it = std::find_if(
        edges.begin(), edges.end(), [&](const Edge& e) { return e.from == from && e.to == to; });
    return it == edges.end() ? -1 : static_cast<int>(it - edges.begin());
}

const Edge* GraphModel::findEdge(const std::string& from, const std::string& to) const
{
    const int index = edgeIndex(from, to);
    return index < 0 ? nullptr : &m_graph.edges()[static_cast<std::size_t>(index)];
}

std::optional<Shape> GraphModel::outputShape(const std::string& id) const
{
    auto it = m_analysis.shapes.find(id);
    if (it == m_analysis.shapes.end())
        return std::nullopt;
    return it->second;
}

std::optional<ParamCount> GraphModel::parameterCount(const std::string& id) const
{
    auto it = m_analysis.params.find(id);
    if (it == m_analysis.params.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> GraphModel::issuesOf(const std::string& id) const
{
    std::vector<std::string> messages;
    for (const GraphIssue& issue : m_analysis.issues) {
        if (issue.nodeId == id)
            messages.push_back(issue.message);
    }
    return messages;
}

} // namespace neurino
