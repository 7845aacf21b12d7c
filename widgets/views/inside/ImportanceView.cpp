#include "widgets/views/inside/ImportanceView.h"

#include "widgets/session/TaskQueue.h"
#include "widgets/session/TrainedModel.h"
#include "widgets/views/charts/ChartExport.h"
#include "widgets/views/charts/ColorScale.h"

#include "core/util/Error.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPointer>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <numeric>

namespace neurino {

namespace {

constexpr int kMargin = 12;
constexpr int kTitle = 22;
constexpr int kBarRow = 22;
constexpr int kNameWidth = 150;

QString className(const ImportanceData& d, int index)
{
    if (index >= 0 && index < static_cast<int>(d.classNames.size()))
        return QString::fromStdString(d.classNames[static_cast<std::size_t>(index)]);
    return index >= 0 ? QObject::tr("class %1").arg(index) : QObject::tr("none");
}

double largest(const std::vector<double>& values)
{
    double m = 0;
    for (double v : values)
        m = std::max(m, std::abs(v));
    return m;
}

} // namespace

class ImportanceView::Canvas : public QWidget {
public:
    explicit Canvas(ImportanceView* view)
        : QWidget(view)
        , m_view(view)
    {
        setMinimumSize(320, 220);
        setAutoFillBackground(true);
        setBackgroundRole(QPalette::Base);
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const ImportanceData& d = m_view->m_data;
        if (d.empty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                m_view->isComputing() ? tr("Computing…") : tr("Train a classifier to see what it looks at."));
            return;
        }
        if (d.images)
            paintImages(p, d);
        else
            paintFeatures(p, d);
    }

private:
    // The input, its gradient map and its occlusion map side by side, each with its colour bar.
    void paintImages(QPainter& p, const ImportanceData& d)
    {
        const int barSpace = 90;
        const int side = std::max(
            40, std::min((width() - 2 * kMargin - 3 * barSpace) / 3, height() - 2 * kMargin - kTitle));
        const auto panel
            = [&](int i) { return QRect(kMargin + i * (side + barSpace), kMargin + kTitle, side, side); };
        const QColor text = palette().color(QPalette::Text);
        const auto imageRange = std::minmax_element(d.image.begin(), d.image.end());
        const double imageLow = *imageRange.first, imageSpan = std::max(*imageRange.second - imageLow, 1e-12);
        const double gradientHigh
            = std::max<double>(*std::max_element(d.maps.gradient.begin(), d.maps.gradient.end()), 1e-12);
        const auto occlusionRange = std::minmax_element(d.maps.occlusion.begin(), d.maps.occlusion.end());
        const double occlusionScale = std::max(
            { std::abs(double(*occlusionRange.first)), std::abs(double(*occlusionRange.second)), 1e-12 });
        drawMap(p, panel(0), d.image, d, [imageLow, imageSpan](double v) {
            const int grey = static_cast<int>(255 * (v - imageLow) / imageSpan);
            return QColor(grey, grey, grey);
        });
        drawMap(p, panel(1), d.maps.gradient, d,
            [gradientHigh](double v) { return ColorScale::sequential(v / gradientHigh); });
        drawMap(p, panel(2), d.maps.occlusion, d,
            [occlusionScale](double v) { return ColorScale::diverging(v / occlusionScale); });
        p.setPen(text);
        const QString truth = d.truth >= 0 ? tr(", truly %1").arg(className(d, d.truth)) : QString();
        const QString titles[3] = { tr("Sample %1%2").arg(d.sample + 1).arg(truth),
            tr("Gradient |∂score/∂pixel|"), tr("Occlusion: score fall, %1×%1 patch").arg(d.maps.patch) };
        for (int i = 0; i < 3; ++i)
            p.drawText(QRect(panel(i).left(), kMargin, side + barSpace - 8, kTitle - 4),
                Qt::AlignLeft | Qt::AlignVCenter,
                fontMetrics().elidedText(titles[i], Qt::ElideRight, side + barSpace - 8));
        const auto bar = [&](int i) { return QRect(panel(i).right() + 10, panel(i).top(), 12, side); };
        ColorScale::drawBar(p, bar(1), 0, gradientHigh, false, QString(), text);
        ColorScale::drawBar(p, bar(2), -occlusionScale, occlusionScale, true, QString(), text);
    }

