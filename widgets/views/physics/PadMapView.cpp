#include "widgets/views/physics/PadMapView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace neurino {

using exercises::PadMap;

namespace {

// Room for the row numbers left of the plane and the pad numbers under it, and the legend's width.
constexpr double kAxisLeft = 34, kAxisBottom = 20, kLegendWidth = 190, kMargin = 8;
// Pad colours by class: good, noisy, dead, gain-shifted; then a pad without a class.
const QColor kClassColors[] = { QColor("#a5d6a7"), QColor("#ffa000"), QColor("#37474f"), QColor("#1e88e5") };
const QColor kNoClassColor("#eceff1");
const QColor kMarkColor("#e53935");

// Tick spacing that leaves at least `minPixels` between labels.
int tickStep(int count, double cell, double minPixels)
{
    for (int step : { 1, 2, 5, 10, 16, 20, 32, 50, 64, 100, 200, 500 })
        if (step * cell >= minPixels || step >= count)
            return step;
    return 1000;
}

} // namespace

PadMapView::PadMapView(QWidget* parent)
    : QWidget(parent)
    , m_modeBox(new QComboBox(this))
    , m_markBox(new QCheckBox(tr("Mark disagreements (network ≠ eye-scan)"), this))
    , m_summary(new QLabel(this))
    , m_controls(new QWidget(this))
{
    setObjectName("padMapView");
    setMouseTracking(true);
    setMinimumSize(420, 260);
    m_modeBox->setObjectName("padMapMode");
    m_modeBox->addItem(tr("Eye-scan"), int(Mode::EyeScan));
    m_modeBox->addItem(tr("Predicted by the network"), int(Mode::Predicted));
    m_modeBox->addItem(tr("True class"), int(Mode::Truth));
    m_modeBox->setToolTip(tr("Which classification colours the pads"));
    m_markBox->setChecked(true);
    m_summary->setObjectName("padMapSummary");

    auto* row = new QHBoxLayout(m_controls);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Colour by:"), m_controls));
    row->addWidget(m_modeBox);
    row->addSpacing(12);
    row->addWidget(m_markBox);
    row->addSpacing(12);
    row->addWidget(m_summary, 1);
    ChartExport::addButtons(row, this, "pad_map", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(int(kMargin), int(kMargin), int(kMargin), int(kMargin));
    layout->addWidget(m_controls);
    layout->addStretch(1);

    connect(m_modeBox, &QComboBox::currentIndexChanged, this,
        [this](int index) { setMode(Mode(m_modeBox->itemData(index).toInt())); });
    connect(m_markBox, &QCheckBox::toggled, this, &PadMapView::setDisagreementsMarked);
    updateSummary();
}

void PadMapView::setData(const PadMap& map)
{
    m_map = map;
    // Show the network's view as soon as there is one; the eye-scan before.
    setMode(m_map.hasPrediction() ? Mode::Predicted : Mode::EyeScan);
    updateSummary();
    update();
}

void PadMapView::clear()
{
    setData(PadMap());
}

void PadMapView::setMode(Mode mode)
{
    m_mode = mode;
    const int index = m_modeBox->findData(int(mode));
    if (index != m_modeBox->currentIndex())
        m_modeBox->setCurrentIndex(index);
    update();
}

void PadMapView::setDisagreementsMarked(bool on)
{
    m_markDisagreements = on;
    if (m_markBox->isChecked() != on)
        m_markBox->setChecked(on);
    update();
}

const std::vector<int>& PadMapView::shownClasses() const
{
    switch (m_mode) {
    case Mode::Predicted:
        return m_map.predicted;
    case Mode::Truth:
        return m_map.truth;
    case Mode::EyeScan:
        break;
    }
    return m_map.eyeScan;
}

std::vector<std::int64_t> PadMapView::shownCounts() const
{
    return m_map.counts(shownClasses());
}

QColor PadMapView::classColor(int classIndex)
{
    if (classIndex < 0 || classIndex >= int(std::size(kClassColors)))
        return kNoClassColor;
    return kClassColors[classIndex];
}

QString PadMapView::className(int classIndex) const
{
    if (classIndex < 0 || std::size_t(classIndex) >= m_map.classNames.size())
        return {};
    return QString::fromStdString(m_map.classNames[std::size_t(classIndex)]).replace('_', ' ');
}

void PadMapView::updateSummary()
{
    if (m_map.empty()) {
        m_summary->clear();
        return;
    }
    QString text = tr("%1 rows × %2 pads").arg(m_map.rows).arg(m_map.pads);
    if (m_map.hasPrediction())
        text += tr(";  %n disagreement(s) with the eye-scan", nullptr, int(m_map.disagreements()));
    m_summary->setText(text);
}

PadMapView::Geometry PadMapView::geometry() const
{
    Geometry g;
    const double top = m_controls->geometry().bottom() + 10;
    const QRectF area(kMargin, top, width() - 2 * kMargin, height() - top - kMargin);
    g.legend = QRectF(area.right() - kLegendWidth, area.top(), kLegendWidth, area.height());
    if (m_map.empty())
        return g;
    const double w = area.width() - kLegendWidth - kAxisLeft - 12;
    const double h = area.height() - kAxisBottom;
    g.cell = std::max(0.5, std::min(w / m_map.pads, h / m_map.rows));
    g.plane = QRectF(area.left() + kAxisLeft, area.top(), g.cell * m_map.pads, g.cell * m_map.rows);
    g.legend.moveLeft(g.plane.right() + 16);
    return g;
}

QRectF PadMapView::padRect(int row, int pad) const
{
    const Geometry g = geometry();
    return QRectF(g.plane.left() + pad * g.cell, g.plane.top() + row * g.cell, g.cell, g.cell);
}

std::optional<std::pair<int, int>> PadMapView::padAt(const QPointF& pos) const
{
    const Geometry g = geometry();
    if (m_map.empty() || !g.plane.contains(pos))
        return std::nullopt;
    const int pad = std::clamp(int((pos.x() - g.plane.left()) / g.cell), 0, m_map.pads - 1);
    const int row = std::clamp(int((pos.y() - g.plane.top()) / g.cell), 0, m_map.rows - 1);
    return std::make_pair(row, pad);
}

QString PadMapView::describePad(int row, int pad) const
{
    if (row < 0 || row >= m_map.rows || pad < 0 || pad >= m_map.pads)
        return {};
    const std::size_t i = std::size_t(row) * std::size_t(m_map.pads) + std::size_t(pad);
    auto named = [this](const std::vector<int>& classes, std::size_t at, const QString& none) {
        const QString name = at < classes.size() ? className(classes[at]) : QString();
        return name.isEmpty() ? none : name;
    };
    QString text = tr("row %1, pad %2: eye-scan %3, predicted %4, true %5")
                       .arg(row)
                       .arg(pad)
                       .arg(named(m_map.eyeScan, i, tr("(not scanned)")),
                           named(m_map.predicted, i, tr("(not yet)")), named(m_map.truth, i, tr("?")));
    if (i < m_map.eyeScan.size() && i < m_map.predicted.size() && m_map.eyeScan[i] >= 0
        && m_map.predicted[i] >= 0 && m_map.eyeScan[i] != m_map.predicted[i])
        text += tr(" — the network disagrees with the eye-scan");
    return text;
}

QString PadMapView::toCsv() const
{
    QString csv = "row,pad,eye_scan,predicted,true\n";
    for (int r = 0; r < m_map.rows; ++r) {
        for (int p = 0; p < m_map.pads; ++p) {
            const std::size_t i = std::size_t(r) * std::size_t(m_map.pads) + std::size_t(p);
            auto name = [&](const std::vector<int>& classes) {
                return i < classes.size() && classes[i] >= 0
                    ? QString::fromStdString(m_map.classNames[std::size_t(classes[i])])
                    : QString();
            };
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(r)
                       .arg(p)
                       .arg(name(m_map.eyeScan), name(m_map.predicted), name(m_map.truth));
        }
    }
    return csv;
}

void PadMapView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    const Geometry g = geometry();
    if (m_map.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(20, m_controls->geometry().bottom(), -20, -20),
            Qt::AlignCenter | Qt::TextWordWrap,
            tr("The read-out plane appears here once the lesson's data step has run."));
        return;
    }

    paintPlane(painter, g);
    paintAxes(painter, g);
    paintLegend(painter, g);
}

