#include "widgets/editor/PortItem.h"

#include "widgets/editor/GraphScene.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/NodeStyle.h"

#include <QCursor>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

namespace neurino {

namespace {

// Radius of the drawn dot and of the area that catches the mouse; generous, so ports are easy to hit.
constexpr double kRadius = 6.5;
constexpr double kHitRadius = 13;
// Width of the input bar of layers that take several inputs (Add, Concat).
constexpr double kWideWidth = 96;

} // namespace

PortItem::PortItem(NodeItem* node, Direction direction, bool wide)
    : QGraphicsItem(node)
    , m_node(node)
    , m_direction(direction)
    , m_wide(wide)
{
    setAcceptHoverEvents(true);
    setCursor(Qt::CrossCursor);
    setPos(NodeStyle::kWidth / 2, direction == Direction::Input ? 0 : NodeStyle::kHeight);
    setZValue(1);
    setToolTip(direction == Direction::Input
            ? QObject::tr("Input: drag from here to the output of the layer that should feed this one")
            : QObject::tr("Output: drag from here to the input of the next layer, or into empty space "
                          "to add a connected layer"));
}

QRectF PortItem::visibleRect() const
{
    const double half = m_wide ? kWideWidth / 2 : kRadius;
    return QRectF(-half, -kRadius, 2 * half, 2 * kRadius);
}

QRectF PortItem::boundingRect() const
{
    const double half = (m_wide ? kWideWidth / 2 : 0) + kHitRadius;
    return QRectF(-half, -kHitRadius, 2 * half, 2 * kHitRadius);
}

QPainterPath PortItem::shape() const
{
    QPainterPath path;
    path.addRoundedRect(boundingRect(), kHitRadius, kHitRadius);
    return path;
}

void PortItem::setHighlighted(bool on)
{
    if (m_highlighted != on) {
        m_highlighted = on;
        update();
    }
}

void PortItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const bool lit = m_highlighted || m_hovered;
    painter->setPen(QPen(lit ? QColor(0x1b, 0x5e, 0x20) : QColor(0x61, 0x61, 0x61), lit ? 2.2 : 1.4));
    painter->setBrush(lit ? QColor(0xa5, 0xd6, 0xa7) : QColor(Qt::white));
    const QRectF r = visibleRect();
    painter->drawRoundedRect(r, kRadius, kRadius);
}

void PortItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        event->ignore();
        return;
    }
    if (auto* s = qobject_cast<GraphScene*>(scene()))
        s->beginConnection(this, event->scenePos());
    event->accept();
}

void PortItem::mouseMoveEvent(QGraphicsSceneMouseEvent* event)
{
    if (auto* s = qobject_cast<GraphScene*>(scene()))
        s->updateConnection(event->scenePos());
}

void PortItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    if (auto* s = qobject_cast<GraphScene*>(scene()))
        s->finishConnection(event->scenePos());
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = true;
    update();
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = false;
    update();
}

} // namespace neurino
