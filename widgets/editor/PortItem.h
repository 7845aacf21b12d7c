#pragma once

#include <QGraphicsItem>

namespace neurino {

class NodeItem;

// A connection point on a node: the input on top, the output at the bottom. Pressing on a port and
// dragging draws a new connection; the port hands the gesture to the scene, which asks the editor.
class PortItem : public QGraphicsItem {
public:
    enum { Type = UserType + 3 };
    enum class Direction { Input, Output };

    PortItem(NodeItem* node, Direction direction, bool wide);

    int type() const override { return Type; }
    NodeItem* node() const { return m_node; }
    Direction direction() const { return m_direction; }
    bool isInput() const { return m_direction == Direction::Input; }

    // Highlighted while a connection is dragged over it.
    void setHighlighted(bool on);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    QRectF visibleRect() const;

    NodeItem* m_node;
    Direction m_direction;
    bool m_wide;
    bool m_highlighted = false;
    bool m_hovered = false;
};

} // namespace neurino
