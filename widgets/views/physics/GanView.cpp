#include "widgets/views/physics/GanView.h"

#include "widgets/views/charts/ChartExport.h"
#include "widgets/views/physics/ShowerImagePanel.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

// Real in black, generated in Okabe and Ito's vermillion (dashed too, for print in grey).
const QColor kRealColor(30, 30, 30);
const QColor kGeneratedColor(213, 94, 0);
const QColor kDiscriminatorColor(0, 114, 178);
const QColor kGeneratorColor(213, 94, 0);
const QColor kRealOutputColor(0, 158, 115);
const QColor kFakeOutputColor(204, 121, 167);
// Generated and real showers in the grid: four rows of four each.
constexpr int kGridColumns = 4;
// Room above and below the data on a linear axis, as a fraction of its span.
constexpr double kMargin = 0.08;

QLineSeries* makeLine(const QString& name, const QColor& color, bool dashed, qreal width = 2)
{
    auto* series = new QLineSeries;
    series->setName(name);
    QPen pen(color, width);
    pen.setStyle(dashed ? Qt::DashLine : Qt::SolidLine);
    series->setPen(pen);
    return series;
}

QChart* makeChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    QFont font = chart->titleFont();
    font.setBold(true);
    chart->setTitleFont(font);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

void resetChart(QChart* chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

QValueAxis* valueAxis(const QString& title, double low, double high)
{
    auto* axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat("%g");
    axis->setRange(low, high);
    return axis;
}

void attach(QChart* chart, QLineSeries* series, QAbstractAxis* x, QAbstractAxis* y)
{
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}

// [low, high] of the finite values, with a margin; {0, 1} when there are none.
std::pair<double, double> paddedRange(const std::vector<double>& values)
{
    double low = std::numeric_limits<double>::max(), high = std::numeric_limits<double>::lowest();
    for (double v : values) {
        if (std::isfinite(v)) {
            low = std::min(low, v);
            high = std::max(high, v);
        }
    }
    if (low > high)
        return { 0, 1 };
    const double span = high > low ? high - low : std::max(std::abs(high), 1.0);
    return { low - kMargin * span, high + kMargin * span };
}

double metricValue(const EpochStats& stats, const char* name)
{
    auto it = stats.metrics.find(name);
    return it == stats.metrics.end() ? std::nan("") : it->second;
}

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

} // namespace

GanView::GanView(QWidget* parent)
    : QWidget(parent)
    , m_caption(new QLabel(this))
    , m_figures(new QWidget(this))
    , m_grid(new ShowerImagePanel(m_figures))
    , m_averages(new ShowerImagePanel(m_figures))
    , m_lossChart(makeChart(tr("Losses and discriminator output")))
    , m_dLoss(makeLine(tr("D loss"), kDiscriminatorColor, false))
    , m_gLoss(makeLine(tr("G loss"), kGeneratorColor, false))
    , m_dReal(makeLine(tr("D(real)"), kRealOutputColor, true, 1.5))
    , m_dFake(makeLine(tr("D(generated)"), kFakeOutputColor, true, 1.5))
    , m_epochAxis(valueAxis(tr("epoch"), 1, 2))
    , m_lossAxis(valueAxis(tr("loss"), 0, 1))
    , m_outputAxis(valueAxis(tr("D output"), 0, 1))
    , m_transverse(makeChart(tr("Transverse profile")))
    , m_longitudinal(makeChart(tr("Longitudinal profile")))
    , m_energy(makeChart(tr("Energy sums")))
{
    setObjectName("ganView");
    m_caption->setObjectName("ganCaption");
    m_caption->setWordWrap(true);
    m_grid->setObjectName("ganSampleGrid");
    m_averages->setObjectName("ganAverageImages");

    m_lossChart->addAxis(m_epochAxis, Qt::AlignBottom);
    m_lossChart->addAxis(m_lossAxis, Qt::AlignLeft);
    m_lossChart->addAxis(m_outputAxis, Qt::AlignRight);
    m_epochAxis->setLabelFormat("%d");
    attach(m_lossChart, m_dLoss, m_epochAxis, m_lossAxis);
    attach(m_lossChart, m_gLoss, m_epochAxis, m_lossAxis);
    attach(m_lossChart, m_dReal, m_epochAxis, m_outputAxis);
    attach(m_lossChart, m_dFake, m_epochAxis, m_outputAxis);
    for (QLineSeries* s : { m_dLoss, m_gLoss, m_dReal, m_dFake })
        s->setPointsVisible(true);

    // Pictures above (the grid wants the most width), curves below.
    auto* pictures = new QHBoxLayout;
    pictures->setSpacing(4);
    pictures->addWidget(m_grid, 5);
    pictures->addWidget(m_averages, 4);
    pictures->addWidget(addChart(m_lossChart), 3);
    auto* curves = new QHBoxLayout;
    curves->setSpacing(4);
    curves->addWidget(addChart(m_transverse), 1);
    curves->addWidget(addChart(m_longitudinal), 1);
    curves->addWidget(addChart(m_energy), 1);
    auto* figures = new QVBoxLayout(m_figures);
    figures->setContentsMargins(0, 0, 0, 0);
    figures->setSpacing(4);
    figures->addLayout(pictures, 1);
    figures->addLayout(curves, 1);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_caption, 1);
    ChartExport::addButtons(bar, m_figures, "gan", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_figures, 1);
    clear();
}

