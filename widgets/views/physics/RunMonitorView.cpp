#include "widgets/views/physics/RunMonitorView.h"

#include "widgets/views/charts/ChartExport.h"
#include "widgets/views/charts/ColorScale.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace neurino {

using exercises::MonitoringRuns;

namespace {

// Room around each map: its title above, row numbers left, bin numbers and the axis title below; the colour
// bars' width; the margin.
constexpr double kTitle = 20, kAxisLeft = 42, kAxisBottom = 32, kBarSpace = 84, kMargin = 8;
// Share of the height below the controls that the maps take; the score histogram has the rest.
constexpr double kMapShare = 0.52;
const QColor kGoodColor("#43a047");
const QColor kBadColor("#e53935");
const QColor kMarkColor("#ff6f00");

double maxOf(const std::vector<float>& values, std::size_t offset, std::size_t count, bool absolute)
{
    double m = 0;
    for (std::size_t i = offset; i < offset + count; ++i)
        m = std::max(m, absolute ? std::fabs(double(values[i])) : double(values[i]));
    return m;
}

} // namespace

RunMonitorView::RunMonitorView(QWidget* parent)
    : QWidget(parent)
    , m_modeBox(new QComboBox(this))
    , m_runBox(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_controls(new QWidget(this))
{
    setObjectName("runMonitorView");
    setMinimumSize(560, 380);
    m_modeBox->setObjectName("runMonitorMode");
    m_modeBox->setToolTip(tr("Which runs to choose from: the good ones or those of one failure"));
    m_runBox->setObjectName("runMonitorRun");
    m_runBox->setToolTip(tr("The held-out run to show; once scored, the most anomalous first"));
    m_runBox->setMinimumContentsLength(24);
    m_summary->setObjectName("runMonitorSummary");
    m_summary->setWordWrap(true);

    auto* row = new QHBoxLayout(m_controls);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Runs:"), m_controls));
    row->addWidget(m_modeBox);
    row->addWidget(new QLabel(tr("Run:"), m_controls));
    row->addWidget(m_runBox);
    row->addSpacing(12);
    row->addWidget(m_summary, 1);
    ChartExport::addButtons(row, this, "run_monitor", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(int(kMargin), int(kMargin), int(kMargin), int(kMargin));
    layout->addWidget(m_controls);
    layout->addStretch(1);

    connect(m_modeBox, &QComboBox::activated, this, [this](int index) { setMode(index); });
    connect(m_runBox, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && std::size_t(index) < m_offered.size())
            setRun(m_offered[std::size_t(index)]);
    });
    updateSummary();
}

void RunMonitorView::setData(const MonitoringRuns& runs)
{
    m_runs = runs;
    m_difference.clear();
    if (m_runs.reconstructions.size() == m_runs.maps.size()) {
        m_difference.resize(m_runs.maps.size());
        for (std::size_t i = 0; i < m_runs.maps.size(); ++i)
            m_difference[i] = m_runs.maps[i] - m_runs.reconstructions[i];
    }
    const int previous = m_modeBox->currentIndex();
    m_modeBox->clear();
    for (std::size_t k = 0; k < m_runs.modeNames.size(); ++k) {
        const auto count = std::count(m_runs.failure.begin(), m_runs.failure.end(), int(k));
        m_modeBox->addItem(tr("%1 (%2)").arg(modeText(int(k))).arg(count));
    }
    // Keep the chosen failure mode across steps; start with a noisy channel, whose row is easy to see.
    const int wanted = previous >= 0 && previous < m_modeBox->count() ? previous
        : m_modeBox->count() > 2                                      ? 2
                                                                      : 0;
    setMode(m_runs.empty() ? -1 : wanted);
}

void RunMonitorView::clear()
{
    setData(MonitoringRuns());
}

int RunMonitorView::mode() const
{
    return m_modeBox->currentIndex();
}

