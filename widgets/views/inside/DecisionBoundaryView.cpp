#include "widgets/views/inside/DecisionBoundaryView.h"

#include "widgets/views/charts/AxisTicks.h"
#include "widgets/views/charts/ChartExport.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLinearGradient>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

constexpr int kLeftRoom = 56; // y tick labels and the axis title
constexpr int kBottomRoom = 44; // x tick labels and the axis title
constexpr int kTopRoom = 10;
constexpr int kLegendRoom = 190; // class swatches and the colour bar, right of the plane
// How far the plane's colour goes towards the class colour where the model is sure, so that the points,
// drawn in the full colour, stand out from it.
constexpr double kPlaneStrength = 0.6;
constexpr double kPointRadius = 3.2;

QColor mix(const QColor& from, const QColor& to, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(from.redF() + t * (to.redF() - from.redF()),
        from.greenF() + t * (to.greenF() - from.greenF()), from.blueF() + t * (to.blueF() - from.blueF()));
}

// The plane's colour for one cell: white when undecided, the class colour (paler) when sure.
QColor cellColor(const DecisionBoundaryData& data, int cell)
{
    const double p = data.probability[cell];
    const int k = std::max(2, data.classes);
    if (k == 2) {
        const int side = p >= 0.5 ? 1 : 0;
        return mix(
            Qt::white, DecisionBoundaryView::classColor(side, 2), kPlaneStrength * std::abs(p - 0.5) * 2);
    }
    const double sure = (p - 1.0 / k) / (1.0 - 1.0 / k);
    return mix(Qt::white, DecisionBoundaryView::classColor(data.predicted[cell], k), kPlaneStrength * sure);
}

QString className(const DecisionBoundaryData& data, int i)
{
    const QString number = QObject::tr("class %1").arg(i);
    if (i < static_cast<int>(data.classNames.size()) && !data.classNames[i].empty())
        return number + ": " + QString::fromStdString(data.classNames[i]);
    return number;
}

} // namespace

QColor DecisionBoundaryView::classColor(int index, int classes)
{
    // Two classes: the ends of ColorBrewer's RdBu diverging map; more: Tableau's ten colours.
    if (classes <= 2)
        return index == 1 ? QColor(202, 0, 32) : QColor(5, 113, 176);
    static const QColor kPalette[] = { QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
        QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
        QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207) };
    return kPalette[std::abs(index) % 10];
}

class DecisionBoundaryView::Plot : public QWidget {
public:
    explicit Plot(DecisionBoundaryView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setMinimumSize(360, 260);
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    // The plane in pixels: square, so that distances read the same along both axes.
    QRect planeRect() const
    {
        const int side = std::max(
            40, std::min(width() - kLeftRoom - kLegendRoom - 10, height() - kTopRoom - kBottomRoom));
        return QRect(kLeftRoom, kTopRoom, side, side);
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        const DecisionBoundaryData& data = m_owner->m_data;
        if (data.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap,
                tr("The decision boundary appears while a classifier trains on data with two input "
                   "features (such as xor, circles or spirals), after its first epoch."));
            return;
        }
        const QRect plane = planeRect();
        QImage image(data.columns, data.rows, QImage::Format_RGB32);
        for (int r = 0; r < data.rows; ++r) {
            // Row 0 is the lowest y: the image's last line.
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(data.rows - 1 - r));
            for (int c = 0; c < data.columns; ++c)
                line[c] = cellColor(data, r * data.columns + c).rgb();
        }
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(plane, image);
        p.setRenderHint(QPainter::Antialiasing);
        drawPoints(p, data, plane);
        p.setPen(QPen(palette().color(QPalette::Text), 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(plane);
        drawAxes(p, data, plane);
        drawLegend(p, data, plane);
    }

private:
    QPointF toPixels(const DecisionBoundaryData& d, const QRect& plane, double x, double y) const
    {
        return QPointF(plane.left() + (x - d.xMin) / (d.xMax - d.xMin) * plane.width(),
            plane.bottom() - (y - d.yMin) / (d.yMax - d.yMin) * plane.height());
    }

    void drawPoints(QPainter& p, const DecisionBoundaryData& data, const QRect& plane) const
    {
        p.save();
        p.setClipRect(plane);
        p.setPen(QPen(QColor(30, 30, 30), 0.8));
        for (std::size_t i = 0; i < data.pointX.size(); ++i) {
            p.setBrush(classColor(data.pointLabel[i], data.classes));
            p.drawEllipse(toPixels(data, plane, data.pointX[i], data.pointY[i]), kPointRadius, kPointRadius);
        }
        p.restore();
    }

    void drawAxes(QPainter& p, const DecisionBoundaryData& data, const QRect& plane) const
    {
        const QColor text = palette().color(QPalette::Text);
        p.setPen(text);
        for (double x : niceTicks(data.xMin, data.xMax)) {
            const double px = toPixels(data, plane, x, data.yMin).x();
            p.drawLine(QPointF(px, plane.bottom()), QPointF(px, plane.bottom() + 5));
            p.drawText(
                QRectF(px - 30, plane.bottom() + 6, 60, 16), Qt::AlignCenter, QString::number(x, 'g', 3));
        }
        for (double y : niceTicks(data.yMin, data.yMax)) {
            const double py = toPixels(data, plane, data.xMin, y).y();
            p.drawLine(QPointF(plane.left() - 5, py), QPointF(plane.left(), py));
            p.drawText(QRectF(0, py - 8, plane.left() - 8, 16), Qt::AlignRight | Qt::AlignVCenter,
                QString::number(y, 'g', 3));
        }
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(QRect(plane.left(), plane.bottom() + 22, plane.width(), 18), Qt::AlignCenter,
            tr("input feature 1 (x1)"));
        p.save();
        p.translate(10, plane.center().y());
        p.rotate(-90);
        p.drawText(
            QRect(-plane.height() / 2, -8, plane.height(), 18), Qt::AlignCenter, tr("input feature 2 (x2)"));
        p.restore();
        p.setFont(font());
    }

    void drawLegend(QPainter& p, const DecisionBoundaryData& data, const QRect& plane) const
    {
        const int k = std::max(2, data.classes);
        const int left = plane.right() + 16;
        const int width = kLegendRoom - 10;
        int y = plane.top();
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(left, y, width, 18), Qt::AlignLeft | Qt::AlignVCenter, tr("Training samples:"));
        y += 20;
        for (int i = 0; i < k; ++i) {
            p.setPen(QPen(QColor(30, 30, 30), 0.8));
            p.setBrush(classColor(i, k));
            p.drawEllipse(QPointF(left + 7, y + 9), kPointRadius + 1, kPointRadius + 1);
            p.setPen(palette().color(QPalette::Text));
            p.drawText(
                QRect(left + 18, y, width - 18, 18), Qt::AlignLeft | Qt::AlignVCenter, className(data, i));
            y += 20;
        }
        y += 12;
        if (k != 2) {
            p.drawText(QRect(left, y, width, 80), Qt::AlignLeft | Qt::TextWordWrap,
                tr("Background: the predicted class, paler where the model is less sure."));
            return;
        }
        p.drawText(QRect(left, y, width, 36), Qt::AlignLeft | Qt::TextWordWrap,
            tr("Background: the model's probability of class 1"));
        y += 40;
        const int barHeight = std::max(60, std::min(160, plane.bottom() - y - 10));
        const QRect bar(left, y, 16, barHeight);
        QLinearGradient gradient(bar.topLeft(), bar.bottomLeft());
        gradient.setColorAt(0, mix(Qt::white, classColor(1, 2), kPlaneStrength));
        gradient.setColorAt(0.5, Qt::white);
        gradient.setColorAt(1, mix(Qt::white, classColor(0, 2), kPlaneStrength));
        p.setPen(QPen(palette().color(QPalette::Text), 1));
        p.setBrush(gradient);
        p.drawRect(bar);
        const auto label = [&](double fraction, const QString& text) {
            const int ly = bar.top() + static_cast<int>(fraction * bar.height());
            p.drawLine(bar.right(), ly, bar.right() + 4, ly);
            p.drawText(
                QRect(bar.right() + 7, ly - 9, width - 24, 18), Qt::AlignLeft | Qt::AlignVCenter, text);
        };
        label(0, tr("p = 1"));
        label(0.5, tr("p = 0.5: undecided"));
        label(1, tr("p = 0"));
    }