// The pads in their class colours, with a dot where the network and the eye-scan disagree.
void PadMapView::paintPlane(QPainter& painter, const Geometry& g) const
{
    const std::vector<int>& classes = shownClasses();
    const double dot = std::max(3.0, g.cell * 0.7);
    for (int r = 0; r < m_map.rows; ++r) {
        for (int p = 0; p < m_map.pads; ++p) {
            const std::size_t i = std::size_t(r) * std::size_t(m_map.pads) + std::size_t(p);
            const QRectF cell(g.plane.left() + p * g.cell, g.plane.top() + r * g.cell, g.cell, g.cell);
            painter.fillRect(cell, classColor(i < classes.size() ? classes[i] : PadMap::kNoClass));
        }
    }
    if (m_markDisagreements && m_map.hasPrediction()) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(Qt::white, 0.6));
        painter.setBrush(kMarkColor);
        for (std::size_t i = 0; i < m_map.size(); ++i) {
            if (m_map.eyeScan[i] < 0 || m_map.predicted[i] < 0 || m_map.eyeScan[i] == m_map.predicted[i])
                continue;
            const QRectF cell = padRect(int(i) / m_map.pads, int(i) % m_map.pads);
            painter.drawEllipse(cell.center(), dot / 2 + 0.5, dot / 2 + 0.5);
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(g.plane);
}

