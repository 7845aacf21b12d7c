#include "widgets/editor/RenameNodeCommand.h"

#include "widgets/editor/GraphModel.h"

#include <QCoreApplication>

namespace neurino {

RenameNodeCommand::RenameNodeCommand(GraphModel* model, const std::string& nodeId, std::string oldName,
    std::string newName, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_model(model)
    , m_nodeId(nodeId)
    , m_old(std::move(oldName))
    , m_new(std::move(newName))
{
    setText(QCoreApplication::translate("GraphEditor", "Rename %1 to %2")
                .arg(QString::fromStdString(m_old), QString::fromStdString(m_new)));
}

void RenameNodeCommand::redo()
{
    m_model->setNodeName(m_nodeId, m_new);
}

void RenameNodeCommand::undo()
{
    m_model->setNodeName(m_nodeId, m_old);
}

} // namespace neurino
