#include "widgets/views/charts/PivotView.h"

#include "widgets/views/charts/ChartExport.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

// One colour per nuisance value, low to high: blue, black, vermilion (colour-blind safe).
const QColor kPivotColors[] = { QColor(0, 114, 178), QColor(40, 40, 40), QColor(213, 94, 0) };

QString probability(double p)
{
    return p >= 0.001 ? QString::number(p, 'f', 3) : QString::number(p, 'e', 0);
}

QString shiftName(double shift)
{
    if (shift == 0)
        return PivotView::tr("nominal");
    return QStringLiteral("%1%2 %").arg(shift > 0 ? "+" : "−").arg(std::abs(100 * shift), 0, 'f', 0);
}

} // namespace

PivotView::PivotView(QWidget* parent)
    : QWidget(parent)
    , m_panels(new QWidget(this))
    , m_panelLayout(new QHBoxLayout(m_panels))
    , m_empty(new QLabel(this))
    , m_hint(new QLabel(this))
{
    setObjectName("pivotView");
    m_hint->setObjectName("pivotHint");
    m_hint->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_hint, 1);
    ChartExport::addButtons(bar, m_panels, "pivot", [this] { return toCsv(); });
    m_panelLayout->setContentsMargins(0, 0, 0, 0);
    m_panelLayout->setSpacing(4);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setText(tr("No classifier yet: run the lesson's training steps."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_panels, 1);
    layout->addWidget(m_empty, 1);
    rebuild();
}

void PivotView::setFigure(const exercises::PivotFigure& figure)
{
    m_figure = figure;
    rebuild();
}

void PivotView::clear()
{
    m_figure = exercises::PivotFigure();
    rebuild();
}

void PivotView::rebuild()
{
    while (QLayoutItem* item = m_panelLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_charts.clear();
    m_captions.clear();
    for (std::size_t i = 0; i < m_figure.panels.size(); ++i)
        m_panelLayout->addWidget(makePanel(m_figure.panels[i], int(i)), 1);
    // The colours' key and the axes' meaning go here, once: at 1366x768 each panel's chart is about 200
    // pixels wide, too narrow for a legend and axis titles.
    QStringList key;
    for (std::size_t z = 0; z < m_figure.nuisanceValues.size() && z < 3; ++z)
        key << QStringLiteral("<span style=\"color:%1\">■</span> %2")
                   .arg(kPivotColors[z].name(), shiftName(m_figure.nuisanceValues[z]));
    m_hint->setText(tr("Classifier output (0 to 1) at the %1 %2; signal solid, background dashed. KS: the "
                       "probability that the outputs at −σ / +σ agree with the nominal ones.")
                        .arg(m_figure.nuisanceName.empty() ? tr("nuisance values")
                                                           : QString::fromStdString(m_figure.nuisanceName))
                        .arg(key.join(QStringLiteral(" "))));
    m_panels->setVisible(!m_figure.empty());
    m_empty->setVisible(m_figure.empty());
}

QWidget* PivotView::makePanel(const exercises::PivotPanel& panel, int index)
{
    auto* box = new QWidget;
    auto* caption = new QLabel(box);
    caption->setObjectName(QStringLiteral("pivotCaption%1").arg(index));
    caption->setWordWrap(true);
    QFont captionFont = caption->font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.9);
    caption->setFont(captionFont);
    caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* chart = new QChart;
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->legend()->hide();
    QFont small = chart->legend()->font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    auto* x = new QValueAxis(chart);
    x->setLabelsFont(small);
    x->setRange(0, 1);
    x->setTickCount(3);
    x->setLabelFormat("%.1f");
    auto* y = new QValueAxis(chart);
    y->setLabelsFont(small);
    y->setLabelFormat("%.0f");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    const int bins = std::max(1, m_figure.bins);
    double top = 0;
    for (std::size_t c = 0; c < panel.densities.size(); ++c) {
        const bool signal = c + 1 == panel.densities.size();
        for (std::size_t z = 0; z < panel.densities[c].size(); ++z) {
            auto* line = new QLineSeries;
            const QColor color = kPivotColors[std::min<std::size_t>(z, 2)];
            line->setPen(QPen(color, signal ? 2.0 : 1.5, signal ? Qt::SolidLine : Qt::DashLine));
            // A step outline of the histogram.
            const auto& d = panel.densities[c][z];
            for (std::size_t b = 0; b < d.size(); ++b) {
                line->append(double(b) / bins, d[b]);
                line->append(double(b + 1) / bins, d[b]);
                top = std::max(top, d[b]);
            }
            line->setName(
                z < m_figure.nuisanceValues.size() ? shiftName(m_figure.nuisanceValues[z]) : QString());
            chart->addSeries(line);
            line->attachAxis(x);
            line->attachAxis(y);
        }
    }
    const double step = top > 10 ? 5 : top > 4 ? 2 : 1;
    y->setRange(0, std::max(step, std::ceil(top / step) * step));
    y->setTickCount(int(std::max(step, std::ceil(top / step) * step) / step) + 1);

    auto* view = new QChartView(chart, box);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(80);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(caption);
    layout->addWidget(view, 1);
    m_charts.push_back(chart);
    m_captions.push_back(caption);
    caption->setText(panelText(index));
    return box;
}

QString PivotView::panelText(int index) const
{
    if (index < 0 || index >= int(m_figure.panels.size()))
        return {};
    const exercises::PivotPanel& p = m_figure.panels[std::size_t(index)];
    QStringList ks;
    for (std::size_t c = 0; c < p.ksLow.size() && c < m_figure.classNames.size(); ++c)
        ks << tr("%1 %2 / %3")
                  .arg(QString::fromStdString(m_figure.classNames[c]))
                  .arg(probability(p.ksLow[c]))
                  .arg(probability(p.ksHigh[c]));
    return tr("<b>%1</b> · AUC %2<br>KS %3")
        .arg(QString::fromStdString(p.label).toHtmlEscaped())
        .arg(p.auc, 0, 'f', 3)
        .arg(ks.join(QStringLiteral(", ")));
}

QString PivotView::toCsv() const
{
    QString csv = "classifier,class,nuisance,bin_low,bin_high,density\n";
    const int bins = std::max(1, m_figure.bins);
    for (const exercises::PivotPanel& p : m_figure.panels)
        for (std::size_t c = 0; c < p.densities.size(); ++c)
            for (std::size_t z = 0; z < p.densities[c].size(); ++z)
                for (std::size_t b = 0; b < p.densities[c][z].size(); ++b)
                    csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                               .arg(ChartExport::csvField(QString::fromStdString(p.label)))
                               .arg(c < m_figure.classNames.size()
                                       ? QString::fromStdString(m_figure.classNames[c])
                                       : QString::number(c))
                               .arg(z < m_figure.nuisanceValues.size() ? m_figure.nuisanceValues[z] : 0.0, 0,
                                   'g', 6)
                               .arg(double(b) / bins, 0, 'g', 6)
                               .arg(double(b + 1) / bins, 0, 'g', 6)
                               .arg(p.densities[c][z][b], 0, 'g', 9);
    return csv;
}

bool PivotView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_panels, path, error);
}

} // namespace neurino
