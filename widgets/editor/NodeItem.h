#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QString>

class QFont;

namespace neurino {

class GraphModel;
class PortItem;

// A layer on the canvas: its kind and name in a coloured header, its key parameters, its output shape and
// parameter count. A layer with a problem is drawn red and says what is wrong in its tooltip. It draws and
// forwards gestures; it never changes the model itself.
class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    NodeItem(const QString& id, bool hasInput, bool wideInput, bool hasOutput);

    int type() const override { return Type; }
    const QString& id() const { return m_id; }
    PortItem* inputPort() const { return m_input; }
    PortItem* outputPort() const { return m_output; }

    // Reads the node and its analysis from the model.
    void refresh(const GraphModel& model);
    bool isValid() const { return m_problem.isEmpty(); }
    const QString& problem() const { return m_problem; }
    const QString& kind() const { return m_kind; }

    // Where an edge meets this node: the output at the bottom, input `index` of `count` spread on top.
    QPointF outputAnchor() const;
    QPointF inputAnchor(int index, int count) const;

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    void paintFrame(QPainter* painter) const;
    void paintTitle(QPainter* painter, const QFont& base) const;
    void paintDetails(QPainter* painter, const QFont& base) const;

    QString m_id;
    QString m_kind;
    QString m_name;
    QString m_keyParams;
    QString m_shape;
    QString m_params;
    QString m_problem;
    QColor m_color;
    PortItem* m_input = nullptr;
    PortItem* m_output = nullptr;
    bool m_hovered = false;
};

} // namespace neurino
