#include "widgets/editor/ConnectCommand.h"

#include "widgets/editor/GraphModel.h"

#include <QCoreApplication>

namespace neurino {

ConnectCommand::ConnectCommand(GraphModel* model, const Edge& edge, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_model(model)
    , m_edge(edge)
{
    setText(QCoreApplication::translate("GraphEditor", "Connect %1 to %2")
                .arg(QString::fromStdString(edge.from), QString::fromStdString(edge.to)));
}

void ConnectCommand::redo()
{
    m_model->insertEdge(m_edge);
}

void ConnectCommand::undo()
{
    m_model->removeEdge(m_edge.from, m_edge.to);
}

} // namespace neurino