void RunMonitorView::setMode(int mode)
{
    if (m_modeBox->currentIndex() != mode)
        m_modeBox->setCurrentIndex(mode);
    m_offered.clear();
    for (std::size_t i = 0; i < m_runs.runs(); ++i)
        if (m_runs.failure[i] == mode)
            m_offered.push_back(int(i));
    if (m_runs.scored())
        std::stable_sort(m_offered.begin(), m_offered.end(),
            [this](int a, int b) { return m_runs.scores[std::size_t(a)] > m_runs.scores[std::size_t(b)]; });
    fillRunChooser();
    m_run = m_offered.empty() ? -1 : m_offered.front();
    updateSummary();
    update();
}

void RunMonitorView::setRun(int index)
{
    if (index < 0 || std::size_t(index) >= m_runs.runs())
        return;
    if (m_runs.failure[std::size_t(index)] != mode())
        setMode(m_runs.failure[std::size_t(index)]);
    m_run = index;
    const auto at = std::find(m_offered.begin(), m_offered.end(), index);
    m_runBox->setCurrentIndex(int(at - m_offered.begin()));
    updateSummary();
    update();
}

void RunMonitorView::fillRunChooser()
{
    m_runBox->clear();
    for (int i : m_offered) {
        const std::size_t k = std::size_t(i);
        QString text = tr("run %1").arg(m_runs.runNumbers[k]);
        if (m_runs.scored())
            text += tr(", score %1").arg(m_runs.scores[k], 0, 'g', 3);
        m_runBox->addItem(text);
    }
}

std::optional<std::pair<int, int>> RunMonitorView::worstBin() const
{
    if (m_run < 0 || m_difference.empty())
        return std::nullopt;
    const std::size_t offset = std::size_t(m_run) * m_runs.mapSize();
    std::size_t worst = 0;
    for (std::size_t i = 1; i < m_runs.mapSize(); ++i)
        if (std::fabs(m_difference[offset + i]) > std::fabs(m_difference[offset + worst]))
            worst = i;
    return std::make_pair(int(worst) / m_runs.bins, int(worst) % m_runs.bins);
}

RunMonitorView::ScoreHistograms RunMonitorView::scoreHistograms(int binCount) const
{
    ScoreHistograms h;
    if (!m_runs.scored() || binCount < 1)
        return h;
    const auto [lo, hi] = std::minmax_element(m_runs.scores.begin(), m_runs.scores.end());
    h.low = std::floor(std::log10(std::max(*lo, 1e-12)) * 4) / 4;
    h.high = std::max(h.low + 0.25, std::ceil(std::log10(std::max(*hi, 1e-12)) * 4) / 4);
    h.good.assign(std::size_t(binCount), 0);
    h.bad.assign(std::size_t(binCount), 0);
    for (std::size_t i = 0; i < m_runs.runs(); ++i) {
        const double x = std::log10(std::max(m_runs.scores[i], 1e-12));
        const int b = std::clamp(int((x - h.low) / (h.high - h.low) * binCount), 0, binCount - 1);
        (m_runs.failure[i] == 0 ? h.good : h.bad)[std::size_t(b)] += 1;
    }
    return h;
}

QString RunMonitorView::toCsv() const
{
    QString csv = "run,failure,score,flagged\n";
    for (std::size_t i = 0; i < m_runs.runs(); ++i) {
        csv += QString::number(m_runs.runNumbers[i]) + ','
            + QString::fromStdString(m_runs.modeNames[std::size_t(m_runs.failure[i])]) + ',';
        if (m_runs.scored())
            csv += QString::number(m_runs.scores[i], 'g', 6) + ','
                + (m_runs.scores[i] > m_runs.threshold ? "1" : "0");
        else
            csv += ',';
        csv += '\n';
    }
    return csv;
}

QString RunMonitorView::modeText(int mode) const
{
    if (mode < 0 || std::size_t(mode) >= m_runs.modeNames.size())
        return {};
    static const std::pair<const char*, const char*> kReadable[]
        = { { "dead_region", "dead card" }, { "gain_drift", "gain drop" } };
    const std::string& name = m_runs.modeNames[std::size_t(mode)];
    for (const auto& [key, text] : kReadable)
        if (name == key)
            return tr(text);
    return QString::fromStdString(name).replace('_', ' ');
}

