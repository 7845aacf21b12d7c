#pragma once

#include <QGraphicsView>

namespace neurino {

class GraphScene;
class QuickAddPopup;

// The canvas: zoom with the wheel, pan with the middle button (or Space and drag), select with a rubber
// band, drop layers from the palette, and press Tab or start typing to add a layer by name.
class GraphView : public QGraphicsView {
    Q_OBJECT

public:
    explicit GraphView(GraphScene* scene, QWidget* parent = nullptr);

    GraphScene* graphScene() const { return m_scene; }
    QuickAddPopup* quickAdd() const { return m_quickAdd; }

    double zoom() const;
    void setZoom(double factor);
    void zoomIn();
    void zoomOut();
    // Shows every layer, at 100 % at most so that small models stay readable.
    void fitToView();
    // The visible area in scene units at 100 %; what the automatic layout plans for.
    QSizeF layoutViewport() const;

    // Opens the quick-add box at a point of the viewport. With exactly one layer selected (or `source`
    // given) the new layer is connected after it.
    void openQuickAdd(QPoint viewPos, const QString& text = {}, const QString& source = {});

signals:
    void zoomChanged(double factor);

protected:
    bool event(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    void addChosenLayer(const QString& kind);
    void panBy(QPoint delta);

    GraphScene* m_scene;
    QuickAddPopup* m_quickAdd;
    QPointF m_quickAddScenePos;
    QString m_quickAddSource;
    bool m_quickAddAtCursor = false;
    bool m_panning = false;
    bool m_spaceHeld = false;
    QPoint m_panLast;
};

} // namespace neurino
