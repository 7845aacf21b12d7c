#include "widgets/views/inside/MisclassifiedView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPaintEvent>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

constexpr int kMargin = 8;
constexpr int kThumb = 72; // picture side in pixels
constexpr int kCellWidth = 132;
constexpr int kCellHeight = kThumb + 46; // picture and two lines of text
// Features shown in the table, at most.
constexpr int kTableFeatures = 12;

} // namespace

class MisclassifiedView::Gallery : public QWidget {
public:
    explicit Gallery(MisclassifiedView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    int columns(int width) const { return std::max(1, (width - 2 * kMargin) / kCellWidth); }
    int contentHeight(int width) const
    {
        const int n = static_cast<int>(m_owner->order().size());
        return 2 * kMargin + (n + columns(width) - 1) / columns(width) * kCellHeight;
    }

protected:
    void paintEvent(QPaintEvent* event) override
    {
        QPainter p(this);
        const MisclassifiedData& data = m_owner->m_data;
        if (data.items.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap,
                data.empty() ? tr("The misclassified samples appear here after a classifier is trained.")
                             : tr("No held-out sample is misclassified."));
            return;
        }
        const int h = static_cast<int>(data.sampleShape[1]);
        const int w = static_cast<int>(data.sampleShape[2]);
        const std::int64_t volume = data.sampleVolume();
        const int perRow = columns(width());
        const std::vector<int> order = m_owner->order();
        QFont small = font();
        small.setPointSizeF(std::max(6.0, font().pointSizeF() - 0.5));
        p.setFont(small);
        for (std::size_t k = 0; k < order.size(); ++k) {
            const QRect cell(kMargin + static_cast<int>(k % perRow) * kCellWidth,
                kMargin + static_cast<int>(k / perRow) * kCellHeight, kCellWidth, kCellHeight);
            if (!cell.intersects(event->rect()))
                continue;
            const int i = order[k];
            const Misclassification& m = data.items[static_cast<std::size_t>(i)];
            // The first channel, grey from its own minimum (black) to maximum (white).
            const float* v = data.values.data() + static_cast<std::size_t>(i) * volume;
            const auto [lo, hi] = std::minmax_element(v, v + static_cast<std::ptrdiff_t>(h) * w);
            const float span = *hi > *lo ? *hi - *lo : 1.0f;
            QImage image(w, h, QImage::Format_Grayscale8);
            for (int r = 0; r < h; ++r) {
                uchar* line = image.scanLine(r);
                for (int x = 0; x < w; ++x)
                    line[x] = static_cast<uchar>(std::lround(255 * (v[r * w + x] - *lo) / span));
            }
            const QRect picture(cell.left() + (kCellWidth - kThumb) / 2, cell.top(), kThumb, kThumb);
            p.drawImage(picture, image);
            p.setPen(QPen(QColor(214, 39, 40), 2));
            p.setBrush(Qt::NoBrush);
            p.drawRect(picture.adjusted(-1, -1, 1, 1));
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRect(cell.left(), picture.bottom() + 3, kCellWidth, 18),
                Qt::AlignHCenter | Qt::AlignTop, tr("true: %1").arg(data.className(m.truth)));
            p.drawText(QRect(cell.left(), picture.bottom() + 20, kCellWidth, 18),
                Qt::AlignHCenter | Qt::AlignTop,
                tr("pred: %1 (%2)").arg(data.className(m.predicted)).arg(m.probability, 0, 'f', 2));
        }
    }

private:
    MisclassifiedView* m_owner;
};

MisclassifiedView::MisclassifiedView(QWidget* parent)
    : QWidget(parent)
    , m_caption(new QLabel(this))
    , m_showAll(new QPushButton(tr("Show All"), this))
    , m_stack(new QStackedWidget(this))
    , m_scroll(new QScrollArea(this))
    , m_gallery(new Gallery(this))
    , m_table(new QTableWidget(this))
{
    setObjectName("misclassifiedView");
    m_caption->setObjectName("misclassifiedCaption");
    m_caption->setWordWrap(true);
    m_scroll->setWidget(m_gallery);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_table->setObjectName("misclassifiedTable");
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_stack->addWidget(m_scroll);
    m_stack->addWidget(m_table);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_caption, 1);
    m_showAll->setToolTip(tr("Show every misclassified sample again, not only one cell's"));
    connect(m_showAll, &QPushButton::clicked, this, [this] { setFilter(-1, -1); });
    bar->addWidget(m_showAll);
    ChartExport::addButtons(bar, m_stack, "misclassified", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    clear();
}

QWidget* MisclassifiedView::plot() const
{
    return m_stack;
}

std::vector<int> MisclassifiedView::order() const
{
    std::vector<int> order;
    for (int i = 0; i < static_cast<int>(m_data.items.size()); ++i) {
        const Misclassification& m = m_data.items[static_cast<std::size_t>(i)];
        if (m_filterTruth < 0 || (m.truth == m_filterTruth && m.predicted == m_filterPredicted))
            order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
        [this](int a, int b) { return m_data.items[a].probability > m_data.items[b].probability; });
    return order;
}

