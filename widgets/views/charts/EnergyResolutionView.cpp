#include "widgets/views/charts/EnergyResolutionView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace neurino {

namespace {

const QColor kColors[]
    = { QColor(213, 94, 0), QColor(0, 114, 178), QColor(0, 158, 115), QColor(204, 121, 167) };
// Points of each fitted curve.
constexpr int kFitPoints = 60;

QChartView* makeChartView(QChart* chart, QWidget* parent)
{
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    // No titles and a small legend: at 1366x768 the results area leaves the charts about 200 pixels of
    // height, which the axes' labels need.
    QFont font = chart->legend()->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    chart->legend()->setFont(font);
    return view;
}

// A value axis over [low, high] (from zero when `fromZero`) in three steps of 1, 2, 2.5 or 5 times a power
// of ten, so that its four labels are round numbers: Qt's nice numbers may add ticks that short charts elide.
void fitRange(QValueAxis* axis, double low, double high, bool fromZero)
{
    if (fromZero)
        low = 0;
    const double raw = std::max(1e-6, (high - low) / 3);
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    double step = decade;
    for (double m : { 1.0, 2.0, 2.5, 5.0, 10.0 })
        if (std::floor(low / (m * decade)) * m * decade + 3 * m * decade >= high) {
            step = m * decade;
            break;
        }
    const double start = std::floor(low / step) * step;
    int intervals = 3;
    while (start + intervals * step < high)
        ++intervals;
    axis->setRange(start, start + intervals * step);
    axis->setTickCount(intervals + 1);
}

} // namespace

EnergyResolutionView::EnergyResolutionView(QWidget* parent)
    : QWidget(parent)
    , m_charts(new QWidget(this))
    , m_resolutionChart(new QChart)
    , m_biasChart(new QChart)
    , m_resolutionAxis(new QValueAxis(this))
    , m_biasAxis(new QValueAxis(this))
    , m_summary(new QLabel(this))
{
    setObjectName("energyResolutionView");
    auto* hint = new QLabel(tr("Points: spread (σ/E) and mean offset (bias) of E_pred/E per bin of true "
                               "energy; lines: the fit σ/E = a/√E ⊕ b. Lower σ/E is better; bias near 0."),
        this);
    hint->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(hint, 1);
    ChartExport::addButtons(bar, m_charts, "energy_resolution", [this] { return toCsv(); });

    // Side by side: the results area is wide and short, and each chart needs its height for the axes.
    auto* chartLayout = new QHBoxLayout(m_charts);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->setSpacing(0);
    chartLayout->addWidget(makeChartView(m_resolutionChart, m_charts), 3);
    chartLayout->addWidget(makeChartView(m_biasChart, m_charts), 2);

    m_summary->setObjectName("energyResolutionSummary");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_charts, 1);
    layout->addWidget(m_summary);

    for (int i = 0; i < 2; ++i) {
        m_energyAxis[i] = new QValueAxis(this);
        m_energyAxis[i]->setTitleText(tr("true energy E (GeV)"));
        m_energyAxis[i]->setLabelFormat("%.0f");
    }
    m_resolutionAxis->setTitleText(tr("σ/E (%)"));
    m_resolutionAxis->setLabelFormat("%.1f");
    m_biasAxis->setTitleText(tr("bias (%)"));
    m_biasAxis->setLabelFormat("%.1f");
    m_resolutionChart->addAxis(m_energyAxis[0], Qt::AlignBottom);
    m_resolutionChart->addAxis(m_resolutionAxis, Qt::AlignLeft);
    m_biasChart->addAxis(m_energyAxis[1], Qt::AlignBottom);
    m_biasChart->addAxis(m_biasAxis, Qt::AlignLeft);
    rebuild();
}

void EnergyResolutionView::setCurves(const std::vector<ResolutionCurve>& curves)
{
    m_curves = curves;
    rebuild();
}

void EnergyResolutionView::clear()
{
    m_curves.clear();
    rebuild();
}