    template <typename ColorOf>
    void drawMap(QPainter& p, const QRect& where, const std::vector<float>& values, const ImportanceData& d,
        ColorOf colorOf)
    {
        QImage image(static_cast<int>(d.maps.width), static_cast<int>(d.maps.height), QImage::Format_RGB32);
        for (std::int64_t y = 0; y < d.maps.height; ++y)
            for (std::int64_t x = 0; x < d.maps.width; ++x)
                image.setPixelColor(static_cast<int>(x), static_cast<int>(y),
                    colorOf(values[static_cast<std::size_t>(y * d.maps.width + x)]));
        p.drawImage(where, image);
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(where.adjusted(0, 0, -1, -1));
    }

    // One row per feature, most important first: |gradient × input| and the permutation fall as two bars,
    // each scaled to its own largest value, with the value written beside it.
    void paintFeatures(QPainter& p, const ImportanceData& d)
    {
        const QColor text = palette().color(QPalette::Text);
        const QColor gradientColor(31, 119, 180), permutationColor(255, 127, 14);
        const bool permuted = !d.features.permutation.empty();
        const int barWidth = std::max(60, (width() - 2 * kMargin - kNameWidth - 2 * 70) / (permuted ? 2 : 1));
        p.setPen(text);
        const int left = kMargin + kNameWidth;
        p.fillRect(QRect(left, kMargin + 5, 10, 10), gradientColor);
        p.drawText(QRect(left + 14, kMargin, barWidth + 50, kTitle - 4), Qt::AlignLeft | Qt::AlignVCenter,
            tr("mean |gradient × input|"));
        if (permuted) {
            const int at = left + barWidth + 70;
            p.fillRect(QRect(at, kMargin + 5, 10, 10), permutationColor);
            p.drawText(QRect(at + 14, kMargin, barWidth + 50, kTitle - 4), Qt::AlignLeft | Qt::AlignVCenter,
                tr("%1 fall when shuffled").arg(QString::fromStdString(d.features.metric)));
        }
        const double gradientMax = std::max(largest(d.features.gradientTimesInput), 1e-12);
        const double permutationMax = std::max(largest(d.features.permutation), 1e-12);
        int y = kMargin + kTitle + 4;
        for (std::size_t f : d.features.ranking()) {
            if (y + kBarRow > height())
                break;
            p.setPen(text);
            p.drawText(QRect(kMargin, y, kNameWidth - 8, kBarRow), Qt::AlignRight | Qt::AlignVCenter,
                fontMetrics().elidedText(
                    QString::fromStdString(d.features.featureNames[f]), Qt::ElideRight, kNameWidth - 8));
            const auto drawBar = [&](int x, double value, double scale, const QColor& color) {
                const int length = static_cast<int>(barWidth * std::max(value, 0.0) / scale);
                p.fillRect(QRect(x, y + 4, length, kBarRow - 8), color);
                p.setPen(text);
                p.drawText(QRect(x + length + 4, y, 66, kBarRow), Qt::AlignLeft | Qt::AlignVCenter,
                    QString::number(value, 'g', 3));
            };
            drawBar(left, d.features.gradientTimesInput[f], gradientMax, gradientColor);
            if (permuted)
                drawBar(left + barWidth + 70, d.features.permutation[f], permutationMax, permutationColor);
            y += kBarRow;
        }
    }

    ImportanceView* m_view;
};

