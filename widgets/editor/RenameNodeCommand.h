#pragma once

#include <QUndoCommand>

#include <string>

namespace neurino {

class GraphModel;

// Gives a node a new display name; its id (used by edges and checkpoints) stays.
class RenameNodeCommand : public QUndoCommand {
public:
    RenameNodeCommand(GraphModel* model, const std::string& nodeId, std::string oldName, std::string newName,
        QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphModel* m_model;
    std::string m_nodeId;
    std::string m_old;
    std::string m_new;
};

} // namespace neurino
