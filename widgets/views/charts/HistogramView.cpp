#include "widgets/views/charts/HistogramView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

constexpr int kMargin = 8;
constexpr int kRowHeight = 150; // one tensor's pair of histograms
constexpr int kTitleHeight = 34; // two lines above each histogram
constexpr int kAxisHeight = 20; // tick labels below
constexpr int kLeftRoom = 44; // the largest count, left of the bars

QString number(double v)
{
    return std::abs(v) < 1e-15 ? QStringLiteral("0") : QString::number(v, 'g', 3);
}

} // namespace

class HistogramView::Canvas : public QWidget {
public:
    explicit Canvas(HistogramView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    int contentHeight() const { return 2 * kMargin + static_cast<int>(m_owner->shown().size()) * kRowHeight; }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        const auto tensors = m_owner->shown();
        if (tensors.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap,
                tr("Histograms of every layer's weights and gradients appear here while a model trains, "
                   "after its first epoch."));
            return;
        }
        const int half = (width() - 2 * kMargin) / 2;
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            const ParameterHistogram& h = *tensors[i];
            const int top = kMargin + static_cast<int>(i) * kRowHeight;
            const QString name = QString::fromStdString(h.node + "/" + h.param);
            drawHistogram(p, QRect(kMargin, top, half - 12, kRowHeight - 10),
                tr("%1 — %2 weights").arg(name, QString::fromStdString(formatCount(h.count))),
                tr("mean %1, std %2").arg(number(h.mean), number(h.stdDev)), h.low, h.high, h.counts,
                QColor(31, 119, 180));
            if (h.hasGradient)
                drawHistogram(p, QRect(kMargin + half + 12, top, half - 12, kRowHeight - 10),
                    tr("%1 — gradient").arg(name), tr("norm %1 (last batch)").arg(number(h.gradientNorm)),
                    h.gradientLow, h.gradientHigh, h.gradientCounts, QColor(255, 127, 14));
            else
                drawHistogram(p, QRect(kMargin + half + 12, top, half - 12, kRowHeight - 10),
                    tr("%1 — gradient").arg(name), tr("none yet"), 0, 1, {}, QColor(255, 127, 14));
        }
    }

private:
    void drawHistogram(QPainter& p, const QRect& box, const QString& title, const QString& subtitle,
        double low, double high, const std::vector<double>& counts, const QColor& color) const
    {
        const QColor text = palette().color(QPalette::Text);
        p.setPen(text);
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(QRect(box.left(), box.top(), box.width(), 17), Qt::AlignLeft | Qt::AlignVCenter,
            p.fontMetrics().elidedText(title, Qt::ElideMiddle, box.width()));
        p.setFont(font());
        p.drawText(
            QRect(box.left(), box.top() + 16, box.width(), 17), Qt::AlignLeft | Qt::AlignVCenter, subtitle);
        const QRect plot(box.left() + kLeftRoom, box.top() + kTitleHeight, box.width() - kLeftRoom - 8,
            box.height() - kTitleHeight - kAxisHeight);
        p.setPen(palette().color(QPalette::Mid));
        p.setBrush(Qt::NoBrush);
        p.drawRect(plot);
        if (counts.empty())
            return;
        const double peak = std::max(1.0, *std::max_element(counts.begin(), counts.end()));
        const double binWidth = static_cast<double>(plot.width()) / counts.size();
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        for (std::size_t b = 0; b < counts.size(); ++b) {
            const double height = counts[b] / peak * (plot.height() - 2);
            p.drawRect(QRectF(
                plot.left() + b * binWidth, plot.bottom() - height, std::max(1.0, binWidth - 1), height));
        }
        p.setPen(text);
        p.drawText(QRect(box.left(), plot.top() - 2, kLeftRoom - 4, 16), Qt::AlignRight | Qt::AlignTop,
            QString::number(peak, 'g', 4));
        p.drawText(QRect(box.left(), plot.bottom() - 14, kLeftRoom - 4, 16), Qt::AlignRight | Qt::AlignBottom,
            QStringLiteral("0"));
        const auto tick = [&](double value, Qt::Alignment align) {
            const double x = plot.left() + (value - low) / (high - low) * plot.width();
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
            QRect label(static_cast<int>(x) - 50, plot.bottom() + 4, 100, 16);
            if (align & Qt::AlignLeft)
                label.moveLeft(static_cast<int>(x));
            if (align & Qt::AlignRight)
                label.moveRight(static_cast<int>(x));
            p.drawText(label, align | Qt::AlignTop, number(value));
        };
        tick(low, Qt::AlignLeft);
        tick(high, Qt::AlignRight);
        if (low < 0 && high > 0 && -low > 0.15 * (high - low) && high > 0.15 * (high - low)) {
            tick(0, Qt::AlignHCenter);
            p.setPen(QPen(text, 1, Qt::DashLine));
            const double x = plot.left() + (0 - low) / (high - low) * plot.width();
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        }
    }

    HistogramView* m_owner;
};