ImportanceView::ImportanceView(TaskQueue* tasks, QWidget* parent)
    : QWidget(parent)
    , m_tasks(tasks)
    , m_sample(new QSpinBox(this))
    , m_class(new QComboBox(this))
    , m_caption(new QLabel(this))
    , m_canvas(new Canvas(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Sample:"), this));
    m_sample->setObjectName("importanceSample");
    m_sample->setMinimum(1);
    m_sample->setToolTip(tr("A held-out sample (image data)"));
    controls->addWidget(m_sample);
    controls->addWidget(new QLabel(tr("Class:"), this));
    m_class->setObjectName("importanceClass");
    m_class->setToolTip(tr("The class whose score is explained"));
    controls->addWidget(m_class);
    controls->addStretch();
    ChartExport::addButtons(controls, m_canvas, "importance", [this] { return toCsv(); });
    layout->addLayout(controls);
    m_caption->setWordWrap(true);
    m_caption->setObjectName("importanceCaption");
    layout->addWidget(m_caption);
    // Every feature gets its row: a table of 28 features scrolls rather than losing its last ones.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_canvas);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    connect(m_sample, qOverload<int>(&QSpinBox::valueChanged), this, [this] { compute(); });
    connect(m_class, qOverload<int>(&QComboBox::activated), this, [this] { compute(); });
    updateControls();
    updateCaption();
}

void ImportanceView::setModel(std::shared_ptr<const TrainedModel> model, const QString& runName)
{
    m_model = std::move(model);
    m_runName = runName;
    m_data = {};
    m_canvas->setMinimumHeight(220);
    {
        const QSignalBlocker blockSample(m_sample), blockClass(m_class);
        m_class->clear();
        if (m_model) {
            m_sample->setMaximum(std::max(1, m_model->sampleCount()));
            m_sample->setValue(1);
            const std::vector<std::string>& names = m_model->classNames();
            if (names.size() == 2) {
                // A binary classifier has one score, that of its second class.
                m_class->addItem(tr("%1 (the score)").arg(QString::fromStdString(names[1])), 0);
            } else {
                if (m_model->hasImages())
                    m_class->addItem(tr("predicted"), -1);
                for (std::size_t i = 0; i < names.size(); ++i)
                    m_class->addItem(QString::fromStdString(names[i]), static_cast<int>(i));
            }
        }
    }
    updateControls();
    updateCaption();
    m_canvas->update();
}

void ImportanceView::ensureComputed()
{
    if (m_model && m_data.empty() && !m_task)
        compute();
}

void ImportanceView::showSample(int index, int classIndex)
{
    const QSignalBlocker blockSample(m_sample), blockClass(m_class);
    m_sample->setValue(index + 1);
    const int at = m_class->findData(classIndex);
    if (at >= 0)
        m_class->setCurrentIndex(at);
    compute();
}

void ImportanceView::compute()
{
    if (!m_model || !m_tasks) {
        updateCaption();
        m_canvas->update();
        return;
    }
    if (m_task) {
        m_pending = true;
        return;
    }
    std::shared_ptr<const TrainedModel> model = m_model;
    const int sample = m_sample->value() - 1;
    const int classIndex = m_class->currentData().isValid() ? m_class->currentData().toInt() : -1;
    const int job = ++m_job;
    auto outcome = std::make_shared<std::pair<ImportanceData, QString>>();
    const auto work = [model, sample, classIndex, outcome](StopToken&) {
        try {
            outcome->first = model->importance(sample, classIndex);
        } catch (const Error& e) {
            outcome->second = QString::fromStdString(e.what());
        } catch (const std::exception& e) {
            outcome->second = tr("LibTorch reported an error: %1").arg(QString::fromLocal8Bit(e.what()));
        }
    };
    TaskQueue::Hooks hooks;
    hooks.finished = [view = QPointer<ImportanceView>(this), outcome, job](bool ran) {
        if (!view || job != view->m_job)
            return;
        view->finish(outcome->first, ran ? outcome->second : tr("cancelled before it began"));
    };
    m_task = m_tasks->submit(TaskQueue::Lane::Analysis,
        tr("importance of %1").arg(QString::fromStdString(model->modelName())), work, nullptr,
        std::move(hooks));
    updateControls();
    updateCaption();
    m_canvas->update();
}

void ImportanceView::finish(const ImportanceData& data, const QString& error)
{
    m_task = 0;
    if (m_pending) {
        m_pending = false;
        compute();
        return;
    }
    updateControls();
    if (!error.isEmpty()) {
        m_data = {};
        m_caption->setText(tr("The importance could not be computed: %1").arg(error));
        m_canvas->update();
    } else {
        setData(data, m_runName);
    }
    emit computed();
}

void ImportanceView::setData(const ImportanceData& data, const QString& runName)
{
    m_data = data;
    m_runName = runName;
    const int rows = static_cast<int>(data.features.gradientTimesInput.size());
    m_canvas->setMinimumHeight(data.images || rows == 0 ? 220 : 2 * kMargin + kTitle + 4 + rows * kBarRow);
    if (data.images && data.maps.classIndex >= 0) {
        const QSignalBlocker block(m_class);
        // Show the class the maps are for, "predicted" staying chosen when it was.
        if (m_class->currentData().toInt() != -1) {
            const int at = m_class->findData(data.maps.classIndex);
            if (at >= 0)
                m_class->setCurrentIndex(at);
        }
    }
    updateControls();
    updateCaption();
    m_canvas->update();
}

void ImportanceView::updateControls()
{
    const bool images = m_model && m_model->hasImages();
    m_sample->setEnabled(images && !m_task);
    m_class->setEnabled(m_model && m_class->count() > 1);
}

void ImportanceView::updateCaption()
{
    const QString prefix = m_runName.isEmpty() ? QString() : m_runName + ": ";
    if (m_task) {
        m_caption->setText(prefix + tr("Computing what the model looks at…"));
        return;
    }
    const ImportanceData& d = m_data;
    if (d.empty()) {
        m_caption->setText(m_model ? tr("This model's data is neither images nor a table of features.")
                                   : tr("No importance yet: train a classifier first."));
        return;
    }
    if (d.images) {
        const QString scoreOf = d.maps.outputs == 1
            ? tr("the score")
            : tr("the score of %1").arg(className(d, d.maps.classIndex));
        const QString which = m_model
            ? tr("Held-out sample %1 of %2").arg(d.sample + 1).arg(m_model->sampleCount())
            : tr("A test image");
        m_caption->setText(prefix
            + tr("%1 (predicted %2). Bright gradient: pixels that move %3 most; red occlusion: hiding them "
                 "lowers it, blue: hiding them raises it.")
                  .arg(which, className(d, d.maps.predicted), scoreOf));
        return;
    }
    m_caption->setText(prefix
        + tr("%1 features over %2 held-out samples, most important first. Gradient × input: how far each "
             "feature moves the score from the training mean; shuffling: what the %3 loses without it.")
              .arg(d.features.gradientTimesInput.size())
              .arg(d.features.samples)
              .arg(d.features.metric.empty() ? tr("model") : QString::fromStdString(d.features.metric)));
}

QWidget* ImportanceView::plot() const
{
    return m_canvas;
}

QString ImportanceView::toCsv() const
{
    const ImportanceData& d = m_data;
    QString csv;
    if (d.images) {
        csv = "row,column,pixel,gradient,occlusion\n";
        for (std::int64_t y = 0; y < d.maps.height; ++y)
            for (std::int64_t x = 0; x < d.maps.width; ++x) {
                const auto i = static_cast<std::size_t>(y * d.maps.width + x);
                csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                           .arg(y)
                           .arg(x)
                           .arg(d.image[i], 0, 'g', 6)
                           .arg(d.maps.gradient[i], 0, 'g', 6)
                           .arg(d.maps.occlusion[i], 0, 'g', 6);
            }
        return csv;
    }
    csv = "feature,gradient_x_input,permutation\n";
    for (std::size_t f : d.features.ranking())
        csv += QStringLiteral("%1,%2,%3\n")
                   .arg(ChartExport::csvField(QString::fromStdString(d.features.featureNames[f])))
                   .arg(d.features.gradientTimesInput[f], 0, 'g', 6)
                   .arg(f < d.features.permutation.size() ? QString::number(d.features.permutation[f], 'g', 6)
                                                          : QString());
    return csv;
}

bool ImportanceView::exportPng(const QString& path, QString* error) const
{
    return ChartExport::savePng(m_canvas, path, error);
}

} // namespace neurino
