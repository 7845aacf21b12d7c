#include "widgets/views/charts/OutputDistributionView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QAreaSeries>
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

namespace neurino {

namespace {

const QColor kSignal(0, 114, 178);
const QColor kBackground(213, 94, 0);
// Below this KS probability the training and held-out outputs differ more than chance allows.
constexpr double kOvertrainingP = 0.05;

QString probability(double p)
{
    return std::isfinite(p) ? QString::number(p, 'g', 2) : QStringLiteral("–");
}

} // namespace

OutputDistributionView::OutputDistributionView(QWidget* parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_xAxis(new QValueAxis(this))
    , m_yAxis(new QValueAxis(this))
    , m_verdict(new QLabel(this))
{
    setObjectName("outputDistributionView");
    m_verdict->setObjectName("overtrainingVerdict");
    m_verdict->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_verdict, 1);
    ChartExport::addButtons(bar, m_view, "classifier_output", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    m_view->setRenderHint(QPainter::Antialiasing);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_xAxis->setTitleText(tr("classifier output (0: background-like, 1: signal-like)"));
    m_xAxis->setRange(0, 1);
    m_xAxis->setTickCount(11);
    m_xAxis->setLabelFormat("%.1f");
    m_yAxis->setTitleText(tr("normalised to unit area"));
    m_yAxis->setLabelFormat("%.3g");
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    clear();
}

void OutputDistributionView::setData(const OutputDistributions& data, const QString& runName)
{
    m_data = data;
    m_chart->removeAllSeries();
    if (data.empty()) {
        m_chart->setTitle(tr("Classifier output"));
        m_verdict->setText(tr("The output distributions appear when a binary classifier (signal against "
                              "background) has been trained with a validation or test part."));
        m_yAxis->setRange(0, 1);
        return;
    }
    const QString held = data.testPart;
    addTrain(data.trainSignal, kSignal, tr("signal (training)"));
    addTrain(data.trainBackground, kBackground, tr("background (training)"));
    addTest(data.testSignal, kSignal, tr("signal (%1), KS p = %2").arg(held, probability(data.ksSignal)));
    addTest(data.testBackground, kBackground,
        tr("background (%1), KS p = %2").arg(held, probability(data.ksBackground)));
    double top = 0;
    for (const auto* v : { &data.trainSignal, &data.trainBackground, &data.testSignal, &data.testBackground })
        top = std::max(top, v->empty() ? 0.0 : *std::max_element(v->begin(), v->end()));
    m_xAxis->setRange(data.low, data.high);
    m_yAxis->setRange(0, top > 0 ? top * 1.1 : 1);
    m_yAxis->applyNiceNumbers();
    m_chart->setTitle(runName.isEmpty() ? tr("Classifier output") : tr("Classifier output: %1").arg(runName));

    const double worst = std::min(data.ksSignal, data.ksBackground);
    if (!std::isfinite(worst))
        m_verdict->setText(tr("Too few samples of one class for a Kolmogorov–Smirnov test."));
    else if (worst < kOvertrainingP)
        m_verdict->setText(tr("<b>Possible overtraining:</b> the outputs on the training part differ from "
                              "those on the %1 part more than chance allows (KS p = %2 &lt; %3). The network "
                              "may have learned its training samples by heart.")
                               .arg(held, probability(worst))
                               .arg(kOvertrainingP));
    else
        m_verdict->setText(tr("No sign of overtraining: training (filled) and %1 (points) outputs agree "
                              "(KS p = %2 for signal, %3 for background; below %4 would be suspicious).")
                               .arg(held, probability(data.ksSignal), probability(data.ksBackground))
                               .arg(kOvertrainingP));
}

void OutputDistributionView::clear()
{
    setData({});
}

QString OutputDistributionView::toCsv() const
{
    QString csv = "bin_low,bin_high,train_signal,train_background,test_signal,test_background\n";
    const int n = m_data.bins();
    const double width = n > 0 ? (m_data.high - m_data.low) / n : 0;
    auto at = [](const std::vector<double>& v, int i) {
        return i < static_cast<int>(v.size()) ? v[static_cast<std::size_t>(i)] : 0.0;
    };
    for (int i = 0; i < n; ++i)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                   .arg(m_data.low + i * width, 0, 'g', 6)
                   .arg(m_data.low + (i + 1) * width, 0, 'g', 6)
                   .arg(at(m_data.trainSignal, i), 0, 'g', 9)
                   .arg(at(m_data.trainBackground, i), 0, 'g', 9)
                   .arg(at(m_data.testSignal, i), 0, 'g', 9)
                   .arg(at(m_data.testBackground, i), 0, 'g', 9);
    csv += QStringLiteral("# ks_probability_signal,%1\n# ks_probability_background,%2\n")
               .arg(m_data.ksSignal, 0, 'g', 6)
               .arg(m_data.ksBackground, 0, 'g', 6);
    return csv;
}

bool OutputDistributionView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_view, path, error);
}

void OutputDistributionView::addTrain(
    const std::vector<double>& density, const QColor& color, const QString& name)
{
    const int n = static_cast<int>(density.size());
    const double width = n > 0 ? (m_data.high - m_data.low) / n : 0;
    auto* upper = new QLineSeries;
    for (int i = 0; i < n; ++i) {
        upper->append(m_data.low + i * width, density[static_cast<std::size_t>(i)]);
        upper->append(m_data.low + (i + 1) * width, density[static_cast<std::size_t>(i)]);
    }
    auto* area = new QAreaSeries(upper);
    upper->setParent(area);
    area->setName(name);
    QColor fill = color;
    fill.setAlpha(70);
    area->setBrush(fill);
    area->setPen(QPen(color, 1.5));
    m_chart->addSeries(area);
    area->attachAxis(m_xAxis);
    area->attachAxis(m_yAxis);
}

void OutputDistributionView::addTest(
    const std::vector<double>& density, const QColor& color, const QString& name)
{
    const int n = static_cast<int>(density.size());
    const double width = n > 0 ? (m_data.high - m_data.low) / n : 0;
    auto* points = new QScatterSeries(this);
    points->setName(name);
    points->setMarkerSize(7);
    points->setColor(color);
    points->setBorderColor(color.darker(130));
    for (int i = 0; i < n; ++i)
        points->append(m_data.low + (i + 0.5) * width, density[static_cast<std::size_t>(i)]);
    m_chart->addSeries(points);
    points->attachAxis(m_xAxis);
    points->attachAxis(m_yAxis);
}

} // namespace neurino
