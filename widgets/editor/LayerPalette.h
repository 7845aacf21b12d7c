#pragma once

#include <QWidget>

class QLineEdit;
class QMimeData;
class QTreeWidget;

namespace neurino {

// Every layer kind of the LayerRegistry, grouped by category, with its explanation as tooltip. Drag one
// onto the canvas, or double-click it to add it at the centre of the view.
class LayerPalette : public QWidget {
    Q_OBJECT

public:
    // The MIME type a dragged layer carries; its data is the kind's name.
    static constexpr const char* kMimeType = "application/x-neurino-layer-kind";
    // What a drag from the palette carries; the canvas's drop reads it.
    static QMimeData* mimeDataFor(const QString& kind);

    explicit LayerPalette(QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }
    // The kind of the entry under the cursor (the current one), or empty on a category.
    QString currentKind() const;
    void setFilter(const QString& text);

signals:
    void kindActivated(const QString& kind);

private:
    QLineEdit* m_filter;
    QTreeWidget* m_tree;
};

} // namespace neurino