void MisclassifiedView::setData(const MisclassifiedData& data, const QString& runName)
{
    m_data = data;
    m_runName = runName;
    m_filterTruth = m_filterPredicted = -1;
    refresh();
}

void MisclassifiedView::setFilter(int truth, int predicted)
{
    const bool mistake = truth >= 0 && predicted >= 0 && truth != predicted;
    m_filterTruth = mistake ? truth : -1;
    m_filterPredicted = mistake ? predicted : -1;
    refresh();
}

void MisclassifiedView::refresh()
{
    const MisclassifiedData& data = m_data;
    const QString& runName = m_runName;
    m_showAll->setVisible(filtered());
    if (data.empty()) {
        m_caption->setText(tr("No misclassified samples yet: train a classifier."));
    } else {
        QString text = (runName.isEmpty() ? QString() : runName + ": ")
            + tr("%1 of the %2 %3 samples are misclassified (%4 %)")
                  .arg(data.total)
                  .arg(data.evaluated)
                  .arg(data.part)
                  .arg(data.evaluated > 0 ? 100.0 * data.total / data.evaluated : 0.0, 0, 'f', 1);
        if (static_cast<std::int64_t>(data.items.size()) < data.total)
            text += tr("; the first %1 are shown").arg(data.items.size());
        text += data.images ? tr(". Most confident mistakes first; under each picture its true class and the "
                                 "predicted one with its probability.")
                            : tr(". Sort the table by a column's header.");
        if (filtered())
            text = (runName.isEmpty() ? QString() : runName + ": ")
                + tr("the %1 %2 samples taken for %3 (of %4 misclassified), most confident first.")
                      .arg(order().size())
                      .arg(data.className(m_filterTruth))
                      .arg(data.className(m_filterPredicted))
                      .arg(data.total);
        m_caption->setText(text);
    }
    m_stack->setCurrentIndex(data.images || data.empty() ? 0 : 1);
    fillTable();
    m_gallery->setMinimumHeight(data.images ? m_gallery->contentHeight(m_scroll->viewport()->width()) : 0);
    m_gallery->update();
}

void MisclassifiedView::clear()
{
    setData({});
}

bool MisclassifiedView::showsGallery() const
{
    return m_stack->currentIndex() == 0;
}

int MisclassifiedView::itemCount() const
{
    return showsGallery() ? (m_data.images ? static_cast<int>(order().size()) : 0) : m_table->rowCount();
}

void MisclassifiedView::fillTable()
{
    m_table->setSortingEnabled(false);
    m_table->clear();
    if (m_data.images || m_data.empty()) {
        m_table->setRowCount(0);
        m_table->setColumnCount(0);
        return;
    }
    const int features = static_cast<int>(std::min<std::int64_t>(kTableFeatures, m_data.sampleVolume()));
    QStringList headers { tr("row"), tr("true class"), tr("predicted"), tr("p(predicted)"), tr("p(true)") };
    for (int f = 0; f < features; ++f)
        headers << (f < static_cast<int>(m_data.featureNames.size())
                ? QString::fromStdString(m_data.featureNames[f])
                : tr("x%1").arg(f + 1));
    m_table->setColumnCount(headers.size());
    m_table->setHorizontalHeaderLabels(headers);
    const std::vector<int> rows = order();
    m_table->setRowCount(static_cast<int>(rows.size()));
    const auto number = [](double v) {
        auto* item = new QTableWidgetItem;
        item->setData(Qt::DisplayRole, v);
        return item;
    };
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const Misclassification& m = m_data.items[static_cast<std::size_t>(rows[r])];
        m_table->setItem(r, 0, number(static_cast<double>(m.row)));
        m_table->setItem(r, 1, new QTableWidgetItem(m_data.className(m.truth)));
        m_table->setItem(r, 2, new QTableWidgetItem(m_data.className(m.predicted)));
        m_table->setItem(r, 3, number(std::round(m.probability * 1000) / 1000));
        m_table->setItem(r, 4, number(std::round(m.truthProbability * 1000) / 1000));
        const float* v = m_data.values.data() + static_cast<std::size_t>(rows[r]) * m_data.sampleVolume();
        for (int f = 0; f < features; ++f)
            m_table->setItem(r, 5 + f, number(std::round(v[f] * 1e4) / 1e4));
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
}

void MisclassifiedView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_data.images)
        m_gallery->setMinimumHeight(m_gallery->contentHeight(m_scroll->viewport()->width()));
}

QString MisclassifiedView::toCsv() const
{
    QString csv = "row,true_class,predicted_class,p_predicted,p_true\n";
    for (int i : order()) {
        const Misclassification& m = m_data.items[static_cast<std::size_t>(i)];
        csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                   .arg(m.row)
                   .arg(ChartExport::csvField(m_data.className(m.truth)))
                   .arg(ChartExport::csvField(m_data.className(m.predicted)))
                   .arg(m.probability, 0, 'g', 5)
                   .arg(m.truthProbability, 0, 'g', 5);
    }
    return csv;
}

bool MisclassifiedView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_stack, path, error);
}

} // namespace neurino
