#include "widgets/views/charts/MetricChart.h"

#include "widgets/views/charts/AxisTicks.h"
#include "widgets/views/charts/ChartExport.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <set>

namespace neurino {

namespace {

// Run colours, distinct for the colour-blind as far as eight go (Okabe and Ito's palette).
const QColor kRunColors[] = { QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115),
    QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0), QColor(240, 228, 66) };
// The per-batch curve is drawn with at most this many points: beyond it, each of kMaxBatchPoints / 2
// buckets of consecutive batches is drawn as its lowest and highest point, which keeps the envelope a
// student sees on a chart a thousand pixels wide and a 100,000-batch run as quick to draw as a short one.
constexpr int kMaxBatchPoints = 2000;

// The points to draw for `points` under `keep`: all of them when few, else each bucket's lowest and highest
// in their order along x.
QList<QPointF> decimated(const std::vector<QPointF>& points, const std::function<bool(double)>& keep)
{
    QList<QPointF> out;
    const std::size_t n = points.size();
    if (n <= static_cast<std::size_t>(kMaxBatchPoints)) {
        for (const QPointF& p : points)
            if (keep(p.y()))
                out.append(p);
        return out;
    }
    const std::size_t buckets = kMaxBatchPoints / 2;
    out.reserve(kMaxBatchPoints);
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t begin = b * n / buckets, end = (b + 1) * n / buckets;
        const QPointF* low = nullptr;
        const QPointF* high = nullptr;
        for (std::size_t i = begin; i < end; ++i) {
            const QPointF& p = points[i];
            if (!keep(p.y()))
                continue;
            if (!low || p.y() < low->y())
                low = &p;
            if (!high || p.y() > high->y())
                high = &p;
        }
        if (!low)
            continue;
        out.append(low->x() <= high->x() ? *low : *high);
        if (low != high)
            out.append(low->x() <= high->x() ? *high : *low);
    }
    return out;
}

} // namespace

MetricChart::MetricChart(QWidget* parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_metricBox(new QComboBox(this))
    , m_logBox(new QCheckBox(tr("Log scale"), this))
    , m_batchBox(new QCheckBox(tr("Per batch"), this))
    , m_xAxis(new QValueAxis(this))
{
    setObjectName("metricChart");
    m_metricBox->setObjectName("metricBox");
    m_metricBox->setToolTip(tr("Which quantity to plot; dashed lines are the validation part"));
    m_metricBox->addItem("loss");
    m_logBox->setToolTip(tr("Logarithmic value axis: small losses late in training stay visible"));
    m_batchBox->setChecked(true);
    m_batchBox->setToolTip(tr("Show the loss of every batch, smoothed, as a thin line"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show"), this));
    bar->addWidget(m_metricBox);
    bar->addWidget(m_logBox);
    bar->addWidget(m_batchBox);
    bar->addStretch(1);
    ChartExport::addButtons(bar, m_view, "curves", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    m_view->setRenderHint(QPainter::Antialiasing);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_xAxis->setTitleText(tr("epoch"));
    m_xAxis->setLabelFormat("%g");
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    replaceValueAxis();
    updateAxes();

    connect(m_metricBox, &QComboBox::currentTextChanged, this, &MetricChart::setMetric);
    connect(m_logBox, &QCheckBox::toggled, this, &MetricChart::setLogScale);
    connect(m_batchBox, &QCheckBox::toggled, this, &MetricChart::setBatchCurveVisible);
}

MetricChart::~MetricChart() = default;

void MetricChart::addRun(int runId, const QString& name)
{
    if (m_runs.count(runId))
        return;
    Run& run = m_runs[runId];
    run.name = name;
    run.color = kRunColors[m_colorIndex++ % std::size(kRunColors)];
    createSeries(run);
    updateAxes();
}

void MetricChart::removeRun(int runId)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    Run& run = it->second;
    for (QAbstractSeries* s :
        std::initializer_list<QAbstractSeries*> { run.train, run.validation, run.batch, run.best }) {
        m_chart->removeSeries(s);
        delete s;
    }
    m_runs.erase(it);
    updateAxes();
}

void MetricChart::clear()
{
    while (!m_runs.empty())
        removeRun(m_runs.begin()->first);
    m_colorIndex = 0;
}

void MetricChart::addEpoch(int runId, const EpochStats& stats)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    Run& run = it->second;
    run.epochs.push_back(stats);
    const std::string name = m_metric.toStdString();
    const double train = valueOf(stats, name);
    const double validation = valueOf(stats, "val_" + name);
    if (plottable(train))
        run.train->append(stats.epoch, train);
    if (plottable(validation))
        run.validation->append(stats.epoch, validation);
    updateBest(run);
    updateLegend(run);
    updateMetricList();
    updateAxes();
}

void MetricChart::addBatch(int runId, const BatchStats& stats, double smoothedLoss)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end() || stats.batches <= 0)
        return;
    Run& run = it->second;
    const double x = stats.epoch - 1 + static_cast<double>(stats.batch) / static_cast<double>(stats.batches);
    run.batchLoss.emplace_back(x, smoothedLoss);
    run.batchExtent.add(x, smoothedLoss);
    if (m_metric != "loss" || !m_batchBox->isChecked())
        return;
    // Drawn once per turn of the event loop however many batches arrive: every change of a Qt Charts
    // series or axis re-strokes the whole line.
    run.batchPending = true;
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QMetaObject::invokeMethod(this, &MetricChart::flushBatches, Qt::QueuedConnection);
    }
}

