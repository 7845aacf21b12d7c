#pragma once

#include "core/graph/ModelGraph.h"

#include <QUndoCommand>

#include <utility>
#include <vector>

namespace neurino {

class GraphModel;

// Deletes nodes with every edge touching them, plus any further edges chosen on their own. It remembers
// where each node and edge stood so that undo puts them back in the same order: the graph compares equal.
class RemoveNodesCommand : public QUndoCommand {
public:
    RemoveNodesCommand(GraphModel* model, const std::vector<std::string>& nodeIds,
        const std::vector<std::pair<std::string, std::string>>& edges, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    std::vector<std::pair<int, Node>> m_nodes; // ascending index in the graph
    std::vector<std::pair<int, Edge>> m_edges; // ascending index in the graph
};

} // namespace neurino
