#include "widgets/views/charts/RocView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <iterator>

namespace neurino {

namespace {

const QColor kColors[] = { QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115),
    QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0) };

} // namespace

RocView::RocView(QWidget* parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_xAxis(new QValueAxis(this))
    , m_yAxis(new QValueAxis(this))
{
    setObjectName("rocView");
    auto* hint = new QLabel(tr("Signal efficiency: the share of signal events kept. Background rejection: "
                               "the share of background events thrown away. Up and to the right is better; "
                               "AUC 0.5 is guessing, 1 is perfect."),
        this);
    hint->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(hint, 1);
    ChartExport::addButtons(bar, m_view, "roc", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    m_view->setRenderHint(QPainter::Antialiasing);
    m_chart->setTitle(tr("ROC curve"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    for (QValueAxis* axis : { m_xAxis, m_yAxis }) {
        axis->setRange(0, 1);
        axis->setTickCount(6);
        axis->setLabelFormat("%.1f");
    }
    m_xAxis->setTitleText(tr("signal efficiency"));
    m_yAxis->setTitleText(tr("background rejection"));
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);

    auto* guess = new QLineSeries(this);
    guess->setName(tr("random guess (AUC 0.5)"));
    guess->append(0, 1);
    guess->append(1, 0);
    guess->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    m_chart->addSeries(guess);
    guess->attachAxis(m_xAxis);
    guess->attachAxis(m_yAxis);
}

void RocView::setCurve(int runId, const RocData& data, const QColor& color)
{
    removeCurve(runId);
    Curve& c = m_curves[runId];
    c.data = data;
    c.series = new QLineSeries(this);
    c.series->setName(tr("%1: AUC %2").arg(data.runName).arg(data.auc, 0, 'f', 3));
    const QColor pen = color.isValid() ? color : kColors[m_colorIndex++ % std::size(kColors)];
    c.series->setPen(QPen(pen, 2.5));
    QList<QPointF> points;
    points.reserve(static_cast<int>(data.signalEfficiency.size()));
    for (std::size_t i = 0; i < data.signalEfficiency.size() && i < data.backgroundRejection.size(); ++i)
        points.append(QPointF(data.signalEfficiency[i], data.backgroundRejection[i]));
    c.series->replace(points);
    m_chart->addSeries(c.series);
    c.series->attachAxis(m_xAxis);
    c.series->attachAxis(m_yAxis);
}

void RocView::removeCurve(int runId)
{
    auto it = m_curves.find(runId);
    if (it == m_curves.end())
        return;
    m_chart->removeSeries(it->second.series);
    delete it->second.series;
    m_curves.erase(it);
}

void RocView::clear()
{
    while (!m_curves.empty())
        removeCurve(m_curves.begin()->first);
    m_colorIndex = 0;
}

const RocData* RocView::curve(int runId) const
{
    auto it = m_curves.find(runId);
    return it == m_curves.end() ? nullptr : &it->second.data;
}

QString RocView::toCsv() const
{
    QString csv = "run,auc,signal_efficiency,background_rejection\n";
    for (const auto& [id, c] : m_curves) {
        const QString name = ChartExport::csvField(c.data.runName);
        for (std::size_t i = 0; i < c.data.signalEfficiency.size(); ++i)
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(name)
                       .arg(c.data.auc, 0, 'g', 9)
                       .arg(c.data.signalEfficiency[i], 0, 'g', 9)
                       .arg(c.data.backgroundRejection[i], 0, 'g', 9);
    }
    return csv;
}

bool RocView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_view, path, error);
}

} // namespace neurino