void EnergyResolutionView::rebuild()
{
    m_resolutionChart->removeAllSeries();
    m_biasChart->removeAllSeries();
    double eLow = 0, eHigh = 0, sigmaHigh = 0, biasLow = 0, biasHigh = 0;
    bool any = false;
    for (const ResolutionCurve& curve : m_curves)
        for (const ResolutionBin& bin : curve.result.bins) {
            eLow = any ? std::min(eLow, bin.low) : bin.low;
            eHigh = any ? std::max(eHigh, bin.high) : bin.high;
            any = true;
            if (bin.count < 2)
                continue;
            sigmaHigh = std::max(sigmaHigh, 100 * (bin.resolution + bin.resolutionError));
            biasLow = std::min(biasLow, 100 * (bin.bias - bin.biasError));
            biasHigh = std::max(biasHigh, 100 * (bin.bias + bin.biasError));
        }

    auto attach = [](QChart* chart, QAbstractSeries* series, QValueAxis* x, QValueAxis* y) {
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    };
    for (std::size_t c = 0; c < m_curves.size(); ++c) {
        const ResolutionCurve& curve = m_curves[c];
        const QColor color = kColors[c % std::size(kColors)];
        const QString name = QString::fromStdString(curve.label);
        auto* sigma = new QScatterSeries;
        auto* bias = new QScatterSeries;
        for (QScatterSeries* s : { sigma, bias }) {
            s->setName(name);
            s->setColor(color);
            s->setBorderColor(color.darker(130));
            s->setMarkerSize(10);
        }
        for (const ResolutionBin& bin : curve.result.bins) {
            if (bin.count < 2)
                continue;
            sigma->append(bin.meanEnergy, 100 * bin.resolution);
            bias->append(bin.meanEnergy, 100 * bin.bias);
        }
        attach(m_resolutionChart, sigma, m_energyAxis[0], m_resolutionAxis);
        attach(m_biasChart, bias, m_energyAxis[1], m_biasAxis);

        const StochasticFit& fit = curve.result.fit;
        if (fit.valid && eHigh > eLow) {
            auto* line = new QLineSeries;
            line->setName(tr("fit"));
            line->setPen(QPen(color, 2));
            for (int i = 0; i <= kFitPoints; ++i) {
                const double e = eLow + (eHigh - eLow) * i / kFitPoints;
                line->append(e, 100 * fit.at(e));
            }
            attach(m_resolutionChart, line, m_energyAxis[0], m_resolutionAxis);
        }
    }
    if (any) {
        auto* zero = new QLineSeries;
        zero->setName(tr("no bias"));
        zero->setPen(QPen(Qt::gray, 1, Qt::DashLine));
        zero->append(eLow, 0);
        zero->append(eHigh, 0);
        attach(m_biasChart, zero, m_energyAxis[1], m_biasAxis);
        for (QValueAxis* axis : m_energyAxis) {
            axis->setRange(eLow, eHigh);
            axis->setTickCount(4);
        }
        fitRange(m_resolutionAxis, 0, sigmaHigh, true);
        fitRange(m_biasAxis, biasLow, biasHigh, false);
    } else {
        for (QValueAxis* axis : m_energyAxis)
            axis->setRange(0, 100);
        m_resolutionAxis->setRange(0, 10);
        m_biasAxis->setRange(-5, 5);
    }
    m_summary->setText(summaryText());
}

QString EnergyResolutionView::summaryText() const
{
    if (m_curves.empty())
        return tr("No energy measurement yet: run the lesson's baseline step.");
    QStringList parts;
    for (const ResolutionCurve& curve : m_curves) {
        const EnergyResolution& r = curve.result;
        QString text = tr("%1: σ/E %2 % overall, bias %3 %")
                           .arg(QString::fromStdString(curve.label))
                           .arg(100 * r.overallResolution, 0, 'f', 2)
                           .arg(100 * r.overallBias, 0, 'f', 2);
        if (r.fit.valid)
            text += tr("; a = %1 GeV^½, b = %2 %").arg(r.fit.a, 0, 'f', 3).arg(100 * r.fit.b, 0, 'f', 2);
        parts << text;
    }
    return parts.join(QStringLiteral("  ·  "));
}

QString EnergyResolutionView::toCsv() const
{
    QString csv = "method,e_low,e_high,mean_energy,events,resolution,resolution_error,bias,bias_error,fit_a,"
                  "fit_b\n";
    for (const ResolutionCurve& curve : m_curves) {
        const QString name = ChartExport::csvField(QString::fromStdString(curve.label));
        for (const ResolutionBin& bin : curve.result.bins)
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11\n")
                       .arg(name)
                       .arg(bin.low, 0, 'g', 9)
                       .arg(bin.high, 0, 'g', 9)
                       .arg(bin.meanEnergy, 0, 'g', 9)
                       .arg(bin.count)
                       .arg(bin.resolution, 0, 'g', 9)
                       .arg(bin.resolutionError, 0, 'g', 9)
                       .arg(bin.bias, 0, 'g', 9)
                       .arg(bin.biasError, 0, 'g', 9)
                       .arg(curve.result.fit.a, 0, 'g', 9)
                       .arg(curve.result.fit.b, 0, 'g', 9);
    }
    return csv;
}

bool EnergyResolutionView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_charts, path, error);
}

} // namespace neurino
