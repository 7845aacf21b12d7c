#include "widgets/editor/SetParamsCommand.h"

#include "widgets/editor/GraphModel.h"

#include <QCoreApplication>

namespace neurino {

SetParamsCommand::SetParamsCommand(GraphModel* model, const std::string& nodeId, nlohmann::json oldParams,
    nlohmann::json newParams, const std::string& param, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_model(model)
    , m_nodeId(nodeId)
    , m_old(std::move(oldParams))
    , m_new(std::move(newParams))
    , m_param(param)
{
    const QString node = QString::fromStdString(nodeId);
    if (param.empty())
        setText(QCoreApplication::translate("GraphEditor", "Change %1").arg(node));
    else
        setText(QCoreApplication::translate("GraphEditor", "Set %1 of %2")
                    .arg(QString::fromStdString(param), node));
}

void SetParamsCommand::redo()
{
    m_model->setParams(m_nodeId, m_new);
}

void SetParamsCommand::undo()
{
    m_model->setParams(m_nodeId, m_old);
}

bool SetParamsCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const SetParamsCommand*>(other);
    if (next->m_nodeId != m_nodeId || next->m_param != m_param || m_param.empty())
        return false;
    m_new = next->m_new;
    setObsolete(m_new == m_old);
    return true;
}

} // namespace neurino