QChartView* GanView::addChart(QChart* chart)
{
    auto* view = new QChartView(chart, m_figures);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(220, 180);
    return view;
}

void GanView::setRun(int runId, const QString& name)
{
    clear();
    m_runId = runId;
    m_runName = name;
    updateCaption();
}

void GanView::clear()
{
    m_runId = 0;
    m_runName.clear();
    m_epochs.clear();
    m_samples = {};
    for (QLineSeries* s : { m_dLoss, m_gLoss, m_dReal, m_dFake })
        s->clear();
    updateLossAxes();
    showImages();
    showProfiles();
    showEnergy();
    updateCaption();
}

void GanView::addEpoch(const EpochStats& stats)
{
    m_epochs.push_back(stats);
    const auto append = [&](QLineSeries* series, const char* name) {
        const double v = metricValue(stats, name);
        if (std::isfinite(v))
            series->append(stats.epoch, v);
    };
    append(m_dLoss, "d_loss");
    append(m_gLoss, "g_loss");
    append(m_dReal, "d_real");
    append(m_dFake, "d_fake");
    updateLossAxes();
    updateCaption();
}

void GanView::setSamples(const GanEpochData& samples)
{
    m_samples = samples;
    showImages();
    showProfiles();
    showEnergy();
    updateCaption();
}

int GanView::lossPointCount() const
{
    return std::max(m_dLoss->count(), m_gLoss->count());
}

int GanView::sampleCount() const
{
    return m_grid->imageCount();
}

QString GanView::caption() const
{
    return m_caption->text();
}

QString GanView::energyTitle() const
{
    return m_energy->title();
}

void GanView::updateLossAxes()
{
    const int last = m_epochs.empty() ? 1 : m_epochs.back().epoch;
    const int first = m_epochs.empty() ? 1 : m_epochs.front().epoch;
    m_epochAxis->setRange(first, std::max(first + 1, last));
    // Whole epochs only, ten ticks at most.
    m_epochAxis->setTickType(QValueAxis::TicksDynamic);
    m_epochAxis->setTickAnchor(first);
    m_epochAxis->setTickInterval(std::max(1, (last - first + 9) / 10));
    std::vector<double> losses, outputs;
    for (const EpochStats& e : m_epochs) {
        losses.push_back(metricValue(e, "d_loss"));
        losses.push_back(metricValue(e, "g_loss"));
        outputs.push_back(metricValue(e, "d_real"));
        outputs.push_back(metricValue(e, "d_fake"));
    }
    const auto [lossLow, lossHigh] = paddedRange(losses);
    m_lossAxis->setRange(lossLow, lossHigh);
    m_lossAxis->applyNiceNumbers();
    auto [low, high] = paddedRange(outputs);
    // Probabilities (bce) on their whole range; a critic's scores (wgan-gp) as they come.
    if (low >= -kMargin && high <= 1 + kMargin) {
        low = 0;
        high = 1;
    }
    m_outputAxis->setRange(low, high);
    m_outputAxis->applyNiceNumbers();
}

void GanView::showImages()
{
    const GanEpochData& s = m_samples;
    if (s.epoch > 0 && s.generated.empty()) {
        const QString notImages = tr("The samples are not 2-D images, so there is no picture of them.");
        m_grid->setPlaceholder(notImages);
        m_averages->setPlaceholder(notImages);
    } else {
        m_grid->setPlaceholder(tr("Generated showers appear here beside real ones after every epoch of a GAN "
                                  "run: choose GAN in the training panel and press Start."));
        m_averages->setPlaceholder(tr("The average shower, real and generated, after the first epoch."));
    }
    std::vector<ShowerImagePanel::Group> grid;
    if (!s.generated.empty()) {
        grid.push_back({ tr("Generated (epoch %1)").arg(s.epoch), s.generated, kGridColumns });
        grid.push_back({ tr("Real"), s.real, kGridColumns });
    }
    m_grid->setGroups(std::move(grid));
    m_grid->setNote(s.generated.empty()
            ? QString()
            : tr("Each image: rows across the shower, columns along it; log colour scale"));

    std::vector<ShowerImagePanel::Group> averages;
    if (!s.generatedAverage.empty() && !s.realAverage.empty()) {
        const QString n = QLocale().toString(static_cast<qlonglong>(s.showersCompared));
        averages.push_back({ tr("Generated average (%1)").arg(n), { s.generatedAverage }, 1 });
        averages.push_back({ tr("Real average (%1)").arg(n), { s.realAverage }, 1 });
    }
    m_averages->setGroups(std::move(averages));
    m_averages->setNote(s.realAverage.empty()
            ? QString()
            : tr("Mean energy per cell, log colour scale; columns are layers along the shower"));
}

