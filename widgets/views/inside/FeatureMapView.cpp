#include "widgets/views/inside/FeatureMapView.h"

#include "widgets/session/TrainedModel.h"
#include "widgets/views/charts/ChartExport.h"
#include "widgets/views/charts/ColorScale.h"

#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

constexpr int kMargin = 10;
constexpr int kTitleHeight = 20;
constexpr int kBarRoom = 110; // each layer's colour bar, right of its pictures
constexpr int kSectionGap = 14;
constexpr int kStripHeight = 18; // a dense layer's heat strip
constexpr int kBarRowHeight = 18; // one class of the output layer's bars
// An output layer with at most this many units is drawn as labelled bars.
constexpr int kMaxBarUnits = 16;

struct Range {
    float low = 0, high = 0;
    bool isSigned() const { return low < 0; }
};

Range rangeOf(const std::vector<float>& values)
{
    Range r;
    if (values.empty())
        return r;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    r.low = std::min(0.0f, *lo);
    r.high = std::max(*hi, r.low + 1e-6f);
    return r;
}

bool isMap(const LayerActivation& a)
{
    return a.shape.size() == 3;
}

// Tile side in pixels for a channel of `h` x `w`: the input large, other maps smaller.
int tileSide(const LayerActivation& a, bool input)
{
    const int h = static_cast<int>(a.shape[1]);
    return input ? std::clamp(h * 4, 64, 160) : std::clamp(h * 2, 28, 64);
}

} // namespace

class FeatureMapView::Canvas : public QWidget {
public:
    explicit Canvas(FeatureMapView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    // Pixels the picture needs at width `w` (paint() at `draw` false only measures).
    int contentHeight(int w)
    {
        QImage dummy(1, 1, QImage::Format_RGB32);
        QPainter p(&dummy);
        return paint(p, w, false);
    }

protected:
    // The scroll area gives the width; the height follows from it.
    void resizeEvent(QResizeEvent* event) override
    {
        QWidget::resizeEvent(event);
        if (!m_owner->m_data.empty() && event->size().width() != event->oldSize().width())
            setMinimumHeight(contentHeight(width()));
    }

    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        if (m_owner->m_data.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap,
                tr("The feature maps appear here after training: what every layer makes of one chosen "
                   "input sample."));
            return;
        }
        paint(p, width(), true);
    }

