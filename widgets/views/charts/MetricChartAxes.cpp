// MetricChart's axes: epochs along x from 0, the metric up the y axis, linear or logarithmic, fitted to the
// curves shown.
#include "widgets/views/charts/MetricChart.h"

#include "widgets/views/charts/AxisTicks.h"

#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

// Room above and below the data on a linear axis, as a fraction of its span.
constexpr double kMargin = 0.06;

QString title(const QString& metric)
{
    if (metric.isEmpty())
        return metric;
    return metric.left(1).toUpper() + metric.mid(1);
}

void setEpochRange(QValueAxis* axis, double maxX)
{
    axis->setRange(0, maxX);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    // Whole epochs: a half-epoch step printed with "%d" read 0, 0, 1, 1, 2, 2 ...
    axis->setTickInterval(std::max(1.0, niceStep(maxX, 10)));
    axis->setLabelFormat("%d");
}

// Whole decades around the data.
void setLogRange(QLogValueAxis* axis, double low, double high)
{
    const double lo = std::pow(10.0, std::floor(std::log10(low)));
    double hi = std::pow(10.0, std::ceil(std::log10(high)));
    if (hi <= lo)
        hi = lo * 10;
    axis->setRange(lo, hi);
}

void setLinearRange(QValueAxis* axis, double low, double high)
{
    double span = high - low;
    if (span <= 0)
        span = std::max(std::abs(high), 1.0) * 0.1;
    double lo = low - kMargin * span;
    // Losses, accuracies and AUCs are never negative: do not show room below zero.
    if (low >= 0 && lo < 0)
        lo = 0;
    axis->setRange(lo, high + kMargin * span);
    axis->applyNiceNumbers();
}

} // namespace

void MetricChart::Extent::add(double x, double y)
{
    if (!std::isfinite(x) || !std::isfinite(y))
        return;
    maxX = std::max(maxX, x);
    low = std::min(low, y);
    high = std::max(high, y);
    if (y > 0)
        lowPositive = std::min(lowPositive, y);
}

QPointF MetricChart::xRange() const
{
    return { m_xAxis->min(), m_xAxis->max() };
}

double MetricChart::epochTickInterval() const
{
    return m_xAxis->tickInterval();
}

QPointF MetricChart::yRange() const
{
    if (auto* log = qobject_cast<QLogValueAxis*>(m_yAxis))
        return { log->min(), log->max() };
    auto* linear = static_cast<QValueAxis*>(m_yAxis);
    return { linear->min(), linear->max() };
}

void MetricChart::updateAxes()
{
    double maxX = 1;
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (const auto& [id, run] : m_runs) {
        for (QLineSeries* s : { run.train, run.validation }) {
            if (!s->isVisible())
                continue;
            for (const QPointF& p : s->points()) {
                maxX = std::max(maxX, p.x());
                low = std::min(low, p.y());
                high = std::max(high, p.y());
            }
        }
        // The per-batch extent is kept as batches arrive: its series may be thinned, and scanning every
        // batch on every update would make a long run ever slower to follow.
        if (run.batch->isVisible() && run.batch->count() > 0) {
            const Extent& e = run.batchExtent;
            maxX = std::max(maxX, e.maxX);
            low = std::min(low, m_log ? e.lowPositive : e.low);
            high = std::max(high, e.high);
        }
        maxX = std::max(maxX, static_cast<double>(run.epochs.size()));
    }
    setEpochRange(m_xAxis, std::ceil(maxX));
    if (!std::isfinite(low)) {
        low = m_log ? 0.01 : 0;
        high = 1;
    }
    if (m_log)
        setLogRange(static_cast<QLogValueAxis*>(m_yAxis), low, high);
    else
        setLinearRange(static_cast<QValueAxis*>(m_yAxis), low, high);
    m_yAxis->setTitleText(m_metric);
    m_chart->setTitle(
        tr("%1 per epoch: solid training, dashed validation, thin per batch (smoothed), dot the best epoch")
            .arg(title(m_metric)));
}

void MetricChart::replaceValueAxis()
{
    if (m_yAxis) {
        for (QAbstractSeries* s : m_chart->series())
            s->detachAxis(m_yAxis);
        m_chart->removeAxis(m_yAxis);
        delete m_yAxis;
    }
    if (m_log) {
        auto* axis = new QLogValueAxis(this);
        axis->setBase(10);
        axis->setLabelFormat("%g");
        axis->setMinorTickCount(8);
        m_yAxis = axis;
    } else {
        auto* axis = new QValueAxis(this);
        axis->setLabelFormat("%.3g");
        m_yAxis = axis;
    }
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    for (QAbstractSeries* s : m_chart->series())
        s->attachAxis(m_yAxis);
}

} // namespace neurino
