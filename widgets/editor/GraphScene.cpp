#include "widgets/editor/GraphScene.h"

#include "widgets/editor/EdgeItem.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/editor/PortItem.h"

#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneMouseEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>

#include <map>

namespace neurino {

namespace {

// Step of an arrow-key nudge; with Shift a larger one.
constexpr double kNudge = 10;
constexpr double kBigNudge = 50;

std::string ss(const QString& text)
{
    return text.toStdString();
}

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

GraphScene::GraphScene(GraphModel* model, GraphEditor* editor, QObject* parent)
    : QGraphicsScene(parent)
    , m_model(model)
    , m_editor(editor)
{
    setItemIndexMethod(QGraphicsScene::NoIndex); // items move often; the graphs are small
    connect(model, &GraphModel::modelReset, this, &GraphScene::rebuild);
    connect(model, &GraphModel::nodeAdded, this, &GraphScene::addNodeItem);
    connect(model, &GraphModel::nodeRemoved, this, &GraphScene::removeNodeItem);
    connect(model, &GraphModel::nodeMoved, this, &GraphScene::moveNodeItem);
    connect(model, &GraphModel::edgeAdded, this, &GraphScene::addEdgeItem);
    connect(model, &GraphModel::edgeRemoved, this, &GraphScene::removeEdgeItem);
    connect(model, &GraphModel::analysisChanged, this, &GraphScene::refreshAll);
    connect(editor, &GraphEditor::nodesCreated, this, &GraphScene::selectNodes);
    rebuild();
}

GraphScene::~GraphScene()
{
    // Remove the items while this is still a GraphScene: QGraphicsScene's destructor would do it later and
    // emit selectionChanged to listeners that would then call into a half-destroyed scene.
    blockSignals(true);
    clear();
}

EdgeItem* GraphScene::edgeItem(const QString& from, const QString& to) const
{
    return m_edges.value(qMakePair(from, to));
}

void GraphScene::rebuild()
{
    m_candidate = nullptr;
    m_dragFrom.clear();
    // Forget the items before deleting them: a selected item's deletion emits selectionChanged, whose
    // listeners ask for the selection (selectedNodeIds) and must not meet items already deleted.
    m_nodes.clear();
    m_edges.clear();
    clear();
    for (const Node& n : m_model->graph().nodes())
        addNodeItem(qs(n.id));
    for (const Edge& e : m_model->graph().edges())
        addEdgeItem(qs(e.from), qs(e.to));
    refreshAll();
}

void GraphScene::addNodeItem(const QString& id)
{
    const Node* node = m_model->graph().findNode(ss(id));
    if (!node || m_nodes.contains(id))
        return;
    const LayerKind* kind = LayerRegistry::instance().find(node->layer.kind);
    const bool hasInput = !kind || kind->maxInputs != 0;
    const bool wide = kind && (kind->maxInputs < 0 || kind->maxInputs > 1);
    // The Output ends the network: it gets no output port to drag from.
    auto* item = new NodeItem(id, hasInput, wide, node->layer.kind != "Output");
    m_syncing = true;
    item->setPos(node->x, node->y);
    m_syncing = false;
    addItem(item);
    m_nodes.insert(id, item);
    item->refresh(*m_model);
}

void GraphScene::removeNodeItem(const QString& id)
{
    NodeItem* item = m_nodes.take(id);
    if (m_candidate && m_candidate->node() == item)
        m_candidate = nullptr;
    if (m_dragFrom == id)
        m_dragFrom.clear();
    delete item;
}

void GraphScene::addEdgeItem(const QString& from, const QString& to)
{
    const auto key = qMakePair(from, to);
    if (m_edges.contains(key) || !m_nodes.contains(from) || !m_nodes.contains(to))
        return;
    auto* item = new EdgeItem(from, to);
    addItem(item);
    m_edges.insert(key, item);
    item->refresh(*m_model);
    updateInputsOf(to);
}

void GraphScene::removeEdgeItem(const QString& from, const QString& to)
{
    delete m_edges.take(qMakePair(from, to));
    updateInputsOf(to);
}

void GraphScene::moveNodeItem(const QString& id)
{
    NodeItem* item = m_nodes.value(id);
    const Node* node = m_model->graph().findNode(ss(id));
    if (!item || !node)
        return;
    m_syncing = true;
    item->setPos(node->x, node->y);
    m_syncing = false;
    updateEdgesOf(id);
}

void GraphScene::refreshAll()
{
    for (NodeItem* item : std::as_const(m_nodes))
        item->refresh(*m_model);
    for (EdgeItem* item : std::as_const(m_edges))
        item->refresh(*m_model);
}

void GraphScene::updateInputsOf(const QString& nodeId)
{
    NodeItem* target = m_nodes.value(nodeId);
    if (!target)
        return;
    const std::vector<std::string> inputs = m_model->graph().inputsOf(ss(nodeId));
    const int count = static_cast<int>(inputs.size());
    for (int i = 0; i < count; ++i) {
        const QString from = qs(inputs[static_cast<std::size_t>(i)]);
        EdgeItem* edge = edgeItem(from, nodeId);
        NodeItem* source = m_nodes.value(from);
        if (edge && source)
            edge->updateGeometry(source, target, i, count);
    }
}

void GraphScene::updateEdgesOf(const QString& nodeId)
{
    updateInputsOf(nodeId);
    for (const std::string& next : m_model->graph().outputsOf(ss(nodeId)))
        updateInputsOf(qs(next));
}

void GraphScene::nodeItemMoved(NodeItem* item)
{
    if (!m_syncing)
        updateEdgesOf(item->id());
}

QStringList GraphScene::selectedNodeIds() const
{
    QStringList ids;
    // In the graph's order, so that copies keep it.
    for (const Node& n : m_model->graph().nodes()) {
        NodeItem* item = m_nodes.value(qs(n.id));
        if (item && item->isSelected())
            ids << item->id();
    }
    return ids;
}

QList<QPair<QString, QString>> GraphScene::selectedEdges() const
{
    QList<QPair<QString, QString>> edges;
    for (auto it = m_edges.begin(); it != m_edges.end(); ++it) {
        if (it.value()->isSelected())
            edges << it.key();
    }
    return edges;
}

void GraphScene::selectNodes(const QStringList& ids)
{
    clearSelection();
    for (const QString& id : ids) {
        if (NodeItem* item = m_nodes.value(id))
            item->setSelected(true);
    }
}

QRectF GraphScene::nodesBoundingRect() const
{
    QRectF rect;
    for (NodeItem* item : m_nodes)
        rect = rect.united(item->sceneBoundingRect());
    for (EdgeItem* item : m_edges)
        rect = rect.united(item->sceneBoundingRect());
    return rect;
}

void GraphScene::beginConnection(PortItem* port, QPointF scenePos)
{
    m_dragFrom = port->node()->id();
    m_dragFromOutput = !port->isInput();
    m_dragStart = m_dragFromOutput ? port->node()->outputAnchor() : port->node()->inputAnchor(0, 1);
    m_dragPos = scenePos;
    update();
}

void GraphScene::setCandidate(PortItem* port)
{
    if (m_candidate == port)
        return;
    if (m_candidate)
        m_candidate->setHighlighted(false);
    m_candidate = port;
    if (m_candidate)
        m_candidate->setHighlighted(true);
}

QGraphicsItem* GraphScene::connectionTarget(QPointF scenePos) const
{
    // A little slack around the cursor: a port is small, and a near miss should still connect.
    const QRectF area(scenePos - QPointF(8, 8), QSizeF(16, 16));
    QGraphicsItem* nodeHit = nullptr;
    for (QGraphicsItem* item : items(area)) {
        if (item->type() == PortItem::Type) {
            auto* port = static_cast<PortItem*>(item);
            if (port->node()->id() != m_dragFrom && port->isInput() == m_dragFromOutput)
                return port;
        } else if (item->type() == NodeItem::Type && !nodeHit) {
            if (static_cast<NodeItem*>(item)->id() != m_dragFrom)
                nodeHit = item;
        }
    }
    return nodeHit;
}

void GraphScene::updateConnection(QPointF scenePos)
{
    if (!isConnecting())
        return;
    m_dragPos = scenePos;
    QGraphicsItem* target = connectionTarget(scenePos);
    PortItem* port = nullptr;
    if (target && target->type() == PortItem::Type)
        port = static_cast<PortItem*>(target);
    else if (target && target->type() == NodeItem::Type)
        port = m_dragFromOutput ? static_cast<NodeItem*>(target)->inputPort()
                                : static_cast<NodeItem*>(target)->outputPort();
    setCandidate(port);
    update();
}

void GraphScene::finishConnection(QPointF scenePos)
{
    if (!isConnecting())
        return;
    const QString from = m_dragFrom;
    const bool fromOutput = m_dragFromOutput;
    setCandidate(nullptr);
    m_dragFrom.clear();
    update();

    QGraphicsItem* target = connectionTarget(scenePos);
    QString other;
    if (target && target->type() == PortItem::Type)
        other = static_cast<PortItem*>(target)->node()->id();
    else if (target && target->type() == NodeItem::Type)
        other = static_cast<NodeItem*>(target)->id();
    if (other.isEmpty()) {
        if (fromOutput && (scenePos - m_dragStart).manhattanLength() > 20)
            emit connectionDroppedOnCanvas(from, scenePos);
        return;
    }
    if (fromOutput)
        m_editor->connectNodes(from, other);
    else
        m_editor->connectNodes(other, from);
}

void GraphScene::commitMoves()
{
    QHash<QString, QPointF> moved;
    for (NodeItem* item : std::as_const(m_nodes)) {
        const Node* node = m_model->graph().findNode(ss(item->id()));
        if (node && item->pos() != QPointF(node->x, node->y))
            moved.insert(item->id(), item->pos());
    }
    if (!moved.isEmpty())
        m_editor->moveNodes(moved);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    QGraphicsScene::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && !isConnecting())
        commitMoves();
}

void GraphScene::keyPressEvent(QKeyEvent* event)
{
    const QStringList ids = selectedNodeIds();
    QPointF step;
    const double d = event->modifiers() & Qt::ShiftModifier ? kBigNudge : kNudge;
    switch (event->key()) {
    case Qt::Key_Left:
        step = { -d, 0 };
        break;
    case Qt::Key_Right:
        step = { d, 0 };
        break;
    case Qt::Key_Up:
        step = { 0, -d };
        break;
    case Qt::Key_Down:
        step = { 0, d };
        break;
    default:
        break;
    }
    if (ids.isEmpty() || step.isNull()) {
        QGraphicsScene::keyPressEvent(event);
        return;
    }
    QHash<QString, QPointF> positions;
    for (const QString& id : ids) {
        const Node& n = m_model->graph().node(ss(id));
        positions.insert(id, QPointF(n.x, n.y) + step);
    }
    m_editor->moveNodes(positions, /*mergeable=*/true);
    event->accept();
}

void GraphScene::contextMenuEvent(QGraphicsSceneContextMenuEvent* event)
{
    QGraphicsItem* item = itemAt(event->scenePos(), QTransform());
    while (item && item->type() == PortItem::Type)
        item = item->parentItem();
    QMenu menu;
    if (item && item->type() == NodeItem::Type) {
        auto* node = static_cast<NodeItem*>(item);
        if (!node->isSelected())
            selectNodes({ node->id() });
        const QStringList ids = selectedNodeIds();
        menu.addAction(tr("Properties"), this, [this, node] { emit nodeActivated(node->id()); });
        menu.addAction(tr("Duplicate"), this, [this, ids] { m_editor->duplicate(ids); });
        const auto inputs = m_model->graph().inputsOf(ss(node->id()));
        if (!inputs.empty()) {
            menu.addAction(tr("Disconnect Inputs"), this, [this, node] {
                QList<QPair<QString, QString>> edges;
                for (const std::string& in : m_model->graph().inputsOf(ss(node->id())))
                    edges << qMakePair(qs(in), node->id());
                m_editor->removeItems({}, edges);
            });
        }
        menu.addSeparator();
        menu.addAction(tr("Delete"), this, [this, ids] { m_editor->removeItems(ids); });
    } else if (item && item->type() == EdgeItem::Type) {
        auto* edge = static_cast<EdgeItem*>(item);
        menu.addAction(tr("Delete Connection"), this,
            [this, from = edge->from(), to = edge->to()] { m_editor->disconnectNodes(from, to); });
    } else {
        QMenu* add = menu.addMenu(tr("Add Layer"));
        QMap<QString, QMenu*> groups;
        const QPointF at = event->scenePos() - QPointF(NodeStyle::kWidth / 2, NodeStyle::kHeight / 2);
        for (const LayerKind& kind : LayerRegistry::instance().kinds()) {
            const QString category = qs(kind.category);
            if (!groups.contains(category))
                groups.insert(category, add->addMenu(category));
            QAction* action = groups.value(category)->addAction(
                qs(kind.name), this, [this, name = qs(kind.name), at] { m_editor->addLayer(name, at); });
            action->setToolTip(qs(kind.explanation));
        }
    }
    menu.exec(event->screenPos());
    event->accept();
}

void GraphScene::drawForeground(QPainter* painter, const QRectF&)
{
    if (!isConnecting())
        return;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(QColor(0x19, 0x76, 0xd2), 2.4, Qt::DashLine, Qt::RoundCap));
    painter->setBrush(Qt::NoBrush);
    const QPointF a = m_dragStart;
    const QPointF b = m_dragPos;
    const double bend = std::max(30.0, std::abs(b.y() - a.y()) / 2) * (m_dragFromOutput ? 1 : -1);
    QPainterPath path(a);
    path.cubicTo(a + QPointF(0, bend), b - QPointF(0, bend), b);
    painter->drawPath(path);
}

} // namespace neurino