void RunMonitorView::updateSummary()
{
    if (m_runs.empty()) {
        m_summary->setText(tr("No runs yet: generate the data (the first step of the data-quality lesson)."));
        return;
    }
    if (!m_runs.scored()) {
        m_summary->setText(tr("%1 held-out runs. Train the autoencoder and score them to see its "
                              "reconstructions.")
                               .arg(m_runs.runs()));
        return;
    }
    int flaggedGood = 0, good = 0, flaggedBad = 0;
    for (std::size_t i = 0; i < m_runs.runs(); ++i) {
        const int flagged = m_runs.scores[i] > m_runs.threshold ? 1 : 0;
        if (m_runs.failure[i] == 0) {
            ++good;
            flaggedGood += flagged;
        } else {
            flaggedBad += flagged;
        }
    }
    const int bad = int(m_runs.runs()) - good;
    QString text = tr("Alarm above %1: %2 of %3 bad runs flagged, %4 of %5 good runs (false alarms).")
                       .arg(m_runs.threshold, 0, 'g', 3)
                       .arg(flaggedBad)
                       .arg(bad)
                       .arg(flaggedGood)
                       .arg(good);
    m_summary->setText(text);
}

RunMonitorView::Geometry RunMonitorView::geometry() const
{
    Geometry g;
    const double top = m_controls->geometry().bottom() + kMargin;
    const double width = this->width() - 2 * kMargin;
    const double height = this->height() - top - kMargin;
    const double mapsHeight = height * kMapShare;
    const double panel = (width - 2 * kBarSpace) / 3;
    const double rows = std::max(1, m_runs.rows), bins = std::max(1, m_runs.bins);
    const double cell
        = std::max(1.0, std::min((panel - kAxisLeft - 8) / bins, (mapsHeight - kTitle - kAxisBottom) / rows));
    double x = kMargin;
    for (int k = 0; k < 3; ++k) {
        g.maps[k] = QRectF(x + kAxisLeft, top + kTitle, cell * bins, cell * rows);
        x += panel + (k >= 1 ? kBarSpace : 0);
    }
    const double histogramTop = g.maps[0].bottom() + kAxisBottom + 10;
    g.histogram = QRectF(kMargin + 56, histogramTop + 18, width - 56 - 150,
        std::max(40.0, this->height() - kMargin - 34 - histogramTop - 18));
    return g;
}

void RunMonitorView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().window());
    if (m_run < 0)
        return;
    const Geometry g = geometry();
    const std::size_t size = m_runs.mapSize(), offset = std::size_t(m_run) * size;
    const QString name = tr("Run %1 (%2)").arg(m_runs.runNumbers[std::size_t(m_run)]).arg(modeText(mode()));
    double scale = maxOf(m_runs.maps, offset, size, false);
    if (m_runs.scored())
        scale = std::max(scale, maxOf(m_runs.reconstructions, offset, size, false));
    scale = std::max(scale, 1e-6);
    paintMap(p, g.maps[0], m_runs.maps, offset, false, scale, name);
    const QColor text = palette().color(QPalette::WindowText);
    if (m_runs.scored()) {
        paintMap(
            p, g.maps[1], m_runs.reconstructions, offset, false, scale, tr("Autoencoder's reconstruction"));
        const double diff = std::max(maxOf(m_difference, offset, size, true), 1e-6);
        paintMap(p, g.maps[2], m_difference, offset, true, diff, tr("Difference (run − reconstruction)"));
        ColorScale::drawBar(p,
            QRect(int(g.maps[1].right() + 12), int(g.maps[1].top() + 14), 10, int(g.maps[1].height() - 14)),
            0, scale, false, tr("clusters"), text);
        ColorScale::drawBar(p,
            QRect(int(g.maps[2].right() + 12), int(g.maps[2].top() + 14), 10, int(g.maps[2].height() - 14)),
            -diff, diff, true, tr("diff."), text);
        paintMarks(p, g.maps[2]);
        paintHistogram(p, g.histogram);
    } else {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(g.maps[1].united(g.maps[2]), Qt::AlignCenter | Qt::TextWordWrap,
            tr("The reconstruction and the difference appear once the autoencoder has scored the runs."));
    }
    paintMarks(p, g.maps[0]);
}