// Rows down the left side, pads along the bottom.
void PadMapView::paintAxes(QPainter& painter, const Geometry& g) const
{
    painter.setPen(palette().color(QPalette::Text));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    painter.setFont(small);
    const int rowStep = tickStep(m_map.rows, g.cell, 18);
    for (int r = 0; r < m_map.rows; r += rowStep)
        painter.drawText(
            QRectF(g.plane.left() - kAxisLeft, g.plane.top() + r * g.cell - 8, kAxisLeft - 4, 16),
            Qt::AlignRight | Qt::AlignVCenter, QString::number(r));
    const int padStep = tickStep(m_map.pads, g.cell, 34);
    for (int p = 0; p < m_map.pads; p += padStep)
        painter.drawText(QRectF(g.plane.left() + p * g.cell - 20, g.plane.bottom() + 2, 40, kAxisBottom - 2),
            Qt::AlignHCenter | Qt::AlignTop, QString::number(p));
}

// The classes with their counts in the chosen colouring, then the marks.
void PadMapView::paintLegend(QPainter& painter, const Geometry& g) const
{
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    const double lineHeight = QFontMetricsF(font()).height() + 6;
    double y = g.legend.top();
    const QString heading = m_mode == Mode::EyeScan ? tr("Eye-scan")
        : m_mode == Mode::Predicted                 ? tr("Predicted")
                                                    : tr("True class");
    painter.drawText(QRectF(g.legend.left(), y, g.legend.width(), lineHeight), Qt::AlignLeft, heading);
    y += lineHeight;
    painter.setFont(font());
    const std::vector<std::int64_t> counts = shownCounts();
    std::int64_t classified = 0;
    for (std::size_t c = 0; c < counts.size(); ++c) {
        classified += counts[c];
        painter.fillRect(QRectF(g.legend.left(), y + 2, 14, 14), classColor(int(c)));
        painter.drawText(QRectF(g.legend.left() + 22, y, g.legend.width() - 22, lineHeight), Qt::AlignLeft,
            QStringLiteral("%1  %2").arg(className(int(c))).arg(counts[c]));
        y += lineHeight;
    }
    const std::int64_t without = std::int64_t(m_map.size()) - classified;
    if (without > 0) {
        painter.fillRect(QRectF(g.legend.left(), y + 2, 14, 14), kNoClassColor);
        painter.drawText(QRectF(g.legend.left() + 22, y, g.legend.width() - 22, lineHeight), Qt::AlignLeft,
            (m_mode == Mode::EyeScan ? tr("not scanned  %1") : tr("no class yet  %1")).arg(without));
        y += lineHeight;
    }
    if (m_markDisagreements && m_map.hasPrediction()) {
        y += 6;
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(kMarkColor);
        painter.drawEllipse(QPointF(g.legend.left() + 7, y + 9), 4, 4);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRectF(g.legend.left() + 22, y, g.legend.width() - 22, 3 * lineHeight),
            Qt::AlignLeft | Qt::TextWordWrap, tr("network ≠ eye-scan  %1").arg(m_map.disagreements()));
    }
}

void PadMapView::mouseMoveEvent(QMouseEvent* event)
{
    const auto pad = padAt(event->position());
    if (pad)
        QToolTip::showText(event->globalPosition().toPoint(), describePad(pad->first, pad->second), this);
    else
        QToolTip::hideText();
    QWidget::mouseMoveEvent(event);
}

} // namespace neurino