private:
    int paint(QPainter& p, int width, bool draw)
    {
        const FeatureMapData& data = m_owner->m_data;
        const QColor text = palette().color(QPalette::Text);
        p.setPen(text);
        int y = kMargin;
        const int usable = std::max(100, width - 2 * kMargin - kBarRoom);
        for (std::size_t i = 0; i < data.layers.size(); ++i) {
            const LayerActivation& a = data.layers[i];
            const bool input = i == 0;
            const bool last = i + 1 == data.layers.size();
            const Range range = rangeOf(a.values);
            QStringList dims;
            for (std::int64_t s : a.shape)
                dims << QString::number(s);
            if (draw) {
                QFont bold = font();
                bold.setBold(true);
                p.setFont(bold);
                p.drawText(QRect(kMargin, y, width - 2 * kMargin, kTitleHeight),
                    Qt::AlignLeft | Qt::AlignVCenter,
                    QStringLiteral("%1  ·  %2  ·  %3")
                        .arg(QString::fromStdString(a.node), QString::fromStdString(a.kind),
                            dims.join(QChar(0x00d7))));
                p.setFont(font());
            }
            y += kTitleHeight + 4;
            const int top = y;
            int right = kMargin + usable; // where the layer's pictures end
            if (isMap(a) && a.shape[1] > 1 && a.shape[2] > 1)
                y = drawMaps(p, a, range, input, y, usable, draw, right);
            else if (last && a.values.size() <= static_cast<std::size_t>(kMaxBarUnits))
                y = drawBars(p, a, data, y, usable, draw);
            else
                y = drawStrip(p, a, range, y, usable, draw, right);
            if (draw && !(last && a.values.size() <= static_cast<std::size_t>(kMaxBarUnits))) {
                const int barHeight = std::max(50, y - top - 4);
                ColorScale::drawBar(p, QRect(right + 20, top + 2, 12, barHeight), range.low, range.high,
                    range.isSigned(), QString(), text);
            }
            y += kSectionGap;
        }
        return y;
    }

    int drawMaps(QPainter& p, const LayerActivation& a, const Range& range, bool input, int y, int usable,
        bool draw, int& right)
    {
        const int channels = static_cast<int>(a.shape[0]);
        const int h = static_cast<int>(a.shape[1]), w = static_cast<int>(a.shape[2]);
        const int side = tileSide(a, input);
        const int cell = side + 3;
        const int columns = std::max(1, std::min(channels, usable / cell));
        const int rows = (channels + columns - 1) / columns;
        if (draw) {
            for (int c = 0; c < channels; ++c) {
                QImage image(w, h, QImage::Format_RGB32);
                const float* v = a.values.data() + static_cast<std::size_t>(c) * h * w;
                for (int r = 0; r < h; ++r) {
                    auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
                    for (int x = 0; x < w; ++x)
                        line[x] = ColorScale::colorOf(v[r * w + x], range.low, range.high, range.isSigned())
                                      .rgb();
                }
                const QRect target(kMargin + (c % columns) * cell, y + (c / columns) * cell, side,
                    std::max(1, side * h / std::max(1, w)));
                p.drawImage(target, image);
            }
        }
        right = kMargin + columns * cell;
        return y + rows * cell;
    }

    int drawStrip(
        QPainter& p, const LayerActivation& a, const Range& range, int y, int usable, bool draw, int& right)
    {
        const int n = static_cast<int>(a.values.size());
        const int cellWidth = std::clamp(usable / std::max(1, n), 3, 24);
        const int perRow = std::max(1, usable / cellWidth);
        const int rows = (n + perRow - 1) / perRow;
        if (draw) {
            for (int i = 0; i < n; ++i)
                p.fillRect(QRect(kMargin + (i % perRow) * cellWidth, y + (i / perRow) * (kStripHeight + 2),
                               cellWidth, kStripHeight),
                    ColorScale::colorOf(a.values[i], range.low, range.high, range.isSigned()));
            p.setPen(palette().color(QPalette::Mid));
            p.setBrush(Qt::NoBrush);
            for (int r = 0; r < rows; ++r) {
                const int count = std::min(perRow, n - r * perRow);
                p.drawRect(QRect(kMargin, y + r * (kStripHeight + 2), count * cellWidth, kStripHeight));
            }
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRect(kMargin, y + rows * (kStripHeight + 2), 400, 16),
                Qt::AlignLeft | Qt::AlignVCenter, tr("%1 values, one cell each").arg(n));
        }
        right = kMargin + std::min(n, perRow) * cellWidth;
        return y + rows * (kStripHeight + 2) + 16;
    }

    int drawBars(
        QPainter& p, const LayerActivation& a, const FeatureMapData& data, int y, int usable, bool draw)
    {
        const int n = static_cast<int>(a.values.size());
        const int labelWidth = 120;
        const int barRoom = std::min(300, usable - labelWidth - 60);
        const float high = std::max(1.0f, *std::max_element(a.values.begin(), a.values.end()));
        for (int i = 0; i < n && draw; ++i) {
            const int rowY = y + i * kBarRowHeight;
            QString name = n == 1 ? tr("p(class 1)") : tr("class %1").arg(i);
            if (n > 1 && i < static_cast<int>(data.classNames.size()))
                name = QString::fromStdString(data.classNames[i]);
            p.drawText(
                QRect(kMargin, rowY, labelWidth - 6, kBarRowHeight), Qt::AlignRight | Qt::AlignVCenter, name);
            const int length = static_cast<int>(std::lround(std::max(0.0f, a.values[i]) / high * barRoom));
            const bool chosen = i == data.predicted && n > 1;
            p.fillRect(QRect(kMargin + labelWidth, rowY + 3, std::max(1, length), kBarRowHeight - 6),
                chosen ? QColor(214, 39, 40) : QColor(31, 119, 180));
            p.drawText(QRect(kMargin + labelWidth + length + 6, rowY, 80, kBarRowHeight),
                Qt::AlignLeft | Qt::AlignVCenter, QString::number(a.values[i], 'f', 3));
        }
        return y + n * kBarRowHeight;
    }

    FeatureMapView* m_owner;
};