void RunMonitorView::paintMap(QPainter& p, const QRectF& r, const std::vector<float>& values,
    std::size_t offset, bool difference, double scale, const QString& title) const
{
    const double cell = r.width() / m_runs.bins;
    for (int row = 0; row < m_runs.rows; ++row) {
        for (int bin = 0; bin < m_runs.bins; ++bin) {
            const double v = values[offset + std::size_t(row * m_runs.bins + bin)];
            // Row 0 (the innermost) at the bottom, as on a drawing of the chamber.
            const QRectF c(r.left() + bin * cell, r.bottom() - (row + 1) * cell, cell + 0.5, cell + 0.5);
            p.fillRect(c, ColorScale::colorOf(v, difference ? -scale : 0, scale, difference));
        }
    }
    const QColor text = palette().color(QPalette::WindowText);
    p.setPen(text);
    p.drawRect(r);
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    // Elided to the map's own width, so that a narrow dock's titles do not run into the next map's scale.
    const double titleWidth = r.width() + kAxisLeft;
    p.drawText(QRectF(r.left() - kAxisLeft, r.top() - kTitle, titleWidth, kTitle - 3),
        Qt::AlignLeft | Qt::AlignBottom, QFontMetricsF(bold).elidedText(title, Qt::ElideRight, titleWidth));
    p.setFont(font());
    const QFontMetricsF fm(font());
    // Row numbers a text line high, centred on their rows however small the cells; the middle one only
    // where it cannot touch the others.
    std::vector<int> labelled = { 0, m_runs.rows - 1 };
    if (r.height() >= 3 * fm.height())
        labelled.push_back(m_runs.rows / 2);
    for (int row : labelled)
        p.drawText(QRectF(r.left() - kAxisLeft, r.bottom() - (row + 0.5) * cell - fm.height() / 2,
                       kAxisLeft - 4, fm.height()),
            Qt::AlignRight | Qt::AlignVCenter, QString::number(row));
    for (int bin = 0; bin < m_runs.bins; bin += 8)
        p.drawText(QRectF(r.left() + bin * cell - 10, r.bottom() + 1, cell + 20, fm.height()),
            Qt::AlignCenter, QString::number(bin));
    p.drawText(QRectF(r.left(), r.bottom() + fm.height(), r.width(), fm.height()), Qt::AlignCenter,
        tr("drift-time bin"));
    // The row axis's title, turned, left of the row numbers: rows count outwards from the beam.
    p.save();
    p.translate(r.left() - kAxisLeft + fm.height() * 0.5, r.center().y());
    p.rotate(-90);
    p.drawText(
        QRectF(-r.height() / 2, -fm.height() / 2, r.height(), fm.height()), Qt::AlignCenter, tr("pad row"));
    p.restore();
}

