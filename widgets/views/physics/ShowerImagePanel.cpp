#include "widgets/views/physics/ShowerImagePanel.h"

#include "widgets/views/charts/ColorScale.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace neurino {

namespace {

constexpr int kMargin = 6;
constexpr int kTitleHeight = 20;
constexpr int kNoteHeight = 18;
constexpr int kImageGap = 2; // between the images of a group
constexpr int kGroupGap = 22; // between groups
constexpr int kBarGap = 16; // between the last group and the colour bar
constexpr int kBarWidth = 14;
constexpr int kBarRoom = 96; // the bar, its tick labels and its title above
// The colour scale spans at most this many decades below the largest value.
constexpr double kMaxDecades = 7;

// "10⁻³": a power of ten as physicists write it.
QString powerOfTen(int exponent)
{
    static const QString kDigits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
    QString text = "10";
    if (exponent < 0)
        text += "⁻";
    for (QChar c : QString::number(std::abs(exponent)))
        text += kDigits[c.digitValue()];
    return text;
}

int gridColumns(const ShowerImagePanel::Group& g)
{
    return std::max(1, std::min(g.columns, static_cast<int>(g.images.size())));
}

int gridRows(const ShowerImagePanel::Group& g)
{
    const int columns = gridColumns(g);
    return (static_cast<int>(g.images.size()) + columns - 1) / columns;
}

} // namespace

ShowerImagePanel::ShowerImagePanel(QWidget* parent)
    : QWidget(parent)
    , m_colorBarTitle(tr("GeV per cell"))
{
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

void ShowerImagePanel::setGroups(std::vector<Group> groups)
{
    m_groups = std::move(groups);
    double high = 0;
    double low = std::numeric_limits<double>::max();
    for (const Group& g : m_groups) {
        for (const ImageData& image : g.images) {
            for (float v : image.values) {
                if (v > 0) {
                    high = std::max(high, static_cast<double>(v));
                    low = std::min(low, static_cast<double>(v));
                }
            }
        }
    }
    m_high = high;
    m_low = high > 0 ? std::max(low, high * std::pow(10.0, -kMaxDecades)) : 0;
    update();
}

void ShowerImagePanel::setPlaceholder(const QString& text)
{
    m_placeholder = text;
    update();
}

void ShowerImagePanel::setNote(const QString& text)
{
    m_note = text;
    update();
}

void ShowerImagePanel::setColorBarTitle(const QString& text)
{
    m_colorBarTitle = text;
    update();
}

int ShowerImagePanel::imageCount() const
{
    int n = 0;
    for (const Group& g : m_groups)
        n += static_cast<int>(g.images.size());
    return n;
}

QImage ShowerImagePanel::render(const ImageData& image) const
{
    QImage out(image.columns, image.rows, QImage::Format_RGB32);
    const double logLow = m_low > 0 ? std::log10(m_low) : 0;
    const double span = m_high > m_low ? std::log10(m_high) - logLow : 1;
    for (int r = 0; r < image.rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(out.scanLine(r));
        for (int c = 0; c < image.columns; ++c) {
            const double v = image.at(r, c);
            line[c] = v > 0 && m_high > 0
                ? ColorScale::sequential((std::log10(std::max(v, m_low)) - logLow) / span).rgb()
                : qRgb(255, 255, 255);
        }
    }
    return out;
}

void ShowerImagePanel::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    if (imageCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const auto shown
        = std::find_if(m_groups.begin(), m_groups.end(), [](const Group& g) { return !g.images.empty(); });
    const ImageData& first = shown->images.front();
    const QSize cells(std::max(1, first.columns), std::max(1, first.rows));
    const double scale = cellScale(cells);
    const double top = kMargin + kTitleHeight;
    double right = kMargin;
    const double bottom = drawGroups(p, QSizeF(cells.width() * scale, cells.height() * scale), right);
    if (!m_note.isEmpty()) {
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRectF(kMargin, bottom + 2, this->width() - 2 * kMargin, kNoteHeight),
            Qt::AlignLeft | Qt::AlignVCenter, m_note);
    }
    const int barTop = static_cast<int>(top);
    const int barHeight = std::max(90, static_cast<int>(bottom - top) - 24);
    drawColorBar(p, QRect(static_cast<int>(right - kGroupGap + kBarGap), barTop, kBarRoom, barHeight));
}

