#pragma once

#include "core/graph/ModelGraph.h"

#include <QUndoCommand>

#include <vector>

namespace neurino {

class GraphModel;

// Adds nodes and the edges among (or into) them: a palette drop, a quick-add, a paste or a duplicate.
// Undo removes them again; they were appended, so removing them restores the graph exactly.
class AddNodesCommand : public QUndoCommand {
public:
    AddNodesCommand(GraphModel* model, std::vector<Node> nodes, std::vector<Edge> edges, const QString& text,
        QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
};

} // namespace neurino