// The rows of the injected failure (a bracket left of the map) and the bin of largest error (a box).
void RunMonitorView::paintMarks(QPainter& p, const QRectF& r) const
{
    const std::size_t k = std::size_t(m_run);
    const double cell = r.width() / m_runs.bins;
    if (m_runs.faultRowBegin[k] >= 0) {
        const double y0 = r.bottom() - m_runs.faultRowEnd[k] * cell,
                     y1 = r.bottom() - m_runs.faultRowBegin[k] * cell;
        p.setPen(QPen(kMarkColor, 3));
        p.drawLine(QPointF(r.left() - 3, y0 + 1), QPointF(r.left() - 3, y1 - 1));
    }
    if (const auto worst = worstBin()) {
        p.setPen(QPen(kMarkColor, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(r.left() + worst->second * cell - 1, r.bottom() - (worst->first + 1) * cell - 1,
            cell + 2, cell + 2));
    }
}

void RunMonitorView::paintHistogram(QPainter& p, const QRectF& r) const
{
    const ScoreHistograms h = scoreHistograms();
    if (h.good.empty())
        return;
    const QColor text = palette().color(QPalette::WindowText);
    const int bins = int(h.good.size());
    const int peak = std::max(
        *std::max_element(h.good.begin(), h.good.end()), *std::max_element(h.bad.begin(), h.bad.end()));
    const auto xOf
        = [&](double logScore) { return r.left() + (logScore - h.low) / (h.high - h.low) * r.width(); };
    // Counts on a log scale: the good runs pile up in a few bins, the bad ones spread over decades.
    const double top = std::log10(1.0 + std::max(1, peak));
    const auto yOf = [&](double count) { return r.bottom() - std::log10(1.0 + count) / top * r.height(); };
    for (const auto& [counts, color] :
        { std::make_pair(&h.good, kGoodColor), std::make_pair(&h.bad, kBadColor) }) {
        QPainterPath path(QPointF(r.left(), r.bottom()));
        for (int b = 0; b < bins; ++b) {
            const double x0 = r.left() + b * r.width() / bins, x1 = r.left() + (b + 1) * r.width() / bins;
            path.lineTo(x0, yOf((*counts)[std::size_t(b)]));
            path.lineTo(x1, yOf((*counts)[std::size_t(b)]));
        }
        path.lineTo(r.right(), r.bottom());
        QColor fill = color;
        fill.setAlpha(70);
        p.setBrush(fill);
        p.setPen(QPen(color, 1.5));
        p.drawPath(path);
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(text);
    p.drawLine(r.bottomLeft(), r.bottomRight());
    p.drawLine(r.bottomLeft(), r.topLeft());
    const QFontMetricsF fm(font());
    for (int e = int(std::ceil(h.low)); e <= int(std::floor(h.high)); ++e) {
        const double x = xOf(e);
        p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 4));
        p.drawText(QRectF(x - 30, r.bottom() + 4, 60, fm.height()), Qt::AlignCenter, QString("1e%1").arg(e));
    }
    p.drawText(QRectF(r.left(), r.bottom() + 4 + fm.height(), r.width(), fm.height()), Qt::AlignCenter,
        tr("anomaly score: mean squared reconstruction error (log scale)"));
    for (int count = 1; count <= peak; count *= 10) {
        const double y = yOf(count);
        p.drawLine(QPointF(r.left() - 4, y), QPointF(r.left(), y));
        p.drawText(QRectF(r.left() - 56, y - fm.height() / 2, 50, fm.height()),
            Qt::AlignRight | Qt::AlignVCenter, QString::number(count));
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(r.left(), r.top() - 18, r.width(), 16), Qt::AlignLeft | Qt::AlignBottom,
        tr("Anomaly scores of the held-out runs (runs per bin, log scale)"));
    p.setFont(font());
    if (m_runs.threshold > 0) {
        const double x = xOf(std::log10(m_runs.threshold));
        p.setPen(QPen(text, 1.5, Qt::DashLine));
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
        p.drawText(QRectF(x + 4, r.top(), 120, fm.height()), Qt::AlignLeft, tr("alarm threshold"));
    }
    // The chosen run: a marker under the axis.
    const double x = xOf(std::log10(std::max(m_runs.scores[std::size_t(m_run)], 1e-12)));
    QPainterPath marker;
    marker.moveTo(x, r.bottom() - 1);
    marker.lineTo(x - 6, r.bottom() - 12);
    marker.lineTo(x + 6, r.bottom() - 12);
    marker.closeSubpath();
    p.setPen(Qt::NoPen);
    p.setBrush(kMarkColor);
    p.drawPath(marker);
    // Legend right of the plot.
    const QRectF legend(r.right() + 16, r.top(), 130, 4 * fm.height());
    int line = 0;
    for (const auto& [label, color] : { std::make_pair(tr("good runs"), kGoodColor),
             std::make_pair(tr("bad runs"), kBadColor), std::make_pair(tr("this run"), kMarkColor) }) {
        const double y = legend.top() + line++ * (fm.height() + 4);
        p.fillRect(QRectF(legend.left(), y + 3, 12, fm.height() - 6), color);
        p.setPen(text);
        p.drawText(QRectF(legend.left() + 18, y, legend.width() - 18, fm.height()), Qt::AlignLeft, label);
    }
}

} // namespace neurino