void MetricChart::flushBatches()
{
    m_flushScheduled = false;
    bool changed = false;
    for (auto& [id, run] : m_runs) {
        if (!run.batchPending)
            continue;
        run.batchPending = false;
        if (m_metric == "loss" && m_batchBox->isChecked()) {
            run.batch->replace(decimated(run.batchLoss, [this](double y) { return plottable(y); }));
            changed = true;
        }
    }
    if (changed)
        updateAxes();
}

void MetricChart::setMetric(const QString& metric)
{
    if (metric.isEmpty())
        return;
    m_metric = metric;
    if (m_metricBox->currentText() != metric) {
        if (m_metricBox->findText(metric) < 0)
            m_metricBox->addItem(metric);
        m_metricBox->setCurrentText(metric);
    }
    for (auto& [id, run] : m_runs) {
        fillSeries(run);
        updateBest(run);
    }
    updateAxes();
}

QString MetricChart::metric() const
{
    return m_metric;
}

QStringList MetricChart::metrics() const
{
    QStringList out;
    for (int i = 0; i < m_metricBox->count(); ++i)
        out << m_metricBox->itemText(i);
    return out;
}

void MetricChart::setLogScale(bool on)
{
    if (on == m_log)
        return;
    m_log = on;
    m_logBox->setChecked(on);
    replaceValueAxis();
    setMetric(m_metric);
}

bool MetricChart::logScale() const
{
    return m_log;
}

void MetricChart::setBatchCurveVisible(bool on)
{
    m_batchBox->setChecked(on);
    setMetric(m_metric);
}

QList<int> MetricChart::runIds() const
{
    QList<int> ids;
    for (const auto& [id, run] : m_runs)
        ids << id;
    return ids;
}

QColor MetricChart::runColor(int runId) const
{
    auto it = m_runs.find(runId);
    return it == m_runs.end() ? QColor() : it->second.color;
}

int MetricChart::epochCount(int runId) const
{
    auto it = m_runs.find(runId);
    return it == m_runs.end() ? 0 : static_cast<int>(it->second.epochs.size());
}

int MetricChart::batchPointCount(int runId) const
{
    auto it = m_runs.find(runId);
    return it == m_runs.end() ? 0 : static_cast<int>(it->second.batchLoss.size());
}

int MetricChart::drawnBatchPointCount(int runId) const
{
    auto it = m_runs.find(runId);
    return it == m_runs.end() ? 0 : it->second.batch->count();
}

int MetricChart::bestEpoch(int runId) const
{
    auto it = m_runs.find(runId);
    return it == m_runs.end() ? 0 : it->second.bestEpoch;
}

QString MetricChart::toCsv() const
{
    QString csv = "run,epoch,batch,scalar,value\n";
    for (const auto& [id, run] : m_runs) {
        const QString name = ChartExport::csvField(run.name);
        for (const EpochStats& e : run.epochs) {
            for (const auto& [metric, value] : e.metrics)
                csv += QStringLiteral("%1,%2,,%3,%4\n")
                           .arg(name)
                           .arg(e.epoch)
                           .arg(QString::fromStdString(metric))
                           .arg(value, 0, 'g', 9);
            csv += QStringLiteral("%1,%2,,seconds,%3\n").arg(name).arg(e.epoch).arg(e.seconds, 0, 'g', 6);
        }
        for (const QPointF& p : run.batchLoss)
            csv += QStringLiteral("%1,%2,%3,smoothed_batch_loss,%4\n")
                       .arg(name)
                       .arg(static_cast<int>(std::ceil(p.x())))
                       .arg(p.x(), 0, 'f', 4)
                       .arg(p.y(), 0, 'g', 9);
    }
    return csv;
}

