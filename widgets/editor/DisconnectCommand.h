#pragma once

#include "core/graph/ModelGraph.h"

#include <QUndoCommand>

namespace neurino {

class GraphModel;

// Removes one connection; undo puts it back at its old place in the edge list.
class DisconnectCommand : public QUndoCommand {
public:
    DisconnectCommand(
        GraphModel* model, const std::string& from, const std::string& to, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    Edge m_edge;
    int m_index = -1;
};

} // namespace neurino
