#include "widgets/editor/NodeItem.h"

#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/editor/PortItem.h"

#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace neurino {

namespace {

constexpr double kRadius = 8;
constexpr double kHeader = 27;
constexpr double kPadding = 10;
const QColor kProblemColor(0xc6, 0x28, 0x28);
const QColor kSelectedColor(0x19, 0x76, 0xd2);

QFont scaledFont(const QFont& base, double points, bool bold = false)
{
    QFont f = base;
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

} // namespace

NodeItem::NodeItem(const QString& id, bool hasInput, bool wideInput, bool hasOutput)
    : m_id(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setCacheMode(DeviceCoordinateCache);
    if (hasInput)
        m_input = new PortItem(this, PortItem::Direction::Input, wideInput);
    if (hasOutput)
        m_output = new PortItem(this, PortItem::Direction::Output, false);
}

void NodeItem::refresh(const GraphModel& model)
{
    const std::string id = m_id.toStdString();
    const Node* node = model.graph().findNode(id);
    if (!node)
        return;
    const LayerKind* kind = LayerRegistry::instance().find(node->layer.kind);
    m_kind = QString::fromStdString(node->layer.kind);
    m_name = QString::fromStdString(node->name);
    m_keyParams = kind ? NodeStyle::keyParamsText(*kind, node->layer.params) : QString();
    m_shape = NodeStyle::shapeText(model.outputShape(id));
    m_params = NodeStyle::paramsText(model.parameterCount(id));
    m_color = NodeStyle::categoryColor(kind ? QString::fromStdString(kind->category) : QString());
    QStringList problems;
    for (const std::string& message : model.issuesOf(id))
        problems << QString::fromStdString(message);
    m_problem = problems.join('\n');

    QString tip = QStringLiteral("<b>%1</b> — %2<br/>").arg(m_name.toHtmlEscaped(), m_kind);
    if (!m_problem.isEmpty())
        tip += QStringLiteral("<p style='color:#c62828'><b>Problem:</b> %1</p>")
                   .arg(m_problem.toHtmlEscaped());
    tip += QStringLiteral("Output %1 · %2")
               .arg(m_shape, NodeStyle::paramsText(model.parameterCount(id), true));
    if (kind)
        tip += QStringLiteral("<p>%1</p>").arg(QString::fromStdString(kind->explanation).toHtmlEscaped());
    setToolTip(tip);
    update();
}

QPointF NodeItem::outputAnchor() const
{
    return mapToScene(QPointF(NodeStyle::kWidth / 2, NodeStyle::kHeight));
}

QPointF NodeItem::inputAnchor(int index, int count) const
{
    if (count <= 1)
        return mapToScene(QPointF(NodeStyle::kWidth / 2, 0));
    // Spread several inputs over the wide input bar, in port order.
    const double span = 80;
    const double x = NodeStyle::kWidth / 2 - span / 2 + span * index / (count - 1);
    return mapToScene(QPointF(x, 0));
}

QRectF NodeItem::boundingRect() const
{
    return QRectF(-3, -3, NodeStyle::kWidth + 6, NodeStyle::kHeight + 6);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    paintFrame(painter);
    const QFont base = painter->font();
    paintTitle(painter, base);
    paintDetails(painter, base);
}

// Body and header, and the outline: selection wins, then problems.
void NodeItem::paintFrame(QPainter* painter) const
{
    const QRectF body(0, 0, NodeStyle::kWidth, NodeStyle::kHeight);
    const bool invalid = !m_problem.isEmpty();
    painter->setPen(Qt::NoPen);
    painter->setBrush(invalid ? QColor(0xff, 0xeb, 0xee) : QColor(Qt::white));
    painter->drawRoundedRect(body, kRadius, kRadius);
    QPainterPath header;
    header.addRoundedRect(QRectF(0, 0, NodeStyle::kWidth, kHeader + kRadius), kRadius, kRadius);
    QPainterPath clip;
    clip.addRect(QRectF(0, 0, NodeStyle::kWidth, kHeader));
    painter->setBrush(invalid ? kProblemColor : m_color);
    painter->drawPath(header.intersected(clip));

    QPen outline(QColor(0x9e, 0x9e, 0x9e), 1.2);
    if (isSelected())
        outline = QPen(kSelectedColor, 3);
    else if (invalid)
        outline = QPen(kProblemColor, 2.4);
    else if (m_hovered)
        outline = QPen(QColor(0x61, 0x61, 0x61), 1.8);
    painter->setPen(outline);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(body, kRadius, kRadius);
}

// The header: kind on the left, the layer's name on the right.
void NodeItem::paintTitle(QPainter* painter, const QFont& base) const
{
    const double inner = NodeStyle::kWidth - 2 * kPadding;
    QFont nameFont = scaledFont(base, 9);
    QFont kindFont = scaledFont(base, 10, true);
    const QString kindText = (m_problem.isEmpty() ? "" : "⚠ ") + m_kind;
    // Long kinds (ZeroPadding2D) with their default names take a smaller title rather than an elided name.
    if (QFontMetricsF(kindFont).horizontalAdvance(kindText)
            + QFontMetricsF(nameFont).horizontalAdvance(m_name) + 12
        > inner) {
        kindFont = scaledFont(base, 9, true);
        nameFont = scaledFont(base, 8.5);
    }
    const QRectF headerText(kPadding, 0, inner, kHeader);
    painter->setPen(Qt::white);
    painter->setFont(kindFont);
    painter->drawText(headerText, Qt::AlignLeft | Qt::AlignVCenter, kindText);
    const double kindWidth = QFontMetricsF(kindFont).horizontalAdvance(kindText) + 12;
    if (m_name.compare(m_kind, Qt::CaseInsensitive) != 0) {
        painter->setFont(nameFont);
        const QString name = QFontMetricsF(nameFont).elidedText(m_name, Qt::ElideMiddle, inner - kindWidth);
        painter->drawText(headerText, Qt::AlignRight | Qt::AlignVCenter, name);
    }
}

// The key parameters; then the output shape and parameter count, or what is wrong.
void NodeItem::paintDetails(QPainter* painter, const QFont& base) const
{
    const double inner = NodeStyle::kWidth - 2 * kPadding;
    const QFont paramFont = scaledFont(base, 9.5);
    painter->setFont(paramFont);
    painter->setPen(QColor(0x30, 0x30, 0x30));
    const QRectF paramRect(kPadding, kHeader + 4, inner, 22);
    const QString params = m_keyParams.isEmpty() ? QObject::tr("no settings") : m_keyParams;
    if (m_keyParams.isEmpty())
        painter->setPen(QColor(0x9e, 0x9e, 0x9e));
    painter->drawText(paramRect, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(paramFont).elidedText(params, Qt::ElideRight, inner));

    const QRectF lastRect(kPadding, NodeStyle::kHeight - 30, inner, 24);
    if (!m_problem.isEmpty()) {
        painter->setPen(kProblemColor);
        const QString first = m_problem.section('\n', 0, 0);
        painter->drawText(lastRect, Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetricsF(paramFont).elidedText(first, Qt::ElideRight, inner));
        return;
    }
    const QFont shapeFont = scaledFont(base, 10, true);
    painter->setFont(shapeFont);
    painter->setPen(QColor(0x21, 0x21, 0x21));
    const QString shape = "→ " + m_shape;
    painter->drawText(lastRect, Qt::AlignLeft | Qt::AlignVCenter, shape);
    const double shapeWidth = QFontMetricsF(shapeFont).horizontalAdvance(shape) + 10;
    painter->setFont(paramFont);
    painter->setPen(QColor(0x61, 0x61, 0x61));
    painter->drawText(lastRect, Qt::AlignRight | Qt::AlignVCenter,
        QFontMetricsF(paramFont).elidedText(m_params, Qt::ElideLeft, inner - shapeWidth));
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged) {
        if (auto* s = qobject_cast<GraphScene*>(scene()))
            s->nodeItemMoved(this);
    }
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    if (auto* s = qobject_cast<GraphScene*>(scene()))
        emit s->nodeActivated(m_id);
    event->accept();
}

void NodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = true;
    update();
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = false;
    update();
}

} // namespace neurino
