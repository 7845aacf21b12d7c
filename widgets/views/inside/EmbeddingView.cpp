#include "widgets/views/inside/EmbeddingView.h"

#include "widgets/session/ThreadHandOver.h"
#include "widgets/session/TrainedModel.h"
#include "widgets/views/charts/AxisTicks.h"
#include "widgets/views/charts/ChartExport.h"
#include "widgets/views/inside/DecisionBoundaryView.h"

#include "core/train/StopToken.h"
#include "core/util/Error.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace neurino {

namespace {

constexpr int kLeftRoom = 60;
constexpr int kBottomRoom = 44;
constexpr int kTopRoom = 10;
constexpr int kLegendRoom = 170;
constexpr double kPointRadius = 3.0;
constexpr int kHoverPixels = 8; // how near the mouse must be to a point
constexpr int kThumb = 72;

int classCount(const EmbeddingData& d)
{
    int k = static_cast<int>(d.classNames.size());
    for (int label : d.labels)
        k = std::max(k, label + 1);
    return k;
}

QString className(const EmbeddingData& d, int label)
{
    if (label < 0)
        return QObject::tr("no class");
    if (label < static_cast<int>(d.classNames.size()) && !d.classNames[label].empty())
        return QString::fromStdString(d.classNames[label]);
    return QObject::tr("class %1").arg(label);
}

} // namespace

class EmbeddingView::Plot : public QWidget {
public:
    explicit Plot(EmbeddingView* owner)
        : QWidget(owner)
        , m_owner(owner)
    {
        setMinimumSize(420, 300);
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
        setMouseTracking(true);
    }

    int hovered() const { return m_hover; }
    void setHover(int index)
    {
        m_hover = index;
        update();
    }
    void resetHover() { m_hover = -1; }

    QRect area() const
    {
        return QRect(kLeftRoom, kTopRoom, std::max(60, width() - kLeftRoom - kLegendRoom - 10),
            std::max(60, height() - kTopRoom - kBottomRoom));
    }

    // Data range with a small margin, per axis.
    void range(double& x0, double& x1, double& y0, double& y1) const
    {
        const EmbeddingData& d = m_owner->m_data;
        const auto [xl, xh] = std::minmax_element(d.x.begin(), d.x.end());
        const auto [yl, yh] = std::minmax_element(d.y.begin(), d.y.end());
        const double mx = std::max(1e-9, (*xh - *xl) * 0.05), my = std::max(1e-9, (*yh - *yl) * 0.05);
        x0 = *xl - mx;
        x1 = *xh + mx;
        y0 = *yl - my;
        y1 = *yh + my;
    }

    QPointF toPixels(double x, double y) const
    {
        double x0, x1, y0, y1;
        range(x0, x1, y0, y1);
        const QRect a = area();
        return QPointF(
            a.left() + (x - x0) / (x1 - x0) * a.width(), a.bottom() - (y - y0) / (y1 - y0) * a.height());
    }

protected:
    void mouseMoveEvent(QMouseEvent* event) override
    {
        const EmbeddingData& d = m_owner->m_data;
        int best = -1;
        double bestDistance = kHoverPixels * kHoverPixels;
        for (int i = 0; i < d.size(); ++i) {
            const QPointF delta = toPixels(d.x[i], d.y[i]) - event->position();
            const double distance = QPointF::dotProduct(delta, delta);
            if (distance <= bestDistance) {
                bestDistance = distance;
                best = i;
            }
        }
        if (best != m_hover) {
            m_hover = best;
            update();
        }
    }