// One cell size for every image: the largest that fits both ways.
double ShowerImagePanel::cellScale(const QSize& cells) const
{
    double fixedWidth = (static_cast<int>(m_groups.size()) - 1) * kGroupGap;
    double cellColumns = 0;
    double scale = std::numeric_limits<double>::max();
    const double height = this->height() - 2 * kMargin - kTitleHeight - (m_note.isEmpty() ? 0 : kNoteHeight);
    for (const Group& g : m_groups) {
        fixedWidth += (gridColumns(g) - 1) * kImageGap;
        cellColumns += gridColumns(g) * cells.width();
        const int rows = gridRows(g);
        if (rows > 0)
            scale = std::min(scale, (height - (rows - 1) * kImageGap) / (rows * cells.height()));
    }
    const double width = this->width() - 2 * kMargin - kBarRoom - kBarGap;
    return std::max(0.5, std::min(scale, (width - fixedWidth) / std::max(1.0, cellColumns)));
}

// Each group's title and its grid of images, left to right from `x`, which ends past the last group;
// returns the bottom of the lowest image.
double ShowerImagePanel::drawGroups(QPainter& p, const QSizeF& imageSize, double& x) const
{
    const double top = kMargin + kTitleHeight;
    double bottom = top;
    QFont bold = font();
    bold.setBold(true);
    for (const Group& g : m_groups) {
        const int columns = gridColumns(g);
        const double groupWidth = columns * imageSize.width() + (columns - 1) * kImageGap;
        p.setFont(bold);
        p.setPen(palette().color(QPalette::Text));
        // Up to the next group; a title longer than that ends in "…" rather than being cut mid-letter.
        const double titleWidth = std::max(groupWidth + kGroupGap - 4, 60.0);
        p.drawText(QRectF(x, kMargin, titleWidth, kTitleHeight - 2), Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetrics(bold).elidedText(g.title, Qt::ElideRight, static_cast<int>(titleWidth)));
        p.setFont(font());
        for (int i = 0; i < static_cast<int>(g.images.size()); ++i) {
            const QPointF corner(x + (i % columns) * (imageSize.width() + kImageGap),
                top + (i / columns) * (imageSize.height() + kImageGap));
            const QRectF cell(corner, imageSize);
            p.drawImage(cell, render(g.images[i]));
            p.setPen(QPen(QColor(160, 160, 160), 0));
            p.drawRect(cell);
            bottom = std::max(bottom, cell.bottom());
        }
        x += groupWidth + kGroupGap;
    }
    return bottom;
}

void ShowerImagePanel::drawColorBar(QPainter& p, const QRect& area) const
{
    const QColor text = palette().color(QPalette::Text);
    // The unit heads the bar, on the groups' title line.
    p.setPen(text);
    p.drawText(QRect(area.left(), kMargin, std::max(area.width(), width() - area.left()), kTitleHeight - 2),
        Qt::AlignLeft | Qt::AlignVCenter, m_colorBarTitle);
    const QRect bar(area.left(), area.top(), kBarWidth, area.height());
    if (m_high <= 0) {
        p.setPen(text);
        p.drawText(QRect(area.left(), area.top(), area.width(), 40), Qt::AlignLeft | Qt::TextWordWrap,
            tr("every cell is empty"));
        return;
    }
    QImage gradient(1, 256, QImage::Format_RGB32);
    for (int i = 0; i < 256; ++i)
        gradient.setPixel(0, i, ColorScale::sequential(1.0 - i / 255.0).rgb());
    p.drawImage(bar, gradient);
    p.setPen(QPen(text, 0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar);

    const double logLow = std::log10(m_low);
    const double logHigh = std::log10(m_high);
    const double span = std::max(logHigh - logLow, 1e-9);
    const int first = static_cast<int>(std::ceil(logLow - 1e-9));
    const int last = static_cast<int>(std::floor(logHigh + 1e-9));
    const int step = last - first >= 8 ? 2 : 1;
    for (int e = first; e <= last; e += step) {
        const double y = bar.bottom() - (e - logLow) / span * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
        const QRectF label(bar.right() + 6, y - 9, 44, 18);
        p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, powerOfTen(e));
    }
    if (last < first) {
        // Less than a decade: label the ends instead.
        p.drawText(QRectF(bar.right() + 6, bar.top() - 9, 60, 18), Qt::AlignLeft | Qt::AlignVCenter,
            QString::number(m_high, 'g', 2));
        p.drawText(QRectF(bar.right() + 6, bar.bottom() - 9, 60, 18), Qt::AlignLeft | Qt::AlignVCenter,
            QString::number(m_low, 'g', 2));
    }
    const QRect empty(bar.left(), bar.bottom() + 8, kBarWidth, 10);
    p.setBrush(Qt::white);
    p.drawRect(empty);
    p.drawText(QRectF(empty.right() + 6, empty.center().y() - 9, 60, 18), Qt::AlignLeft | Qt::AlignVCenter,
        tr("0 (empty)"));
}

} // namespace neurino