bool MetricChart::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_view, path, error);
}

void MetricChart::createSeries(Run& run)
{
    run.train = new QLineSeries(this);
    run.validation = new QLineSeries(this);
    run.batch = new QLineSeries(this);
    run.best = new QScatterSeries(this);
    QPen trainPen(run.color, 2.5);
    QPen validationPen(run.color, 2.5, Qt::DashLine);
    QColor faint = run.color;
    faint.setAlpha(110);
    run.train->setPen(trainPen);
    run.validation->setPen(validationPen);
    run.batch->setPen(QPen(faint, 1));
    run.best->setColor(run.color);
    run.best->setBorderColor(Qt::white);
    run.best->setMarkerSize(13);
    for (QAbstractSeries* s :
        std::initializer_list<QAbstractSeries*> { run.batch, run.train, run.validation, run.best }) {
        m_chart->addSeries(s);
        s->attachAxis(m_xAxis);
        s->attachAxis(m_yAxis);
    }
    fillSeries(run);
}

void MetricChart::fillSeries(Run& run)
{
    const std::string name = m_metric.toStdString();
    QList<QPointF> train, validation, batch;
    for (const EpochStats& e : run.epochs) {
        const double t = valueOf(e, name);
        const double v = valueOf(e, "val_" + name);
        if (plottable(t))
            train.append(QPointF(e.epoch, t));
        if (plottable(v))
            validation.append(QPointF(e.epoch, v));
    }
    if (m_metric == "loss" && m_batchBox->isChecked()) {
        batch = decimated(run.batchLoss, [this](double y) { return plottable(y); });
        run.batchPending = false;
    }
    run.train->replace(train);
    run.validation->replace(validation);
    run.batch->replace(batch);
    run.validation->setName(tr("%1 validation").arg(run.name));
    run.batch->setName(tr("%1 per batch (smoothed)").arg(run.name));
    updateLegend(run);
}

void MetricChart::updateLegend(Run& run)
{
    // One legend entry per run, its training line, named with its best epoch; the line styles are
    // explained in the title, so that several runs fit in the legend.
    run.train->setName(
        run.bestEpoch > 0 ? tr("%1, best epoch %2").arg(run.name).arg(run.bestEpoch) : run.name);
    for (QAbstractSeries* series :
        std::initializer_list<QAbstractSeries*> { run.validation, run.batch, run.best }) {
        for (QLegendMarker* marker : m_chart->legend()->markers(series))
            marker->setVisible(false);
    }
}

void MetricChart::updateBest(Run& run)
{
    run.best->clear();
    run.bestEpoch = run.epochs.empty() ? 0 : run.epochs.back().bestEpoch;
    if (run.bestEpoch <= 0 || run.bestEpoch > static_cast<int>(run.epochs.size()))
        return;
    const EpochStats& best = run.epochs[static_cast<std::size_t>(run.bestEpoch - 1)];
    const std::string name = m_metric.toStdString();
    double value = valueOf(best, "val_" + name);
    if (!std::isfinite(value))
        value = valueOf(best, name);
    if (plottable(value))
        run.best->append(best.epoch, value);
}

void MetricChart::updateMetricList()
{
    std::set<QString> names;
    for (const auto& [id, run] : m_runs) {
        for (const EpochStats& e : run.epochs) {
            for (const auto& [metric, value] : e.metrics) {
                QString n = QString::fromStdString(metric);
                if (n.startsWith("val_") || n.startsWith("test_"))
                    n = n.mid(n.indexOf('_') + 1);
                names.insert(n);
            }
        }
    }
    bool added = false;
    for (const QString& n : names) {
        if (m_metricBox->findText(n) < 0) {
            m_metricBox->addItem(n);
            added = true;
        }
    }
    if (added)
        emit metricsChanged();
}

bool MetricChart::plottable(double value) const
{
    return std::isfinite(value) && (!m_log || value > 0);
}

double MetricChart::valueOf(const EpochStats& epoch, const std::string& name) const
{
    auto it = epoch.metrics.find(name);
    return it == epoch.metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

} // namespace neurino
