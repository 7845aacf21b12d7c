#include "widgets/views/charts/ConfusionMatrixView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

namespace neurino {

namespace {

// Cells are at most this many pixels wide, so a 2x2 matrix does not fill a whole screen.
constexpr int kMaxCell = 130;
constexpr int kLabelRoom = 110; // for the class names on the left
constexpr int kHeaderRoom = 56; // above the grid: axis title and class names

QColor cellColor(double fraction)
{
    const QColor low(247, 251, 255);
    const QColor high(8, 69, 148);
    const double f = std::clamp(fraction, 0.0, 1.0);
    return QColor::fromRgbF(low.redF() + f * (high.redF() - low.redF()),
        low.greenF() + f * (high.greenF() - low.greenF()), low.blueF() + f * (high.blueF() - low.blueF()));
}

QString className(const ConfusionData& data, int i)
{
    return i < static_cast<int>(data.classNames.size()) ? QString::fromStdString(data.classNames[i])
                                                        : QString::number(i);
}

} // namespace

class ConfusionMatrixView::Grid : public QWidget {
public:
    explicit Grid(ConfusionMatrixView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setMinimumSize(240, 200);
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    QRect gridRect() const
    {
        const int n = std::max<int>(1, static_cast<int>(m_owner->m_data.counts.size()));
        const int cell
            = std::min({ kMaxCell, (width() - kLabelRoom - 20) / n, (height() - kHeaderRoom - 30) / n });
        return QRect(kLabelRoom, kHeaderRoom, cell * n, cell * n);
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const ConfusionData& data = m_owner->m_data;
        if (data.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                tr("The confusion matrix appears when a classifier has been trained."));
            return;
        }
        const int n = static_cast<int>(data.counts.size());
        const QRect g = gridRect();
        const int cell = g.width() / n;
        const bool normalized = m_owner->normalized();
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(g.left(), 0, g.width(), 20), Qt::AlignCenter, tr("predicted class"));
        p.save();
        p.translate(14, g.center().y());
        p.rotate(-90);
        p.drawText(QRect(-g.height() / 2, -10, g.height(), 20), Qt::AlignCenter, tr("true class"));
        p.restore();
        p.setFont(font());
        for (int t = 0; t < n; ++t) {
            std::int64_t rowSum = 0;
            for (std::int64_t c : data.counts[t])
                rowSum += c;
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRect(22, g.top() + t * cell, kLabelRoom - 28, cell),
                Qt::AlignRight | Qt::AlignVCenter, className(data, t));
            p.drawText(QRect(g.left() + t * cell, 20, cell, kHeaderRoom - 22),
                Qt::AlignCenter | Qt::TextWordWrap, className(data, t));
            for (int c = 0; c < n; ++c) {
                const std::int64_t count = data.counts[t][c];
                const double fraction = rowSum > 0 ? static_cast<double>(count) / rowSum : 0.0;
                const QRect r(g.left() + c * cell, g.top() + t * cell, cell, cell);
                p.fillRect(r, cellColor(fraction));
                p.setPen(QPen(QColor(200, 200, 200), 1));
                p.drawRect(r);
                p.setPen(fraction > 0.5 ? Qt::white : Qt::black);
                const QString text
                    = normalized ? QString::number(100 * fraction, 'f', 1) + " %" : QString::number(count);
                QFont f = font();
                f.setPointSizeF(std::clamp(cell / 6.0, 7.0, 13.0));
                if (t == c)
                    f.setBold(true);
                p.setFont(f);
                p.drawText(r, Qt::AlignCenter, text);
                p.setFont(font());
            }
        }
    }

    void mousePressEvent(QMouseEvent* event) override
    {
        const ConfusionData& data = m_owner->m_data;
        const QRect g = gridRect();
        if (data.empty() || !g.contains(event->pos()))
            return;
        const int cell = g.width() / static_cast<int>(data.counts.size());
        emit m_owner->cellActivated(
            (event->pos().y() - g.top()) / cell, (event->pos().x() - g.left()) / cell);
    }

private:
    ConfusionMatrixView* m_owner;
};

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent)
    : QWidget(parent)
    , m_grid(new Grid(this))
    , m_normalizedBox(new QCheckBox(tr("Fractions of each true class"), this))
    , m_caption(new QLabel(this))
{
    setObjectName("confusionMatrixView");
    m_normalizedBox->setObjectName("normalizedBox");
    m_normalizedBox->setToolTip(
        tr("Show each row as percentages: how the samples of one true class were classified"));
    m_caption->setObjectName("confusionCaption");
    m_caption->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_normalizedBox);
    bar->addStretch(1);
    ChartExport::addButtons(bar, m_grid, "confusion_matrix", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_caption);
    layout->addWidget(m_grid, 1);
    connect(m_normalizedBox, &QCheckBox::toggled, m_grid, qOverload<>(&QWidget::update));
    clear();
}

void ConfusionMatrixView::setData(const ConfusionData& data, const QString& runName)
{
    m_data = data;
    std::int64_t right = 0;
    for (std::size_t i = 0; i < data.counts.size(); ++i)
        right += data.counts[i][i];
    const std::int64_t total = data.total();
    if (data.empty())
        m_caption->setText(tr("No classifier results yet: train a model on a classification dataset."));
    else
        m_caption->setText((runName.isEmpty() ? QString() : runName + ": ")
            + tr("%1 samples of the %2 part; %3 % classified correctly (the diagonal). Click a cell to see "
                 "its "
                 "samples.")
                  .arg(total)
                  .arg(data.part)
                  .arg(total > 0 ? 100.0 * right / total : 0.0, 0, 'f', 1));
    m_grid->update();
}

void ConfusionMatrixView::clear()
{
    setData({});
}

void ConfusionMatrixView::setNormalized(bool on)
{
    m_normalizedBox->setChecked(on);
}

bool ConfusionMatrixView::normalized() const
{
    return m_normalizedBox->isChecked();
}

QString ConfusionMatrixView::toCsv() const
{
    const int n = static_cast<int>(m_data.counts.size());
    QString csv = "true \\ predicted";
    for (int c = 0; c < n; ++c)
        csv += "," + ChartExport::csvField(className(m_data, c));
    csv += "\n";
    for (int t = 0; t < n; ++t) {
        csv += ChartExport::csvField(className(m_data, t));
        for (std::int64_t count : m_data.counts[t])
            csv += "," + QString::number(count);
        csv += "\n";
    }
    return csv;
}

bool ConfusionMatrixView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_grid, path, error);
}

} // namespace neurino
