#pragma once

#include <nlohmann/json.hpp>

#include <QUndoCommand>

#include <string>

namespace neurino {

class GraphModel;

// Changes a node's parameters (already canonical). Consecutive changes of the same parameter of the same
// node, as a spin box's arrows make, merge into one undo step.
class SetParamsCommand : public QUndoCommand {
public:
    // Identifies the command for QUndoStack's merging.
    static constexpr int kId = 0x4e01;

    SetParamsCommand(GraphModel* model, const std::string& nodeId, nlohmann::json oldParams,
        nlohmann::json newParams, const std::string& param, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;
    int id() const override { return kId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphModel* m_model;
    std::string m_nodeId;
    nlohmann::json m_old;
    nlohmann::json m_new;
    std::string m_param;
};

} // namespace neurino
