#include "widgets/editor/GraphView.h"

#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/LayerPalette.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/editor/QuickAddPopup.h"

#include <QDragEnterEvent>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace neurino {

namespace {

constexpr double kMinZoom = 0.1;
constexpr double kMaxZoom = 3.0;
// Zoom per wheel notch.
constexpr double kWheelStep = 1.15;
constexpr double kGrid = 24;
// Room around the nodes so that panning is never stopped by the scene's edge.
constexpr double kSceneExtent = 100000;

} // namespace

GraphView::GraphView(GraphScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
    , m_quickAdd(new QuickAddPopup(this))
{
    setObjectName("graphView");
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    scene->setSceneRect(-kSceneExtent, -kSceneExtent, 2 * kSceneExtent, 2 * kSceneExtent);
    connect(m_quickAdd, &QuickAddPopup::kindChosen, this, &GraphView::addChosenLayer);
    connect(scene, &GraphScene::connectionDroppedOnCanvas, this,
        [this](const QString& id, QPointF scenePos) { openQuickAdd(mapFromScene(scenePos), {}, id); });
}

double GraphView::zoom() const
{
    return transform().m11();
}

void GraphView::setZoom(double factor)
{
    factor = std::clamp(factor, kMinZoom, kMaxZoom);
    const double current = zoom();
    if (std::abs(factor - current) < 1e-9)
        return;
    scale(factor / current, factor / current);
    emit zoomChanged(zoom());
}

void GraphView::zoomIn()
{
    const ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setZoom(zoom() * kWheelStep * kWheelStep);
    setTransformationAnchor(anchor);
}

void GraphView::zoomOut()
{
    const ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    setZoom(zoom() / (kWheelStep * kWheelStep));
    setTransformationAnchor(anchor);
}

void GraphView::fitToView()
{
    QRectF rect = m_scene->nodesBoundingRect();
    if (rect.isEmpty()) {
        resetTransform();
        centerOn(0, 0);
        emit zoomChanged(zoom());
        return;
    }
    rect.adjust(-30, -30, 30, 30);
    fitInView(rect, Qt::KeepAspectRatio);
    if (zoom() > 1.0)
        setZoom(1.0);
    else if (zoom() < kMinZoom)
        setZoom(kMinZoom);
    centerOn(rect.center());
    emit zoomChanged(zoom());
}

QSizeF GraphView::layoutViewport() const
{
    const QSize size = viewport()->size();
    return QSizeF(std::max(400, size.width() - 40), std::max(300, size.height() - 40));
}

void GraphView::openQuickAdd(QPoint viewPos, const QString& text, const QString& source)
{
    m_quickAddScenePos = mapToScene(viewPos);
    m_quickAddSource = source;
    // A connection dropped on the canvas places the layer there; a key press places it below its source.
    m_quickAddAtCursor = !source.isEmpty();
    if (m_quickAddSource.isEmpty()) {
        const QStringList selected = m_scene->selectedNodeIds();
        if (selected.size() == 1)
            m_quickAddSource = selected.front();
    }
    m_quickAdd->popup(viewport()->mapToGlobal(viewPos), text);
}

void GraphView::addChosenLayer(const QString& kind)
{
    GraphEditor* editor = m_scene->editor();
    const QPointF topLeft = m_quickAddScenePos - QPointF(NodeStyle::kWidth / 2, NodeStyle::kHeight / 2);
    if (!m_quickAddSource.isEmpty() && m_scene->nodeItem(m_quickAddSource)) {
        editor->addLayerAfter(
            kind, m_quickAddSource, m_quickAddAtCursor ? std::optional<QPointF>(topLeft) : std::nullopt);
    } else {
        editor->addLayer(kind, topLeft);
    }
    m_quickAddSource.clear();
    setFocus();
}

bool GraphView::event(QEvent* event)
{
    // Tab opens the quick-add box instead of moving the focus, as in node editors.
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Tab && key->modifiers() == Qt::NoModifier) {
            const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
            openQuickAdd(viewport()->rect().contains(cursor) ? cursor : viewport()->rect().center());
            return true;
        }
    }
    return QGraphicsView::event(event);
}

void GraphView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        event->accept();
        return;
    }
    const QString text = event->text();
    const bool plain = !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
    if (plain && text.size() == 1 && text.at(0).isLetterOrNumber()) {
        const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
        openQuickAdd(viewport()->rect().contains(cursor) ? cursor : viewport()->rect().center(), text);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    setZoom(zoom() * std::pow(kWheelStep, notches));
    event->accept();
}

void GraphView::panBy(QPoint delta)
{
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton || (m_spaceHeld && event->button() == Qt::LeftButton)) {
        m_panning = true;
        m_panLast = event->pos();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_panning) {
        panBy(event->pos() - m_panLast);
        m_panLast = event->pos();
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning) {
        m_panning = false;
        if (m_spaceHeld)
            viewport()->setCursor(Qt::OpenHandCursor);
        else
            viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (!itemAt(event->pos())) {
        m_scene->clearSelection();
        openQuickAdd(event->pos());
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasFormat(LayerPalette::kMimeType))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void GraphView::dragMoveEvent(QDragMoveEvent* event)
{
    if (event->mimeData()->hasFormat(LayerPalette::kMimeType))
        event->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(event);
}

void GraphView::dropEvent(QDropEvent* event)
{
    if (!event->mimeData()->hasFormat(LayerPalette::kMimeType)) {
        QGraphicsView::dropEvent(event);
        return;
    }
    const QString kind = QString::fromUtf8(event->mimeData()->data(LayerPalette::kMimeType));
    const QPointF center = mapToScene(event->position().toPoint());
    m_scene->editor()->addLayer(kind, center - QPointF(NodeStyle::kWidth / 2, NodeStyle::kHeight / 2));
    event->acceptProposedAction();
    setFocus();
}

void GraphView::drawBackground(QPainter* painter, const QRectF& rect)
{
    painter->fillRect(rect, QColor(0xfa, 0xfa, 0xfa));
    if (zoom() < 0.35)
        return; // a dense grid at low zoom is only noise
    painter->setPen(QPen(QColor(0xd6, 0xd6, 0xd6), 0));
    const double left = std::floor(rect.left() / kGrid) * kGrid;
    const double top = std::floor(rect.top() / kGrid) * kGrid;
    QVector<QPointF> dots;
    for (double x = left; x < rect.right(); x += kGrid) {
        for (double y = top; y < rect.bottom(); y += kGrid)
            dots.append(QPointF(x, y));
    }
    painter->setPen(QPen(QColor(0xcf, 0xd8, 0xdc), 2.0 / std::max(zoom(), 0.01)));
    painter->drawPoints(dots.data(), static_cast<int>(dots.size()));
}

void GraphView::drawForeground(QPainter* painter, const QRectF& rect)
{
    QGraphicsView::drawForeground(painter, rect);
    if (!m_scene->nodeItems().isEmpty())
        return;
    // An empty canvas says how to begin.
    painter->save();
    painter->resetTransform();
    QFont font = painter->font();
    font.setPointSizeF(12);
    painter->setFont(font);
    painter->setPen(QColor(0x75, 0x75, 0x75));
    painter->drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap,
        tr("An empty model.\nDrag a layer from the palette, or press Tab and type its name.\n"
           "Start with an Input; connect layers by dragging from an output to an input."));
    painter->restore();
}

} // namespace neurino
