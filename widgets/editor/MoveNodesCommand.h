#pragma once

#include <QPointF>
#include <QUndoCommand>

#include <map>
#include <string>
#include <utility>

namespace neurino {

class GraphModel;

// Moves nodes on the canvas. Consecutive mergeable moves of the same nodes (arrow-key nudges) merge into one
// undo step; a drag or an automatic layout is one step of its own.
class MoveNodesCommand : public QUndoCommand {
public:
    // Identifies the command for QUndoStack's merging.
    static constexpr int kId = 0x4e02;

    // Each entry: node id -> (old position, new position).
    using Moves = std::map<std::string, std::pair<QPointF, QPointF>>;

    MoveNodesCommand(
        GraphModel* model, Moves moves, const QString& text, bool mergeable, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;
    int id() const override { return kId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphModel* m_model;
    Moves m_moves;
    bool m_mergeable;
};

} // namespace neurino
