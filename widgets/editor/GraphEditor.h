#pragma once

#include "core/graph/ModelGraph.h"

#include <QHash>
#include <QObject>
#include <QPair>
#include <QPointF>
#include <QSizeF>
#include <QStringList>

#include <optional>

class QUndoStack;

namespace neurino {

class GraphModel;

// Every edit a user can make to a model, as undoable commands on one QUndoStack. The palette, the quick-add
// box, the canvas gestures, the property panel and the menus all come here; nothing else pushes commands.
// A refused edit changes nothing and says why through `message`; no exception leaves this class.
class GraphEditor : public QObject {
    Q_OBJECT

public:
    explicit GraphEditor(GraphModel* model, QObject* parent = nullptr);

    GraphModel* model() const { return m_model; }
    QUndoStack* undoStack() const { return m_undoStack; }

    // Replaces the graph and forgets the undo history (new, open, recover).
    void resetGraph(const ModelGraph& graph);

    // Adds a layer of `kind` with its default parameters, its top-left corner at `topLeft`; returns its id.
    QString addLayer(const QString& kind, QPointF topLeft);
    // Adds a layer fed by `source` (below it unless `topLeft` is given), as one undo step.
    QString addLayerAfter(const QString& kind, const QString& source, std::optional<QPointF> topLeft = {});

    // Why `from` cannot feed `to`, or an empty string when it can. Shapes that do not fit are allowed: the
    // problems dock then says what is wrong, which teaches more than a refusal.
    QString connectionRefusal(const QString& from, const QString& to) const;
    // Connects `from` to `to`; a single-input layer that is already fed has its old connection replaced.
    bool connectNodes(const QString& from, const QString& to);
    bool disconnectNodes(const QString& from, const QString& to);
    void removeItems(const QStringList& nodeIds, const QList<QPair<QString, QString>>& edges = {});

    // New positions (top-left) of nodes; `mergeable` moves (key nudges) merge into one undo step.
    void moveNodes(
        const QHash<QString, QPointF>& positions, bool mergeable = false, const QString& text = {});
    void autoLayout(QSizeF viewport);

    // Sets one parameter; when the value is refused, `why` (if given) says what is wrong with it.
    bool setParam(
        const QString& id, const QString& param, const nlohmann::json& value, QString* why = nullptr);
    bool renameNode(const QString& id, const QString& name);

    QByteArray copyNodes(const QStringList& ids) const;
    // Pastes copied text; its top-left lands on `at`, or beside the originals. Returns the new ids.
    QStringList pasteText(const QByteArray& text, std::optional<QPointF> at = {});
    QStringList duplicate(const QStringList& ids);

signals:
    // A refusal or a hint, for the status bar and the log.
    void message(const QString& text);
    // Nodes that an edit created; the canvas selects them.
    void nodesCreated(const QStringList& ids);

private:
    bool reaches(const std::string& from, const std::string& to) const;
    QPointF freeSpotBelow(const Node& source) const;
    QStringList insertCopy(const QByteArray& text, std::optional<QPointF> at, const QString& verb);

    GraphModel* m_model;
    QUndoStack* m_undoStack;
};

} // namespace neurino
