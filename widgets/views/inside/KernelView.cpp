#include "widgets/views/inside/KernelView.h"

#include "widgets/views/charts/ChartExport.h"
#include "widgets/views/charts/ColorScale.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

constexpr int kLeftRoom = 64; // output-channel labels and the axis title
constexpr int kTopRoom = 40; // input-channel labels and the axis title
constexpr int kBarRoom = 150; // the colour bar and its labels
constexpr int kGap = 2; // pixels between tiles
constexpr int kNumberRoom = 16; // a filter's number above its tile
constexpr int kMinCell = 8; // the smallest tile (with its gap) before the grid scrolls

// Label every `step`-th row or column so that labels do not overlap.
int labelStep(int count, int cell, int needed)
{
    int step = 1;
    while (step * cell < needed && step < count)
        step *= 2;
    return step;
}

} // namespace

class KernelView::Plot : public QWidget {
public:
    explicit Plot(KernelView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setMinimumSize(420, 300);
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    // The grid's rows and columns for the layer and mode shown.
    void layout(const KernelSet& k, int& rows, int& columns) const
    {
        if (!m_owner->averaged() && k.inChannels > 1) {
            rows = k.outChannels;
            columns = k.inChannels;
            return;
        }
        // One tile per filter, in a grid about as wide as the plot allows.
        const double aspect = std::max(
            1.0, static_cast<double>(width() - kLeftRoom - kBarRoom) / std::max(1, height() - kTopRoom - 10));
        columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(k.outChannels * aspect))));
        columns = std::min(columns, k.outChannels);
        rows = (k.outChannels + columns - 1) / columns;
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        const KernelSet* k = m_owner->current();
        if (!k) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap,
                tr("The kernels of the convolution layers appear here while a network with Conv1D, Conv2D "
                   "or ConvTranspose2D layers trains, after its first epoch."));
            return;
        }
        const Tiling t = tiling(*k);
        const float scale = std::max(k->maxAbs(), 1e-12f);
        drawTiles(p, *k, t, scale);
        const QRect grid(kLeftRoom, kTopRoom, t.columns * t.cell - t.gap,
            t.full ? t.rows * t.cell - t.gap : t.rows * t.pitch);
        p.setPen(palette().color(QPalette::Text));
        if (t.full)
            drawChannelLabels(p, t, grid);
        else
            drawFilterLabels(p, *k, t, grid);
        const int barHeight = std::clamp(grid.height(), 120, 260);
        ColorScale::drawBar(p, QRect(grid.right() + 30, kTopRoom + 30, 16, barHeight), -scale, scale, true,
            tr("weight"), palette().color(QPalette::Text));
    }

