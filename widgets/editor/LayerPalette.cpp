#include "widgets/editor/LayerPalette.h"

#include "widgets/editor/NodeStyle.h"

#include "core/graph/LayerRegistry.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace neurino {

namespace {

constexpr int kKindRole = Qt::UserRole + 1;

// A tree whose leaves can be dragged as layer kinds.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override { return { LayerPalette::kMimeType }; }

    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override
    {
        for (QTreeWidgetItem* item : items) {
            const QString kind = item->data(0, kKindRole).toString();
            if (!kind.isEmpty())
                return LayerPalette::mimeDataFor(kind);
        }
        return nullptr;
    }
};

QIcon swatch(const QColor& color)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(color.darker(130));
    painter.setBrush(color);
    painter.drawRoundedRect(QRectF(1, 1, 12, 12), 3, 3);
    return QIcon(pixmap);
}

} // namespace

QMimeData* LayerPalette::mimeDataFor(const QString& kind)
{
    auto* data = new QMimeData;
    data->setData(kMimeType, kind.toUtf8());
    data->setText(kind);
    return data;
}

LayerPalette::LayerPalette(QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new PaletteTree(this))
{
    setObjectName("layerPalette");
    m_filter->setPlaceholderText(tr("Filter layers…"));
    m_filter->setClearButtonEnabled(true);
    m_tree->setHeaderHidden(true);
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->setRootIsDecorated(true);
    m_tree->setIndentation(14);
    m_tree->setUniformRowHeights(true);

    QMap<QString, QTreeWidgetItem*> groups;
    for (const LayerKind& kind : LayerRegistry::instance().kinds()) {
        const QString category = QString::fromStdString(kind.category);
        QTreeWidgetItem* group = groups.value(category);
        if (!group) {
            group = new QTreeWidgetItem(m_tree, { category });
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setFlags(Qt::ItemIsEnabled);
            group->setIcon(0, swatch(NodeStyle::categoryColor(category)));
            groups.insert(category, group);
        }
        const QString name = QString::fromStdString(kind.name);
        auto* item = new QTreeWidgetItem(group, { name });
        item->setData(0, kKindRole, name);
        item->setToolTip(0,
            "<b>" + name + "</b><p>" + QString::fromStdString(kind.explanation).toHtmlEscaped() + "</p><i>"
                + tr("Drag onto the canvas, or double-click to add.") + "</i>");
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    m_tree->expandAll();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);

    connect(m_filter, &QLineEdit::textChanged, this, &LayerPalette::setFilter);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QString kind = item->data(0, kKindRole).toString();
        if (!kind.isEmpty())
            emit kindActivated(kind);
    });
}

void LayerPalette::setFilter(const QString& text)
{
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        const bool groupMatches = group->text(0).contains(text, Qt::CaseInsensitive);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const bool match
                = text.isEmpty() || groupMatches || item->text(0).contains(text, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}

QString LayerPalette::currentKind() const
{
    const QTreeWidgetItem* item = m_tree->currentItem();
    return item ? item->data(0, kKindRole).toString() : QString();
}

} // namespace neurino