HistogramView::HistogramView(QWidget* parent)
    : QWidget(parent)
    , m_layer(new QComboBox(this))
    , m_caption(new QLabel(this))
    , m_scroll(new QScrollArea(this))
    , m_canvas(new Canvas(this))
{
    setObjectName("histogramView");
    m_layer->setObjectName("histogramLayer");
    m_layer->setToolTip(tr("Show every layer's tensors, or one layer's"));
    m_caption->setObjectName("histogramCaption");
    m_caption->setWordWrap(true);
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:"), this));
    bar->addWidget(m_layer);
    bar->addStretch(1);
    ChartExport::addButtons(bar, m_canvas, "histograms", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_caption);
    layout->addWidget(m_scroll, 1);
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] { relayout(); });
    clear();
}

QWidget* HistogramView::plot() const
{
    return m_canvas;
}

void HistogramView::setData(const HistogramsData& data, const QString& runName)
{
    const QString chosen = layer();
    m_data = data;
    {
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        m_layer->addItem(tr("every layer"), QString());
        std::vector<std::string> nodes;
        for (const ParameterHistogram& h : m_data.parameters) {
            if (std::find(nodes.begin(), nodes.end(), h.node) == nodes.end()) {
                nodes.push_back(h.node);
                m_layer->addItem(QString::fromStdString(h.node), QString::fromStdString(h.node));
            }
        }
        m_layer->setCurrentIndex(std::max(0, m_layer->findData(chosen)));
    }
    if (data.empty()) {
        m_caption->setText(tr("No histograms yet: train a model."));
    } else {
        std::int64_t total = 0;
        for (const ParameterHistogram& h : data.parameters)
            total += h.count;
        m_caption->setText((runName.isEmpty() ? QString() : runName + ", ")
            + tr(
                "after epoch %1: the %2 weights of %3 tensors (left) and their gradients in the epoch's last "
                "batch (right). Vanishing gradients shrink towards the input; exploding ones grow.")
                  .arg(data.epoch)
                  .arg(QString::fromStdString(formatCount(total)))
                  .arg(data.parameters.size()));
    }
    relayout();
}

void HistogramView::clear()
{
    setData({});
}

void HistogramView::setLayer(const QString& node)
{
    m_layer->setCurrentIndex(std::max(0, m_layer->findData(node)));
}

QString HistogramView::layer() const
{
    return m_layer->currentData().toString();
}

std::vector<const ParameterHistogram*> HistogramView::shown() const
{
    const std::string node = layer().toStdString();
    std::vector<const ParameterHistogram*> result;
    for (const ParameterHistogram& h : m_data.parameters) {
        if (node.empty() || h.node == node)
            result.push_back(&h);
    }
    return result;
}

void HistogramView::relayout()
{
    m_canvas->setMinimumHeight(m_data.empty() ? 0 : m_canvas->contentHeight());
    m_canvas->update();
}

void HistogramView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

QString HistogramView::toCsv() const
{
    QString csv = "node,param,kind,bin_low,bin_high,count\n";
    const auto rows = [&csv](const ParameterHistogram& h, const char* kind, double low, double high,
                          const std::vector<double>& counts) {
        const double width = counts.empty() ? 0 : (high - low) / counts.size();
        for (std::size_t b = 0; b < counts.size(); ++b)
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                       .arg(ChartExport::csvField(QString::fromStdString(h.node)),
                           ChartExport::csvField(QString::fromStdString(h.param)), kind)
                       .arg(low + b * width, 0, 'g', 6)
                       .arg(low + (b + 1) * width, 0, 'g', 6)
                       .arg(counts[b], 0, 'g', 10);
    };
    for (const ParameterHistogram& h : m_data.parameters) {
        rows(h, "weight", h.low, h.high, h.counts);
        if (h.hasGradient)
            rows(h, "gradient", h.gradientLow, h.gradientHigh, h.gradientCounts);
    }
    return csv;
}

bool HistogramView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_canvas, path, error);
}

} // namespace neurino