    void leaveEvent(QEvent*) override
    {
        m_hover = -1;
        update();
    }

    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        const EmbeddingData& d = m_owner->m_data;
        if (d.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect().adjusted(20, 0, -20, 0), Qt::AlignCenter | Qt::TextWordWrap,
                m_owner->isRunning()
                    ? tr("Projecting…")
                    : tr("After training, choose a layer and PCA or t-SNE, then Compute: each "
                         "sample becomes a point coloured by its class."));
            return;
        }
        const QRect a = area();
        const int k = std::max(1, classCount(d));
        p.setRenderHint(QPainter::Antialiasing);
        p.save();
        p.setClipRect(a);
        p.setPen(QPen(QColor(30, 30, 30, 160), 0.6));
        for (int i = 0; i < d.size(); ++i) {
            p.setBrush(d.labels[i] >= 0 ? DecisionBoundaryView::classColor(d.labels[i], std::max(k, 3))
                                        : QColor(120, 120, 120));
            p.drawEllipse(toPixels(d.x[i], d.y[i]), kPointRadius, kPointRadius);
        }
        p.restore();
        const QColor text = palette().color(QPalette::Text);
        p.setPen(QPen(text, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(a);
        drawAxes(p, d, a);
        drawLegend(p, d, a, k);
        if (m_hover >= 0 && m_hover < d.size())
            drawHover(p, d, a);
    }

private:
    void drawAxes(QPainter& p, const EmbeddingData& d, const QRect& a) const
    {
        double x0, x1, y0, y1;
        range(x0, x1, y0, y1);
        for (double x : niceTicks(x0, x1)) {
            const double px = toPixels(x, y0).x();
            p.drawLine(QPointF(px, a.bottom()), QPointF(px, a.bottom() + 5));
            p.drawText(QRectF(px - 30, a.bottom() + 6, 60, 16), Qt::AlignCenter, QString::number(x, 'g', 3));
        }
        for (double y : niceTicks(y0, y1)) {
            const double py = toPixels(x0, y).y();
            p.drawLine(QPointF(a.left() - 5, py), QPointF(a.left(), py));
            p.drawText(QRectF(0, py - 8, a.left() - 8, 16), Qt::AlignRight | Qt::AlignVCenter,
                QString::number(y, 'g', 3));
        }
        const bool pca = d.method == QLatin1String("PCA");
        const QString xTitle = pca
            ? tr("principal component 1 (%1 % of the variance)").arg(100 * d.explained[0], 0, 'f', 1)
            : tr("t-SNE axis 1");
        const QString yTitle = pca ? tr("principal component 2 (%1 %)").arg(100 * d.explained[1], 0, 'f', 1)
                                   : tr("t-SNE axis 2");
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(QRect(a.left(), a.bottom() + 22, a.width(), 18), Qt::AlignCenter, xTitle);
        p.save();
        p.translate(12, a.center().y());
        p.rotate(-90);
        p.drawText(QRect(-a.height() / 2, -8, a.height(), 18), Qt::AlignCenter, yTitle);
        p.restore();
        p.setFont(font());
    }

    void drawLegend(QPainter& p, const EmbeddingData& d, const QRect& a, int k) const
    {
        const int left = a.right() + 16;
        int y = a.top();
        p.drawText(QRect(left, y, kLegendRoom - 10, 18), Qt::AlignLeft | Qt::AlignVCenter, tr("True class:"));
        y += 20;
        for (int i = 0; i < k && i < 20; ++i) {
            p.setPen(QPen(QColor(30, 30, 30), 0.8));
            p.setBrush(DecisionBoundaryView::classColor(i, std::max(k, 3)));
            p.drawEllipse(QPointF(left + 7, y + 9), kPointRadius + 1, kPointRadius + 1);
            p.setPen(palette().color(QPalette::Text));
            p.drawText(
                QRect(left + 18, y, kLegendRoom - 28, 18), Qt::AlignLeft | Qt::AlignVCenter, className(d, i));
            y += 20;
        }
        y += 10;
        p.drawText(QRect(left, y, kLegendRoom - 10, 60), Qt::AlignLeft | Qt::TextWordWrap,
            tr("Hover a point to see its sample."));
    }

    void drawHover(QPainter& p, const EmbeddingData& d, const QRect& a) const
    {
        const QPointF at = toPixels(d.x[m_hover], d.y[m_hover]);
        p.setPen(QPen(palette().color(QPalette::Text), 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(at, kPointRadius + 4, kPointRadius + 4);
        const bool picture = d.images && !d.thumbnails.empty();
        const QSize size(160, picture ? kThumb + 50 : 44);
        QRect box(QPoint(static_cast<int>(at.x()) + 12, static_cast<int>(at.y()) + 12), size);
        if (box.right() > a.right())
            box.moveRight(static_cast<int>(at.x()) - 12);
        if (box.bottom() > a.bottom())
            box.moveBottom(static_cast<int>(at.y()) - 12);
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(palette().color(QPalette::ToolTipBase));
        p.drawRect(box);
        p.setPen(palette().color(QPalette::ToolTipText));
        p.drawText(box.adjusted(6, 4, -6, 0), Qt::AlignLeft | Qt::AlignTop,
            tr("sample %1\nclass: %2").arg(d.rows[m_hover]).arg(className(d, d.labels[m_hover])));
        if (picture) {
            const int h = static_cast<int>(d.sampleShape[1]), w = static_cast<int>(d.sampleShape[2]);
            const float* v = d.thumbnails.data() + static_cast<std::size_t>(m_hover) * h * w;
            const auto [lo, hi] = std::minmax_element(v, v + static_cast<std::ptrdiff_t>(h) * w);
            const float span = *hi > *lo ? *hi - *lo : 1.0f;
            QImage image(w, h, QImage::Format_Grayscale8);
            for (int r = 0; r < h; ++r) {
                for (int x = 0; x < w; ++x)
                    image.scanLine(r)[x] = static_cast<uchar>(std::lround(255 * (v[r * w + x] - *lo) / span));
            }
            p.drawImage(
                QRect(box.left() + (box.width() - kThumb) / 2, box.top() + 42, kThumb, kThumb), image);
        }
    }

    EmbeddingView* m_owner;
    int m_hover = -1;
};

EmbeddingView::EmbeddingView(TaskQueue* tasks, QWidget* parent)
    : QWidget(parent)
    , m_layer(new QComboBox(this))
    , m_method(new QComboBox(this))
    , m_compute(new QPushButton(tr("Compute"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_caption(new QLabel(this))
    , m_plot(new Plot(this))
    , m_tasks(tasks)
{
    setObjectName("embeddingView");
    m_layer->setObjectName("embeddingLayer");
    m_layer->setToolTip(tr("The inputs, or the layer whose activations are projected"));
    m_method->setObjectName("embeddingMethod");
    m_method->addItem(QStringLiteral("PCA"));
    m_method->addItem(QStringLiteral("t-SNE"));
    m_method->setToolTip(
        tr("PCA: the two directions of largest variance (fast, linear). t-SNE: keeps "
           "neighbours together (slower, non-linear; distances between clusters mean little)."));
    m_compute->setObjectName("embeddingCompute");
    m_cancel->setObjectName("embeddingCancel");
    m_progress->setObjectName("embeddingProgress");
    m_progress->setMaximumWidth(160);
    m_caption->setObjectName("embeddingCaption");
    m_caption->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:"), this));
    bar->addWidget(m_layer, 1);
    bar->addWidget(m_method);
    bar->addWidget(m_compute);
    bar->addWidget(m_cancel);
    bar->addWidget(m_progress);
    ChartExport::addButtons(bar, m_plot, "embedding", [this] { return toCsv(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_caption);
    layout->addWidget(m_plot, 1);
    connect(m_compute, &QPushButton::clicked, this, [this] { compute(); });
    connect(m_cancel, &QPushButton::clicked, this, &EmbeddingView::cancel);
    clear();
}

EmbeddingView::~EmbeddingView()
{
    // The job reports to this view: it must end first, and its result is not wanted.
    ++m_job;
    if (m_task && m_tasks)
        m_tasks->wait(m_task);
}

QWidget* EmbeddingView::plot() const
{
    return m_plot;
}

void EmbeddingView::setModel(std::shared_ptr<const TrainedModel> model, const QString& runName)
{
    if (m_task) {
        // The old model's projection is of no use any more: end it, and drop its result when it comes.
        ++m_job;
        if (m_tasks)
            m_tasks->wait(m_task);
        m_task = 0;
    }
    m_model = std::move(model);
    m_runName = runName;
    m_layer->clear();
    if (m_model) {
        int dense = 0;
        for (const TrainedModel::Layer& l : m_model->layers())
            dense += l.kind == "Dense" ? 1 : 0;
        int chosen = 0, seen = 0;
        for (const TrainedModel::Layer& l : m_model->layers()) {
            m_layer->addItem(l.kind == "Input" ? tr("inputs: %1").arg(TrainedModel::describe(l))
                                               : TrainedModel::describe(l),
                QString::fromStdString(l.id));
            // The last hidden dense layer: where a classifier's classes should be apart.
            if (l.kind == "Dense" && ++seen == dense - 1)
                chosen = m_layer->count() - 1;
        }
        m_layer->setCurrentIndex(chosen);
    }
    setData({}, runName);
    if (m_model)
        compute();
}

void EmbeddingView::compute()
{
    compute(m_layer->currentData().toString(), m_method->currentText());
}

void EmbeddingView::compute(const QString& node, const QString& method)
{
    if (!m_model || m_task || !m_tasks)
        return;
    const int index = m_layer->findData(node);
    if (index >= 0 && index != m_layer->currentIndex())
        m_layer->setCurrentIndex(index);
    m_method->setCurrentText(method);
    std::shared_ptr<const TrainedModel> model = m_model;
    const std::string id = node.toStdString();
    const TrainedModel::Method how
        = method == QLatin1String("PCA") ? TrainedModel::Method::Pca : TrainedModel::Method::Tsne;
    m_progress->setRange(0, how == TrainedModel::Method::Pca ? 0 : 1000);
    m_progress->setValue(0);
    const int job = ++m_job;
    // Filled on the analysis lane; read on this thread when the task has ended.
    auto outcome = std::make_shared<std::pair<EmbeddingData, QString>>();
    const auto work = [this, model, id, how, outcome](StopToken& stop) {
        try {
            outcome->first = model->embedding(id, how, kMaxSamples, [this, &stop](int done, int total) {
                postTo(this, [this, done, total] {
                    m_progress->setRange(0, total);
                    m_progress->setValue(done);
                });
                return !stop.stopRequested();
            });
        } catch (const Error& e) {
            outcome->second = QString::fromStdString(e.what());
        } catch (const std::exception& e) {
            outcome->second = tr("LibTorch reported an error: %1").arg(QString::fromLocal8Bit(e.what()));
        }
    };
    TaskQueue::Hooks hooks;
    // When the task has ended (and its lane is free for the next projection), unless a newer job replaced it.
    hooks.finished = [view = QPointer<EmbeddingView>(this), outcome, job](bool ran) {
        if (!view || job != view->m_job)
            return;
        if (!ran)
            outcome->second = tr("cancelled before it began");
        view->finishJob(outcome->first, outcome->second);
    };
    m_task = m_tasks->submit(
        TaskQueue::Lane::Analysis, tr("%1 of %2").arg(method, node), work, nullptr, std::move(hooks));
    m_caption->setText(tr("Projecting %1 with %2…").arg(m_layer->currentText(), method));
    updateControls();
    m_plot->update();
}

void EmbeddingView::cancel()
{
    if (m_task && m_tasks)
        m_tasks->cancel(m_task);
}

void EmbeddingView::finishJob(const EmbeddingData& data, const QString& error)
{
    m_task = 0;
    updateControls();
    if (!error.isEmpty()) {
        m_caption->setText(tr("The projection failed: %1").arg(error));
        m_plot->update();
    } else {
        setData(data, m_runName);
    }
    emit computed();
}

void EmbeddingView::updateControls()
{
    const bool running = m_task != 0;
    m_compute->setEnabled(m_model && !running);
    m_layer->setEnabled(m_model && !running);
    m_method->setEnabled(m_model && !running);
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
}

void EmbeddingView::setData(const EmbeddingData& data, const QString& runName)
{
    m_data = data;
    m_runName = runName;
    m_plot->resetHover();
    if (data.empty()) {
        m_caption->setText(m_model ? tr("Choose a layer and a method, then Compute.")
                                   : tr("No embedding yet: train a model first."));
    } else {
        QString text = (runName.isEmpty() ? QString() : runName + ": ")
            + tr("%1 of %2 for the first %3 samples of the data, coloured by their true class.")
                  .arg(data.method, data.nodeText)
                  .arg(data.size());
        if (data.method == QLatin1String("t-SNE"))
            text += data.cancelled ? tr(" Cancelled: the layout so far.")
                                   : tr(" KL divergence %1.").arg(data.klDivergence, 0, 'f', 3);
        text += tr(" Separate clusters mean the layer tells the classes apart.");
        m_caption->setText(text);
    }
    updateControls();
    m_plot->update();
}

void EmbeddingView::clear()
{
    setModel(nullptr);
}

int EmbeddingView::hovered() const
{
    return m_plot->hovered();
}

void EmbeddingView::showHover(int index)
{
    m_plot->setHover(index >= 0 && index < m_data.size() ? index : -1);
}

QString EmbeddingView::toCsv() const
{
    QString csv = "row,class,x,y\n";
    for (int i = 0; i < m_data.size(); ++i)
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(m_data.rows[i])
                   .arg(m_data.labels[i])
                   .arg(m_data.x[i], 0, 'g', 6)
                   .arg(m_data.y[i], 0, 'g', 6);
    return csv;
}

bool EmbeddingView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_plot, path, error);
}

} // namespace neurino
