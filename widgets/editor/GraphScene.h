#pragma once

#include <QGraphicsScene>
#include <QHash>
#include <QPair>

namespace neurino {

class EdgeItem;
class GraphEditor;
class GraphModel;
class NodeItem;
class PortItem;

// The canvas's items, built from the graph model and kept in step with it only through its signals: an item
// is created when the model says a node or edge was added and deleted when it says one was removed, nowhere
// else. Gestures on the items (moving, connecting, nudging, deleting) become requests to the editor.
class GraphScene : public QGraphicsScene {
    Q_OBJECT

public:
    GraphScene(GraphModel* model, GraphEditor* editor, QObject* parent = nullptr);
    ~GraphScene() override;

    GraphModel* model() const { return m_model; }
    GraphEditor* editor() const { return m_editor; }

    NodeItem* nodeItem(const QString& id) const { return m_nodes.value(id); }
    EdgeItem* edgeItem(const QString& from, const QString& to) const;
    QList<NodeItem*> nodeItems() const { return m_nodes.values(); }
    QList<EdgeItem*> edgeItems() const { return m_edges.values(); }

    QStringList selectedNodeIds() const;
    QList<QPair<QString, QString>> selectedEdges() const;
    // Selects exactly these nodes.
    void selectNodes(const QStringList& ids);
    QRectF nodesBoundingRect() const;

    // The connection gesture, driven by a port's mouse handlers: press on a port, drag, release on another
    // port or anywhere on a layer. Released over empty canvas from an output, it asks for a new layer there.
    void beginConnection(PortItem* port, QPointF scenePos);
    void updateConnection(QPointF scenePos);
    void finishConnection(QPointF scenePos);
    bool isConnecting() const { return !m_dragFrom.isNull(); }

    // Called while a node item is dragged, so its edges follow.
    void nodeItemMoved(NodeItem* item);

signals:
    // A layer was double-clicked: the window shows its properties.
    void nodeActivated(const QString& id);
    // A connection from `nodeId`'s output was released over empty canvas.
    void connectionDroppedOnCanvas(const QString& nodeId, QPointF scenePos);

protected:
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    void rebuild();
    void addNodeItem(const QString& id);
    void removeNodeItem(const QString& id);
    void addEdgeItem(const QString& from, const QString& to);
    void removeEdgeItem(const QString& from, const QString& to);
    void moveNodeItem(const QString& id);
    void refreshAll();
    void updateEdgesOf(const QString& nodeId);
    void updateInputsOf(const QString& nodeId);
    // The port or node under a released connection, skipping the node it started from.
    QGraphicsItem* connectionTarget(QPointF scenePos) const;
    void commitMoves();
    void setCandidate(PortItem* port);

    GraphModel* m_model;
    GraphEditor* m_editor;
    QHash<QString, NodeItem*> m_nodes;
    QHash<QPair<QString, QString>, EdgeItem*> m_edges;
    bool m_syncing = false;

    // The connection being dragged.
    QString m_dragFrom;
    bool m_dragFromOutput = true;
    QPointF m_dragStart;
    QPointF m_dragPos;
    PortItem* m_candidate = nullptr;
};

} // namespace neurino