private:
    // Where the tiles go: every (output, input) channel pair, or one averaged tile per filter.
    struct Tiling {
        bool full = false;
        bool numbered = false; // each filter's number above its tile
        int rows = 0, columns = 0;
        int cell = 0; // a tile with its gap
        int pitch = 0; // from one row of tiles to the next
        int gap = 0;
        int tile = 0;
        int firstRow = 0;
    };

    Tiling tiling(const KernelSet& k) const
    {
        Tiling t;
        t.full = !m_owner->averaged() && k.inChannels > 1;
        layout(k, t.rows, t.columns);
        const int across = (width() - kLeftRoom - kBarRoom) / t.columns;
        const int down = height() - kTopRoom - 10;
        t.numbered = !t.full && std::min(across, down / t.rows - kNumberRoom) >= 22;
        t.cell = std::max(3, std::min(across, down / t.rows - (t.numbered ? kNumberRoom : 0)));
        t.pitch = t.cell + (t.numbered ? kNumberRoom : 0);
        t.gap = t.cell >= 20 ? 2 * kGap : (t.cell >= 8 ? kGap : (t.cell >= 5 ? 1 : 0));
        t.tile = t.cell - t.gap;
        t.firstRow = kTopRoom + (t.numbered ? kNumberRoom : 0);
        return t;
    }

    void drawTiles(QPainter& p, const KernelSet& k, const Tiling& t, float scale) const
    {
        const std::vector<float> averagedValues = t.full ? std::vector<float>() : k.averagedOverInputs();
        for (int i = 0; i < (t.full ? t.rows * t.columns : k.outChannels); ++i) {
            const int r = i / t.columns, c = i % t.columns;
            QImage image(k.width, k.height, QImage::Format_RGB32);
            for (int y = 0; y < k.height; ++y) {
                for (int x = 0; x < k.width; ++x) {
                    const float v = t.full
                        ? k.at(r, c, y, x)
                        : averagedValues[static_cast<std::size_t>(i) * k.tileSize() + y * k.width + x];
                    image.setPixel(x, y, ColorScale::diverging(v / scale).rgb());
                }
            }
            const int top = t.full ? kTopRoom + r * t.cell : t.firstRow + r * t.pitch;
            p.drawImage(QRect(kLeftRoom + c * t.cell, top, t.tile, t.tile), image);
        }
    }

    QFont smallFont() const
    {
        QFont small = font();
        small.setPointSizeF(std::max(6.0, font().pointSizeF() - 1));
        return small;
    }

    // Input channels across the top, output channels (filters) down the left side.
    void drawChannelLabels(QPainter& p, const Tiling& t, const QRect& grid) const
    {
        p.setFont(smallFont());
        const int rowStep = labelStep(t.rows, t.cell, 14);
        for (int r = 0; r < t.rows; r += rowStep)
            p.drawText(QRect(0, kTopRoom + r * t.cell - 8 + t.tile / 2, kLeftRoom - 6, 16),
                Qt::AlignRight | Qt::AlignVCenter, QString::number(r));
        const int columnStep = labelStep(t.columns, t.cell, 22);
        for (int c = 0; c < t.columns; c += columnStep)
            p.drawText(QRect(kLeftRoom + c * t.cell + t.tile / 2 - 15, kTopRoom - 18, 30, 16),
                Qt::AlignCenter, QString::number(c));
        p.setFont(font());
        p.drawText(QRect(kLeftRoom, 0, std::max(grid.width(), 200), 18), Qt::AlignLeft | Qt::AlignVCenter,
            tr("input channel →"));
        p.save();
        p.translate(12, kTopRoom + grid.height() / 2);
        p.rotate(-90);
        p.drawText(QRect(-150, -8, 300, 18), Qt::AlignCenter, tr("← output channel (filter)"));
        p.restore();
    }

    void drawFilterLabels(QPainter& p, const KernelSet& k, const Tiling& t, const QRect& grid) const
    {
        p.setFont(font());
        p.drawText(QRect(kLeftRoom, 4, std::max(grid.width(), 400), 18), Qt::AlignLeft | Qt::AlignVCenter,
            k.inChannels > 1 ? tr("one tile per filter, its %1 input channels averaged").arg(k.inChannels)
                             : tr("one tile per filter (left to right, top to bottom)"));
        if (!t.numbered)
            return;
        p.setFont(smallFont());
        for (int i = 0; i < k.outChannels; ++i) {
            const int top = t.firstRow + (i / t.columns) * t.pitch - kNumberRoom;
            p.drawText(QRect(kLeftRoom + (i % t.columns) * t.cell, top, t.tile, kNumberRoom),
                Qt::AlignLeft | Qt::AlignVCenter, tr("filter %1").arg(i));
        }
        p.setFont(font());
    }

    KernelView* m_owner;
};

KernelView::KernelView(QWidget* parent)
    : QWidget(parent)
    , m_layer(new QComboBox(this))
    , m_mode(new QComboBox(this))
    , m_caption(new QLabel(this))
    , m_plot(new Plot(this))
{
    setObjectName("kernelView");
    m_layer->setObjectName("kernelLayer");
    m_layer->setToolTip(tr("The convolution layer whose kernels are shown"));
    m_mode->setObjectName("kernelMode");
    m_mode->addItem(tr("Every input channel"));
    m_mode->addItem(tr("Input channels averaged"));
    m_mode->setToolTip(tr("One tile per filter and input channel, or one per filter with its input channels "
                          "averaged"));
    m_caption->setObjectName("kernelCaption");
    m_caption->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:"), this));
    bar->addWidget(m_layer);
    bar->addWidget(m_mode);
    bar->addStretch(1);
    ChartExport::addButtons(bar, m_plot, "kernels", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_caption);
    // Deep layers have thousands of kernels: below a readable tile size the grid scrolls.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_plot);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] {
        m_chosen = currentLayer();
        updateCaption();
        updatePlot();
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        updateCaption();
        updatePlot();
    });
    clear();
}

