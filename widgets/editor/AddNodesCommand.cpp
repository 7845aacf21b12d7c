#include "widgets/editor/AddNodesCommand.h"

#include "widgets/editor/GraphModel.h"

namespace neurino {

AddNodesCommand::AddNodesCommand(GraphModel* model, std::vector<Node> nodes, std::vector<Edge> edges,
    const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_model(model)
    , m_nodes(std::move(nodes))
    , m_edges(std::move(edges))
{
}

void AddNodesCommand::redo()
{
    for (const Node& n : m_nodes)
        m_model->insertNode(n);
    for (const Edge& e : m_edges)
        m_model->insertEdge(e);
}

void AddNodesCommand::undo()
{
    for (auto it = m_edges.rbegin(); it != m_edges.rend(); ++it)
        m_model->removeEdge(it->from, it->to);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_model->removeNode(it->id);
}

} // namespace neurino
