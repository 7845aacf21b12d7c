#include "widgets/editor/EdgeItem.h"

#include "widgets/editor/GraphModel.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/NodeStyle.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QtMath>

namespace neurino {

namespace {

const QColor kEdgeColor(0x78, 0x90, 0x9c);
const QColor kProblemColor(0xc6, 0x28, 0x28);
const QColor kSelectedColor(0x19, 0x76, 0xd2);
// How far the curve leaves a port straight before it bends.
constexpr double kLead = 40;
constexpr double kArrow = 9;
constexpr double kLabelPoints = 9;

QFont labelFont()
{
    QFont f;
    f.setPointSizeF(kLabelPoints);
    return f;
}

} // namespace

EdgeItem::EdgeItem(const QString& from, const QString& to)
    : m_from(from)
    , m_to(to)
{
    setFlags(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(-1);
}

void EdgeItem::refresh(const GraphModel& model)
{
    m_label = NodeStyle::shapeText(model.outputShape(m_from.toStdString()));
    // The edge shares the problem of the layer it feeds when that layer cannot take what arrives: the
    // source's shape is known but the target's could not be computed. Upstream problems leave it grey.
    QStringList problems;
    if (model.outputShape(m_from.toStdString()) && !model.outputShape(m_to.toStdString())) {
        for (const std::string& message : model.issuesOf(m_to.toStdString()))
            problems << QString::fromStdString(message);
    }
    m_problem = problems.join('\n');
    QString tip = QObject::tr("%1 → %2: tensors of shape %3 per sample").arg(m_from, m_to, m_label);
    if (!m_problem.isEmpty())
        tip += QStringLiteral("\n\n") + QObject::tr("Problem at %1: %2").arg(m_to, m_problem);
    setToolTip(tip);
    update();
}

void EdgeItem::updateGeometry(const NodeItem* source, const NodeItem* target, int index, int count)
{
    prepareGeometryChange();
    const QPointF a = source->outputAnchor();
    const QPointF b = target->inputAnchor(index, count);
    m_end = b;
    QPainterPath path(a);
    if (b.y() - a.y() >= 2 * kLead / 2) {
        // Downwards, the usual case: a smooth S.
        const double bend = std::max(kLead, (b.y() - a.y()) / 2);
        path.cubicTo(a + QPointF(0, bend), b - QPointF(0, bend), b);
        m_labelCenter = path.pointAtPercent(0.5);
    } else {
        // Upwards (a network folded into columns, or drawn bottom-up): go around the nodes through the
        // gutter between them rather than across them.
        const QRectF sourceRect = source->sceneBoundingRect();
        const QRectF targetRect = target->sceneBoundingRect();
        double gutter;
        if (targetRect.left() >= sourceRect.right())
            gutter = (sourceRect.right() + targetRect.left()) / 2;
        else if (targetRect.right() <= sourceRect.left())
            gutter = (targetRect.right() + sourceRect.left()) / 2;
        else
            gutter = std::max(sourceRect.right(), targetRect.right()) + NodeStyle::kSiblingGap / 2;
        const double low = a.y() + kLead / 2;
        const double high = b.y() - kLead / 2;
        const double r = 18;
        const double dirA = gutter > a.x() ? 1 : -1;
        const double dirB = b.x() > gutter ? 1 : -1;
        path.lineTo(a.x(), low - r);
        path.quadTo(a.x(), low, a.x() + dirA * r, low);
        path.lineTo(gutter - dirA * r, low);
        path.quadTo(gutter, low, gutter, low - r);
        path.lineTo(gutter, high + r);
        path.quadTo(gutter, high, gutter + dirB * r, high);
        path.lineTo(b.x() - dirB * r, high);
        path.quadTo(b.x(), high, b.x(), high + r);
        path.lineTo(b);
        m_labelCenter = QPointF(gutter, (low + high) / 2);
    }
    m_path = path;
    update();
}

QRectF EdgeItem::labelRect() const
{
    const QFontMetricsF fm(labelFont());
    const double w = fm.horizontalAdvance(m_label) + 12;
    const double h = fm.height() + 4;
    return QRectF(m_labelCenter.x() - w / 2, m_labelCenter.y() - h / 2, w, h);
}

QRectF EdgeItem::boundingRect() const
{
    return m_path.boundingRect()
        .adjusted(-kArrow, -kArrow, kArrow, kArrow)
        .united(labelRect().adjusted(-2, -2, 2, 2));
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(12);
    QPainterPath hit = stroker.createStroke(m_path);
    hit.addRect(labelRect());
    return hit;
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    QColor color = isValid() ? kEdgeColor : kProblemColor;
    if (isSelected())
        color = kSelectedColor;
    const double width = isSelected() || m_hovered ? 3.2 : (isValid() ? 2.0 : 2.6);
    painter->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);

    // Arrowhead into the target's input.
    QPolygonF arrow;
    arrow << m_end << m_end + QPointF(-kArrow / 1.6, -kArrow) << m_end + QPointF(kArrow / 1.6, -kArrow);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(arrow);

    // The shape label, on a plate so it stays legible over the curve.
    const QRectF plate = labelRect();
    painter->setPen(QPen(isValid() ? QColor(0xb0, 0xbe, 0xc5) : kProblemColor, 1));
    painter->setBrush(isValid() ? QColor(0xec, 0xef, 0xf1) : QColor(0xff, 0xeb, 0xee));
    painter->drawRoundedRect(plate, plate.height() / 2, plate.height() / 2);
    painter->setFont(labelFont());
    painter->setPen(isValid() ? QColor(0x26, 0x32, 0x38) : kProblemColor);
    painter->drawText(plate, Qt::AlignCenter, m_label);
}

void EdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = true;
    update();
}

void EdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = false;
    update();
}

} // namespace neurino