void GanView::showProfiles()
{
    resetChart(m_transverse);
    resetChart(m_longitudinal);
    const GanEpochData& s = m_samples;

    // Transverse: the tails fall by decades, so the value axis is logarithmic.
    auto* real = makeLine(tr("real"), kRealColor, false);
    auto* generated = makeLine(tr("generated"), kGeneratedColor, true);
    double low = std::numeric_limits<double>::max(), high = 0;
    const auto fillLog = [&](QLineSeries* series, const std::vector<double>& values) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] > 0 && std::isfinite(values[i])) {
                series->append(static_cast<double>(i), values[i]);
                low = std::min(low, values[i]);
                high = std::max(high, values[i]);
            }
        }
    };
    fillLog(real, s.realTransverse);
    fillLog(generated, s.generatedTransverse);
    const double rows = std::max<double>(1, static_cast<double>(s.realTransverse.size()) - 1);
    auto* x = valueAxis(tr("cell across the shower (row)"), 0, rows);
    auto* y = new QLogValueAxis;
    y->setTitleText(tr("mean energy [GeV]"));
    y->setLabelFormat("%.0e");
    y->setMinorTickCount(0);
    y->setBase(10);
    if (high > 0)
        y->setRange(low / 2, high * 2);
    else
        y->setRange(1e-6, 1);
    m_transverse->addAxis(x, Qt::AlignBottom);
    m_transverse->addAxis(y, Qt::AlignLeft);
    attach(m_transverse, real, x, y);
    attach(m_transverse, generated, x, y);

    auto* realL = makeLine(tr("real"), kRealColor, false);
    auto* generatedL = makeLine(tr("generated"), kGeneratedColor, true);
    std::vector<double> all;
    for (std::size_t i = 0; i < s.realLongitudinal.size(); ++i) {
        realL->append(static_cast<double>(i), s.realLongitudinal[i]);
        all.push_back(s.realLongitudinal[i]);
    }
    for (std::size_t i = 0; i < s.generatedLongitudinal.size(); ++i) {
        if (std::isfinite(s.generatedLongitudinal[i])) {
            generatedL->append(static_cast<double>(i), s.generatedLongitudinal[i]);
            all.push_back(s.generatedLongitudinal[i]);
        }
    }
    const double columns = std::max<double>(1, static_cast<double>(s.realLongitudinal.size()) - 1);
    auto* xL = valueAxis(tr("layer along the shower (column)"), 0, columns);
    auto* yL = valueAxis(tr("mean energy [GeV]"), 0, std::max(1e-12, paddedRange(all).second));
    yL->applyNiceNumbers();
    m_longitudinal->addAxis(xL, Qt::AlignBottom);
    m_longitudinal->addAxis(yL, Qt::AlignLeft);
    attach(m_longitudinal, realL, xL, yL);
    attach(m_longitudinal, generatedL, xL, yL);
}

