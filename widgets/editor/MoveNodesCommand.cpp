#include "widgets/editor/MoveNodesCommand.h"

#include "widgets/editor/GraphModel.h"

namespace neurino {

MoveNodesCommand::MoveNodesCommand(
    GraphModel* model, Moves moves, const QString& text, bool mergeable, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_model(model)
    , m_moves(std::move(moves))
    , m_mergeable(mergeable)
{
}

void MoveNodesCommand::redo()
{
    for (const auto& [id, move] : m_moves)
        m_model->setPosition(id, move.second.x(), move.second.y());
}

void MoveNodesCommand::undo()
{
    for (const auto& [id, move] : m_moves)
        m_model->setPosition(id, move.first.x(), move.first.y());
}

bool MoveNodesCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const MoveNodesCommand*>(other);
    if (!m_mergeable || !next->m_mergeable || next->m_moves.size() != m_moves.size())
        return false;
    for (const auto& [id, move] : next->m_moves) {
        if (!m_moves.count(id))
            return false;
    }
    bool unchanged = true;
    for (auto& [id, move] : m_moves) {
        move.second = next->m_moves.at(id).second;
        unchanged = unchanged && move.second == move.first;
    }
    setObsolete(unchanged);
    return true;
}

} // namespace neurino