    DecisionBoundaryView* m_owner;
};

DecisionBoundaryView::DecisionBoundaryView(QWidget* parent)
    : QWidget(parent)
    , m_plot(new Plot(this))
    , m_caption(new QLabel(this))
{
    setObjectName("decisionBoundaryView");
    m_caption->setObjectName("boundaryCaption");
    m_caption->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_caption, 1);
    ChartExport::addButtons(bar, m_plot, "decision_boundary", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_plot, 1);
    clear();
}

QWidget* DecisionBoundaryView::plot() const
{
    return m_plot;
}

void DecisionBoundaryView::setData(const DecisionBoundaryData& data, const QString& runName)
{
    m_data = data;
    if (data.empty()) {
        m_caption->setText(
            tr("No decision boundary yet: train a classifier on data with two input features."));
    } else {
        int right = 0;
        for (std::size_t i = 0; i < data.pointX.size(); ++i)
            right += data.classAt(data.pointX[i], data.pointY[i]) == data.pointLabel[i] ? 1 : 0;
        const int points = static_cast<int>(data.pointX.size());
        m_caption->setText((runName.isEmpty() ? QString() : runName + ", ")
            + tr("after epoch %1: the colour is the model's answer at every point of the input plane; the "
                 "white band, where it is undecided, is the decision boundary. %2 of the %3 training samples "
                 "drawn (%4 %) lie on their own class's side.")
                  .arg(data.epoch)
                  .arg(right)
                  .arg(points)
                  .arg(points > 0 ? 100.0 * right / points : 0.0, 0, 'f', 0));
    }
    m_plot->update();
}

void DecisionBoundaryView::clear()
{
    setData({});
}

QString DecisionBoundaryView::toCsv() const
{
    const bool binary = m_data.classes <= 2;
    QString csv = binary ? "x1,x2,p_class1,predicted\n" : "x1,x2,p_predicted,predicted\n";
    for (int r = 0; r < m_data.rows; ++r) {
        for (int c = 0; c < m_data.columns; ++c) {
            const int cell = r * m_data.columns + c;
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(m_data.cellX(c), 0, 'g', 6)
                       .arg(m_data.cellY(r), 0, 'g', 6)
                       .arg(m_data.probability[cell], 0, 'g', 5)
                       .arg(m_data.predicted[cell]);
        }
    }
    return csv;
}

bool DecisionBoundaryView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_plot, path, error);
}

} // namespace neurino