void GanView::showEnergy()
{
    resetChart(m_energy);
    const GanEpochData& s = m_samples;
    auto* real = makeLine(tr("real"), kRealColor, false);
    auto* generated = makeLine(tr("generated"), kGeneratedColor, true);
    // Histograms as steps: each bin a flat line from its low edge to its high edge.
    double top = 0;
    const auto fill = [&](QLineSeries* series, const std::vector<double>& contents) {
        if (s.energyEdges.size() != contents.size() + 1)
            return;
        series->append(s.energyEdges.front(), 0);
        for (std::size_t i = 0; i < contents.size(); ++i) {
            series->append(s.energyEdges[i], contents[i]);
            series->append(s.energyEdges[i + 1], contents[i]);
            top = std::max(top, contents[i]);
        }
        series->append(s.energyEdges.back(), 0);
    };
    fill(real, s.realEnergy);
    fill(generated, s.generatedEnergy);
    const double from = s.energyEdges.empty() ? 0 : s.energyEdges.front();
    const double to = s.energyEdges.empty() ? 1 : s.energyEdges.back();
    auto* x = valueAxis(tr("energy sum per shower [GeV]"), from, to > from ? to : from + 1);
    x->applyNiceNumbers();
    auto* y = valueAxis(tr("fraction"), 0, top > 0 ? top * (1 + kMargin) : 1);
    y->applyNiceNumbers();
    m_energy->addAxis(x, Qt::AlignBottom);
    m_energy->addAxis(y, Qt::AlignLeft);
    attach(m_energy, real, x, y);
    attach(m_energy, generated, x, y);
    m_energy->setTitle(s.hasComparison ? tr("Energy sums: χ²/NDF = %1 / %2 = %3")
                                             .arg(fixed(s.chi2, 1))
                                             .arg(s.ndf)
                                             .arg(fixed(s.chi2PerNdf(), 2))
                                       : tr("Energy sums"));
}

void GanView::updateCaption()
{
    QString text = m_runName.isEmpty() ? tr("GAN") : m_runName;
    if (m_epochs.empty() && m_samples.epoch == 0) {
        m_caption->setText(m_runId == 0
                ? tr("No GAN trained yet. In the training panel choose GAN, pick the generator and the "
                     "discriminator, and press Start; the figures update after every epoch.")
                : text + tr(": waiting for the first epoch…"));
        return;
    }
    if (!m_epochs.empty()) {
        const EpochStats& e = m_epochs.back();
        text += tr(", epoch %1 of %2: D loss %3, G loss %4")
                    .arg(e.epoch)
                    .arg(e.epochs)
                    .arg(metricValue(e, "d_loss"), 0, 'g', 3)
                    .arg(metricValue(e, "g_loss"), 0, 'g', 3);
    }
    const GanEpochData& s = m_samples;
    if (s.hasComparison) {
        text += tr(". Physics of %1 generated against %1 real showers after epoch %2: energy χ²/NDF %3, "
                   "profiles within %4 %, central cells within %5 %, spread ratio %6 × %7. The exercise "
                   "asks for χ²/NDF < 3 and profiles within 15 %.")
                    .arg(QLocale().toString(static_cast<qlonglong>(s.showersCompared)))
                    .arg(s.epoch)
                    .arg(fixed(s.chi2PerNdf(), 2))
                    .arg(fixed(100 * s.profileDeviation, 0))
                    .arg(fixed(100 * s.centralCellDeviation, 0))
                    .arg(fixed(s.spreadRowRatio, 2))
                    .arg(fixed(s.spreadColumnRatio, 2));
    }
    m_caption->setText(text);
}

QString GanView::toCsv() const
{
    QString csv = "quantity,epoch,x,y,value\n";
    const auto row
        = [&csv](const QString& quantity, int epoch, const QString& x, const QString& y, double v) {
              csv += QStringLiteral("%1,%2,%3,%4,%5\n").arg(quantity).arg(epoch).arg(x, y).arg(v, 0, 'g', 7);
          };
    for (const EpochStats& e : m_epochs) {
        for (const auto& [name, value] : e.metrics)
            row(ChartExport::csvField(QString::fromStdString(name)), e.epoch, {}, {}, value);
    }
    const GanEpochData& s = m_samples;
    const auto series = [&](const QString& quantity, const std::vector<double>& values) {
        for (std::size_t i = 0; i < values.size(); ++i)
            row(quantity, s.epoch, QString::number(i), {}, values[i]);
    };
    series("transverse_real", s.realTransverse);
    series("transverse_generated", s.generatedTransverse);
    series("longitudinal_real", s.realLongitudinal);
    series("longitudinal_generated", s.generatedLongitudinal);
    const auto histogram = [&](const QString& quantity, const std::vector<double>& contents) {
        for (std::size_t i = 0; i < contents.size() && i + 1 < s.energyEdges.size(); ++i)
            row(quantity, s.epoch, QString::number((s.energyEdges[i] + s.energyEdges[i + 1]) / 2, 'g', 6), {},
                contents[i]);
    };
    histogram("energy_real", s.realEnergy);
    histogram("energy_generated", s.generatedEnergy);
    const auto image = [&](const QString& quantity, const ImageData& img) {
        for (int r = 0; r < img.rows; ++r) {
            for (int c = 0; c < img.columns; ++c)
                row(quantity, s.epoch, QString::number(c), QString::number(r), img.at(r, c));
        }
    };
    image("average_real", s.realAverage);
    image("average_generated", s.generatedAverage);
    return csv;
}

bool GanView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_figures, path, error);
}

} // namespace neurino
