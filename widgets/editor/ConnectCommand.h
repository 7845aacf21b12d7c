#pragma once

#include "core/graph/ModelGraph.h"

#include <QUndoCommand>

namespace neurino {

class GraphModel;

// Connects the output of one node to an input of another; the port is fixed when the command is made so
// that redo gives the same edge every time.
class ConnectCommand : public QUndoCommand {
public:
    ConnectCommand(GraphModel* model, const Edge& edge, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    Edge m_edge;
};

} // namespace neurino