QWidget* KernelView::plot() const
{
    return m_plot;
}

void KernelView::setData(const KernelsData& data, const QString& runName)
{
    // The layer the user chose last, kept across runs (each new run starts with an empty view).
    const QString chosen = m_layer->count() > 0 ? currentLayer() : m_chosen;
    m_data = data;
    m_runName = runName;
    {
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        for (const KernelSet& k : m_data.layers)
            m_layer->addItem(tr("%1 (%2 filters × %3 input channels, %4×%5)")
                                 .arg(QString::fromStdString(k.node))
                                 .arg(k.outChannels)
                                 .arg(k.inChannels)
                                 .arg(k.height)
                                 .arg(k.width),
                QString::fromStdString(k.node));
        const int index = m_layer->findData(chosen);
        m_layer->setCurrentIndex(index >= 0 ? index : (m_layer->count() > 0 ? 0 : -1));
    }
    m_layer->setEnabled(m_layer->count() > 0);
    updateCaption();
    updatePlot();
}

void KernelView::updatePlot()
{
    const KernelSet* k = current();
    const bool full = k && !averaged() && k->inChannels > 1;
    m_plot->setMinimumHeight(full ? kTopRoom + k->outChannels * kMinCell + 10 : 300);
    m_plot->update();
}

void KernelView::clear()
{
    setData({});
}

QString KernelView::currentLayer() const
{
    return m_layer->currentData().toString();
}

void KernelView::setCurrentLayer(const QString& node)
{
    const int index = m_layer->findData(node);
    if (index >= 0)
        m_layer->setCurrentIndex(index);
}

void KernelView::setAveraged(bool averaged)
{
    m_mode->setCurrentIndex(averaged ? 1 : 0);
}

bool KernelView::averaged() const
{
    return m_mode->currentIndex() == 1;
}

const KernelSet* KernelView::current() const
{
    const int index = m_layer->currentIndex();
    if (index < 0 || index >= static_cast<int>(m_data.layers.size()))
        return nullptr;
    return &m_data.layers[static_cast<std::size_t>(index)];
}

int KernelView::tileCount() const
{
    const KernelSet* k = current();
    if (!k)
        return 0;
    return averaged() || k->inChannels == 1 ? k->outChannels : k->outChannels * k->inChannels;
}

void KernelView::updateCaption()
{
    const KernelSet* k = current();
    if (!k) {
        m_caption->setText(tr("No kernels yet: train a network with a convolution layer."));
        return;
    }
    m_caption->setText((m_runName.isEmpty() ? QString() : m_runName + ", ")
        + tr("after epoch %1: each tile is one %2×%3 kernel of %4; blue weights are negative, red positive, "
             "white near zero (largest |weight| %5). Edge and blob detectors show as stripes and spots.")
              .arg(m_data.epoch)
              .arg(k->height)
              .arg(k->width)
              .arg(QString::fromStdString(k->node))
              .arg(k->maxAbs(), 0, 'g', 3));
}

QString KernelView::toCsv() const
{
    QString csv = "layer,output_channel,input_channel,row,column,weight\n";
    const KernelSet* k = current();
    if (!k)
        return csv;
    const QString node = ChartExport::csvField(QString::fromStdString(k->node));
    for (int o = 0; o < k->outChannels; ++o) {
        for (int i = 0; i < k->inChannels; ++i) {
            for (int r = 0; r < k->height; ++r) {
                for (int c = 0; c < k->width; ++c)
                    csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                               .arg(node)
                               .arg(o)
                               .arg(i)
                               .arg(r)
                               .arg(c)
                               .arg(k->at(o, i, r, c), 0, 'g', 6);
            }
        }
    }
    return csv;
}

bool KernelView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_plot, path, error);
}

} // namespace neurino
