#include "widgets/editor/DisconnectCommand.h"

#include "widgets/editor/GraphModel.h"

#include <QCoreApplication>

namespace neurino {

DisconnectCommand::DisconnectCommand(
    GraphModel* model, const std::string& from, const std::string& to, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_model(model)
    , m_index(model->edgeIndex(from, to))
{
    if (const Edge* e = model->findEdge(from, to))
        m_edge = *e;
    else
        m_edge = { from, to, 0 };
    setText(QCoreApplication::translate("GraphEditor", "Disconnect %1 from %2")
                .arg(QString::fromStdString(from), QString::fromStdString(to)));
}

void DisconnectCommand::redo()
{
    m_model->removeEdge(m_edge.from, m_edge.to);
}

void DisconnectCommand::undo()
{
    m_model->insertEdge(m_edge, m_index);
}

} // namespace neurino