FeatureMapView::FeatureMapView(QWidget* parent)
    : QWidget(parent)
    , m_sample(new QSpinBox(this))
    , m_count(new QLabel(this))
    , m_caption(new QLabel(this))
    , m_scroll(new QScrollArea(this))
    , m_canvas(new Canvas(this))
{
    setObjectName("featureMapView");
    m_sample->setObjectName("featureMapSample");
    m_sample->setToolTip(tr("Which held-out sample goes through the network"));
    m_caption->setObjectName("featureMapCaption");
    m_caption->setWordWrap(true);
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Sample:"), this));
    bar->addWidget(m_sample);
    bar->addWidget(m_count);
    bar->addStretch(1);
    ChartExport::addButtons(bar, m_canvas, "feature_maps", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_caption);
    layout->addWidget(m_scroll, 1);
    connect(m_sample, &QSpinBox::valueChanged, this, &FeatureMapView::showSample);
    clear();
}

QWidget* FeatureMapView::plot() const
{
    return m_canvas;
}

void FeatureMapView::setModel(std::shared_ptr<const TrainedModel> model, const QString& runName)
{
    m_model = std::move(model);
    m_runName = runName;
    const QSignalBlocker block(m_sample);
    m_sample->setRange(0, std::max(0, sampleCount() - 1));
    m_sample->setValue(0);
    m_sample->setEnabled(sampleCount() > 0);
    m_count->setText(
        m_model ? tr("of %1 (%2 part)").arg(sampleCount()).arg(m_model->samplePart()) : QString());
    if (sampleCount() > 0)
        showSample(0);
    else
        setData({}, runName);
}

void FeatureMapView::showSample(int index)
{
    if (!m_model || index < 0 || index >= sampleCount())
        return;
    if (m_sample->value() != index) {
        const QSignalBlocker block(m_sample);
        m_sample->setValue(index);
    }
    setData(m_model->featureMaps(index), m_runName);
}

void FeatureMapView::setData(const FeatureMapData& data, const QString& runName)
{
    m_data = data;
    m_runName = runName;
    updateCaption();
    m_canvas->setMinimumHeight(m_data.empty() ? 0 : m_canvas->contentHeight(m_scroll->viewport()->width()));
    m_canvas->update();
}

void FeatureMapView::clear()
{
    m_model.reset();
    m_count->clear();
    m_sample->setEnabled(false);
    setData({});
}

int FeatureMapView::sampleCount() const
{
    return m_model ? m_model->sampleCount() : 0;
}

int FeatureMapView::tileCount(const std::string& node) const
{
    for (const LayerActivation& a : m_data.layers) {
        if (a.node == node)
            return isMap(a) && a.shape[1] > 1 && a.shape[2] > 1 ? static_cast<int>(a.shape[0]) : 0;
    }
    return 0;
}

void FeatureMapView::updateCaption()
{
    if (m_data.empty()) {
        m_caption->setText(tr("No feature maps yet: train a model; then choose a sample."));
        return;
    }
    const auto name = [&](int c) {
        return c >= 0 && c < static_cast<int>(m_data.classNames.size())
            ? QString::fromStdString(m_data.classNames[c])
            : QString::number(c);
    };
    QString text = (m_runName.isEmpty() ? QString() : m_runName + ": ")
        + tr("sample %1 (row %2 of the data)").arg(m_data.sample).arg(m_data.row);
    if (m_data.truth >= 0)
        text += tr(", true class %1, predicted %2 (p = %3)")
                    .arg(name(m_data.truth), name(m_data.predicted))
                    .arg(m_data.probability, 0, 'f', 2);
    text += tr(". Each layer has its own colour scale; bright cells are where a filter responds.");
    m_caption->setText(text);
}

QString FeatureMapView::toCsv() const
{
    QString csv = "layer,channel,position,value\n";
    for (const LayerActivation& a : m_data.layers) {
        const std::size_t perChannel = a.shape.size() >= 2
            ? a.values.size() / static_cast<std::size_t>(std::max<std::int64_t>(1, a.shape[0]))
            : 1;
        const QString node = ChartExport::csvField(QString::fromStdString(a.node));
        for (std::size_t i = 0; i < a.values.size(); ++i)
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(node)
                       .arg(a.shape.size() >= 2 ? i / perChannel : 0)
                       .arg(a.shape.size() >= 2 ? i % perChannel : i)
                       .arg(a.values[i], 0, 'g', 6);
    }
    return csv;
}

bool FeatureMapView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_canvas, path, error);
}

} // namespace neurino
