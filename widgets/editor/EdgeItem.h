#pragma once

#include <QGraphicsItem>
#include <QPainterPath>
#include <QString>

namespace neurino {

class GraphModel;
class NodeItem;

// A connection on the canvas: a curve from one layer's output to another's input, labelled with the shape
// of the tensor that flows along it. Red, with the reason as tooltip, when the layer it feeds cannot take
// it.
class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    EdgeItem(const QString& from, const QString& to);

    int type() const override { return Type; }
    const QString& from() const { return m_from; }
    const QString& to() const { return m_to; }

    // Reads the label and the validity from the model's analysis.
    void refresh(const GraphModel& model);
    // Recomputes the curve between the two nodes; the edge is input `index` of `count` of its target.
    void updateGeometry(const NodeItem* source, const NodeItem* target, int index, int count);

    bool isValid() const { return m_problem.isEmpty(); }
    const QString& label() const { return m_label; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    QRectF labelRect() const;

    QString m_from;
    QString m_to;
    QString m_label;
    QString m_problem;
    QPainterPath m_path;
    QPointF m_labelCenter;
    QPointF m_end;
    bool m_hovered = false;
};

} // namespace neurino
