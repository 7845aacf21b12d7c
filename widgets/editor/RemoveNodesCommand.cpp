#include "widgets/editor/RemoveNodesCommand.h"

#include "widgets/editor/GraphModel.h"

#include <QCoreApplication>

#include <algorithm>
#include <set>

namespace neurino {

RemoveNodesCommand::RemoveNodesCommand(GraphModel* model, const std::vector<std::string>& nodeIds,
    const std::vector<std::pair<std::string, std::string>>& edges, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_model(model)
{
    const ModelGraph& g = model->graph();
    const std::set<std::string> ids(nodeIds.begin(), nodeIds.end());
    for (std::size_t i = 0; i < g.nodes().size(); ++i) {
        if (ids.count(g.nodes()[i].id))
            m_nodes.emplace_back(static_cast<int>(i), g.nodes()[i]);
    }
    for (std::size_t i = 0; i < g.edges().size(); ++i) {
        const Edge& e = g.edges()[i];
        const bool chosen = std::any_of(
            edges.begin(), edges.end(), [&](const auto& p) { return p.first == e.from && p.second == e.to; });
        if (chosen || ids.count(e.from) || ids.count(e.to))
            m_edges.emplace_back(static_cast<int>(i), e);
    }
    if (m_nodes.size() == 1)
        setText(QCoreApplication::translate("GraphEditor", "Delete %1")
                    .arg(QString::fromStdString(m_nodes.front().second.name)));
    else if (!m_nodes.empty())
        setText(QCoreApplication::translate(
            "GraphEditor", "Delete %n layer(s)", nullptr, static_cast<int>(m_nodes.size())));
    else
        setText(QCoreApplication::translate(
            "GraphEditor", "Delete %n connection(s)", nullptr, static_cast<int>(m_edges.size())));
}

void RemoveNodesCommand::redo()
{
    // Edges first, so that each removal is a single, visible step for the scene.
    for (auto it = m_edges.rbegin(); it != m_edges.rend(); ++it)
        m_model->removeEdge(it->second.from, it->second.to);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_model->removeNode(it->second.id);
}

void RemoveNodesCommand::undo()
{
    // Ascending order: each goes back to its old index because everything before it is already there.
    for (const auto& [index, node] : m_nodes)
        m_model->insertNode(node, index);
    for (const auto& [index, edge] : m_edges)
        m_model->insertEdge(edge, index);
}

} // namespace neurino
