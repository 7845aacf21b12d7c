#include "widgets/guide/GuideDock.h"

#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/physics/PadMapView.h"
#include "widgets/views/charts/RocView.h"

#include "core/util/Error.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/Leaderboard.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace neurino {

using exercises::CheckResult;
using State = ExerciseRunner::StepState;

namespace {

// Training curves of the lessons get run ids from here on, apart from the training panel's runs.
constexpr int kCurveIdBase = 100000;
// Ids of the lesson's ROC curves, apart from the runs' and the training curves'.
constexpr int kEvaluationIdBase = 200000;
const QColor kPassBackground("#c8e6c9"), kPassText("#1b5e20");
const QColor kFailBackground("#ffcdd2"), kFailText("#b71c1c");
const QColor kPendingText("#78909c");

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// A round marker for a step's state: grey ring pending, blue running, green done, red failed.
QIcon stateIcon(State state)
{
    QPixmap pixmap(28, 28);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF circle(4, 4, 20, 20);
    switch (state) {
    case State::Pending:
        p.setPen(QPen(QColor("#b0bec5"), 2.5));
        p.drawEllipse(circle);
        break;
    case State::Running:
        p.setPen(Qt::NoPen);
        p.setBrush(QColor("#1e88e5"));
        p.drawEllipse(circle);
        p.setBrush(Qt::white);
        p.drawPolygon(QPolygonF({ QPointF(11, 9), QPointF(19, 14), QPointF(11, 19) }));
        break;
    case State::Done:
        p.setPen(Qt::NoPen);
        p.setBrush(QColor("#43a047"));
        p.drawEllipse(circle);
        p.setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(QPolygonF({ QPointF(9, 14.5), QPointF(12.5, 18), QPointF(19, 10) }));
        break;
    case State::Failed:
        p.setPen(Qt::NoPen);
        p.setBrush(QColor("#e53935"));
        p.drawEllipse(circle);
        p.setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(10, 10), QPointF(18, 18));
        p.drawLine(QPointF(18, 10), QPointF(10, 18));
        break;
    }
    return QIcon(pixmap);
}

QString stateText(State state)
{
    switch (state) {
    case State::Running:
        return QObject::tr("running…");
    case State::Done:
        return QObject::tr("done");
    case State::Failed:
        return QObject::tr("failed");
    case State::Pending:
        break;
    }
    return {};
}

QString formatValue(double value, int decimals)
{
    return std::isnan(value) ? QStringLiteral("nan") : QString::number(value, 'f', decimals);
}

// Observations are counts ("eye-scan mistakes on the test half") or fractions.
QString formatObservation(double value)
{
    if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) >= 1)
        return QString::number(std::llround(value));
    return formatValue(value, 4);
}

} // namespace

GuideDock::GuideDock(RunScheduler* scheduler, QWidget* parent)
    : QDockWidget(tr("Exercise Guide"), parent)
    , m_runner(new ExerciseRunner(scheduler, this))
{
    setObjectName("guideDock");
    buildUi();

    connect(m_runner, &ExerciseRunner::stepStateChanged, this, [this](int index, State state) {
        updateSteps();
        const auto& step = m_runner->exercise()->steps[std::size_t(index)];
        if (state == State::Running) {
            m_activity->setText(tr("Step %1 running: %2").arg(index + 1).arg(qs(step.title)));
            selectStep(index);
            requestView(index);
        } else if (state == State::Done) {
            emit message(tr("Exercise step %1 done: %2").arg(index + 1).arg(qs(step.title)), false);
            requestView(index);
        }
    });
    connect(m_runner, &ExerciseRunner::stepFailed, this, [this](int index, const QString& text) {
        if (m_stopRequested)
            m_error->setText(
                tr("<b>Step %1 stopped.</b> Press <i>Run step</i> to run it again.").arg(index + 1));
        else
            m_error->setText(tr("<b>Step %1 failed:</b> %2<br>Fix the cause and press <i>Run step</i> to try "
                                "again.")
                                 .arg(index + 1)
                                 .arg(text.toHtmlEscaped()));
        m_error->show();
        emit message(tr("Exercise step %1 failed: %2").arg(index + 1).arg(text), true);
    });
    connect(m_runner, &ExerciseRunner::runningChanged, this, [this](bool running) {
        if (running) {
            m_error->hide();
            m_trainingBar->setRange(0, 0);
            m_trainingBar->show();
        } else {
            m_trainingBar->hide();
            const int done = m_runner->doneCount();
            QString text = m_runner->lastError().isEmpty()
                ? tr("%1 of %2 steps done.").arg(done).arg(m_runner->stepCount())
                : tr("Stopped at an error.");
            bool missed = false;
            for (const CheckResult& r : m_runner->results())
                missed = missed || (r.measured() && !r.passed);
            if (missed && m_runner->options().reduced)
                text += tr(" A quick run trains on little data for few epochs, so checks may miss their "
                           "targets: untick Quick run for the lesson's full data.");
            m_activity->setText(text);
            // Go on with the next step's text, unless the step failed.
            if (m_runner->lastError().isEmpty() && m_runner->nextStep() < m_runner->stepCount())
                selectStep(m_runner->nextStep());
        }
        updateButtons();
    });
    connect(
        m_runner, &ExerciseRunner::message, this, [this](const QString& line) { emit message(line, false); });
    connect(m_runner, &ExerciseRunner::checkMeasured, this, [this](int index) {
        const CheckResult& r = m_runner->results()[std::size_t(index)];
        emit message(tr("Check %1: %2 = %3 (target %4)")
                         .arg(qs(r.status()), qs(r.check.name), formatValue(*r.value, r.check.decimals + 1),
                             qs(r.check.targetText())),
            !r.passed);
        updateResults();
    });
    connect(m_runner, &ExerciseRunner::observed, this, [this] { updateResults(); });
    connect(m_runner, &ExerciseRunner::trainingStarted, this,
        [this](int id, const QString& label, const TrainStart& start) {
            m_activity->setText(tr("Training %1: %2 parameters on %3 samples")
                                    .arg(label)
                                    .arg(start.parameters)
                                    .arg(start.trainSamples));
            m_trainingBar->setRange(0, int(std::max<std::int64_t>(1, start.epochs * start.batchesPerEpoch)));
            m_trainingBar->setValue(0);
            if (m_views.curves)
                m_views.curves->addRun(kCurveIdBase + id, tr("Exercise: %1").arg(label));
        });
    connect(m_runner, &ExerciseRunner::trainingBatch, this,
        [this](int id, const BatchStats& stats, double smoothed) {
            m_trainingBar->setValue(int((stats.epoch - 1) * stats.batches + stats.batch));
            m_trainingBar->setFormat(
                tr("epoch %1 of %2, loss %3").arg(stats.epoch).arg(stats.epochs).arg(smoothed, 0, 'f', 3));
            if (m_views.curves)
                m_views.curves->addBatch(kCurveIdBase + id, stats, smoothed);
        });
    connect(m_runner, &ExerciseRunner::trainingEpoch, this, [this](int id, const EpochStats& stats) {
        if (m_views.curves)
            m_views.curves->addEpoch(kCurveIdBase + id, stats);
    });
    connect(m_runner, &ExerciseRunner::evaluated, this, [this](const QString& label, const RunEvaluation& e) {
        if (m_views.confusion && !e.confusion.empty())
            m_views.confusion->setData(e.confusion, label);
        if (m_views.roc && e.roc) {
            const auto known = m_rocCurves.find(label);
            const int id = known != m_rocCurves.end() ? known->second : kEvaluationIdBase + int(m_rocCurves.size());
            m_rocCurves[label] = id;
            m_views.roc->setCurve(id, *e.roc);
        }
    });
    connect(m_runner, &ExerciseRunner::padMapChanged, this, [this] {
        if (!m_views.padMap)
            return;
        if (const exercises::PadMap* map = m_runner->padMap())
            m_views.padMap->setData(*map);
        else
            m_views.padMap->clear();
    });
    updateButtons();
}

void GuideDock::buildUi()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->setSpacing(6);

    m_title = new QLabel(tr("No exercise open"), page);
    m_title->setObjectName("guideTitle");
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_summary = new QLabel(tr("Choose a lesson from the Exercises menu."), page);
    m_summary->setWordWrap(true);
    m_summary->setStyleSheet("color: #546e7a;");
    m_progress = new QProgressBar(page);
    m_progress->setObjectName("guideProgress");
    m_progress->setFormat(tr("%v of %m steps done"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    m_steps = new QListWidget(page);
    m_steps->setObjectName("guideSteps");
    m_steps->setIconSize(QSize(18, 18));
    m_steps->setSpacing(1);
    m_steps->setToolTip(tr("The lesson's steps: click one to read it; Run step performs it"));

    m_tabs = new QTabWidget(page);
    m_tabs->setDocumentMode(true);
    m_text = new QTextBrowser(m_tabs);
    m_text->setObjectName("guideText");
    m_text->setOpenExternalLinks(true);
    m_tabs->addTab(m_text, tr("Text"));

    auto* hintsPage = new QWidget(m_tabs);
    auto* hintsLayout = new QVBoxLayout(hintsPage);
    hintsLayout->setContentsMargins(0, 4, 0, 0);
    m_hints = new QTextBrowser(hintsPage);
    m_hints->setObjectName("guideHints");
    m_hintButton = new QPushButton(tr("Show a Hint"), hintsPage);
    m_hintButton->setObjectName("guideHintButton");
    m_hintButton->setToolTip(tr("Reveals the next hint; try on your own first"));
    hintsLayout->addWidget(m_hints, 1);
    hintsLayout->addWidget(m_hintButton, 0, Qt::AlignLeft);
    m_tabs->addTab(hintsPage, tr("Hints"));
    connect(m_hintButton, &QPushButton::clicked, this, &GuideDock::showNextHint);

    auto* boardPage = new QWidget(m_tabs);
    auto* boardLayout = new QVBoxLayout(boardPage);
    boardLayout->setContentsMargins(0, 4, 0, 0);
    m_leaderboard = new QTableWidget(0, 5, boardPage);
    m_leaderboard->setObjectName("guideLeaderboard");
    m_leaderboard->setHorizontalHeaderLabels(
        { tr("Name"), tr("Model"), tr("Score"), tr("Parameters"), tr("Date") });
    m_leaderboard->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_leaderboard->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_leaderboard->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_leaderboard->horizontalHeader()->setStretchLastSection(true);
    m_submitButton = new QPushButton(tr("Add My Result…"), boardPage);
    m_submitButton->setObjectName("guideSubmitButton");
    boardLayout->addWidget(m_leaderboard, 1);
    boardLayout->addWidget(m_submitButton, 0, Qt::AlignLeft);
    m_tabs->addTab(boardPage, tr("Leaderboard"));
    connect(m_submitButton, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(
            this, tr("Leaderboard"), tr("Your name or your team's:"), QLineEdit::Normal, {}, &ok);
        if (ok && !name.trimmed().isEmpty())
            submitScore(name.trimmed());
    });

    m_results = new QTreeWidget(page);
    m_results->setObjectName("guideResults");
    m_results->setColumnCount(3);
    m_results->setHeaderLabels({ tr("Check"), tr("Value"), tr("Target") });
    m_results->setRootIsDecorated(false);
    m_results->setWordWrap(true);
    m_results->header()->setStretchLastSection(false);
    m_results->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_results->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_results->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);

    m_splitter = new QSplitter(Qt::Vertical, page);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_steps);
    m_splitter->addWidget(m_tabs);
    m_splitter->addWidget(m_results);
    m_splitter->setStretchFactor(1, 1);

    m_activity = new QLabel(page);
    m_activity->setObjectName("guideActivity");
    m_activity->setWordWrap(true);
    m_trainingBar = new QProgressBar(page);
    m_trainingBar->setTextVisible(true);
    m_trainingBar->hide();
    m_error = new QLabel(page);
    m_error->setObjectName("guideError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet("color: #b71c1c; background: #ffebee; padding: 6px; border-radius: 3px;");
    m_error->hide();

    m_quick = new QCheckBox(tr("Quick run (reduced data)"), page);
    m_quick->setObjectName("guideQuickRun");
    m_quick->setToolTip(tr("Small data sets and few epochs: seconds instead of minutes, for slow laptops. "
                           "Checks may then miss their targets. Changing it starts the lesson afresh."));
    connect(m_quick, &QCheckBox::toggled, this, [this] {
        if (!m_id.isEmpty() && !m_runner->isRunning())
            openExercise(m_id);
    });
    m_canvasModel = new QCheckBox(tr("Train my model from the canvas"), page);
    m_canvasModel->setObjectName("guideCanvasModel");
    m_canvasModel->hide();
    m_runButton = new QPushButton(tr("Run Step"), page);
    m_runButton->setObjectName("guideRunButton");
    m_runButton->setDefault(true);
    QFont runFont = m_runButton->font();
    runFont.setBold(true);
    m_runButton->setFont(runFont);
    m_stopButton = new QPushButton(tr("Stop"), page);
    m_stopButton->setObjectName("guideStopButton");
    m_stopButton->setToolTip(tr("End the step's training after the current batch"));
    connect(m_runButton, &QPushButton::clicked, this, [this] {
        const int selected = selectedStep();
        if (selected < 0)
            runNextStep();
        else
            runStep(selected);
    });
    connect(m_stopButton, &QPushButton::clicked, this, &GuideDock::stop);
    connect(m_steps, &QListWidget::currentRowChanged, this, [this] {
        showStepText();
        updateButtons();
        requestView(selectedStep());
    });

    auto* options = new QHBoxLayout;
    options->addWidget(m_quick);
    options->addWidget(m_canvasModel);
    options->addStretch(1);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(m_runButton);

    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_activity);
    layout->addWidget(m_trainingBar);
    layout->addWidget(m_error);
    layout->addLayout(options);
    layout->addLayout(buttons);
    setWidget(page);
}

void GuideDock::fitPanes()
{
    const int total = m_splitter->height();
    if (total < 100)
        return;
    // The step list and the checks as tall as their rows (within limits); the text takes the rest.
    const int stepRow = m_steps->count() > 0 ? m_steps->sizeHintForRow(0) + 2 * m_steps->spacing() : 24;
    const int steps = std::min(total / 3, m_steps->count() * stepRow + 2 * m_steps->frameWidth() + 6);
    m_fittedResultRows = m_results->topLevelItemCount();
    const int resultRow = m_fittedResultRows > 0 ? m_results->sizeHintForRow(0) : fontMetrics().height() + 6;
    const int results = std::min(total * 2 / 5,
        (m_fittedResultRows + 1) * resultRow + m_results->header()->sizeHint().height()
            + 2 * m_results->frameWidth());
    m_splitter->setSizes({ steps, std::max(120, total - steps - results), results });
}

void GuideDock::resizeEvent(QResizeEvent* event)
{
    QDockWidget::resizeEvent(event);
    fitPanes();
}

void GuideDock::attachViews(const GuideViews& views)
{
    m_views = views;
}

bool GuideDock::openExercise(const QString& id)
{
    if (m_runner->isRunning()) {
        emit message(
            tr("A step of the exercise is still running: stop it before opening another lesson."), true);
        return false;
    }
    try {
        const auto& catalog = exercises::ExerciseCatalog::instance();
        const std::string why = catalog.unavailableReason(id.toStdString());
        if (!why.empty()) {
            emit message(tr("The exercise '%1' cannot run here: %2").arg(id, qs(why)), true);
            return false;
        }
        exercises::RunOptions options;
        options.reduced = m_quick->isChecked();
        m_runner->open(id, options);
    } catch (const Error& e) {
        emit message(tr("Cannot open the exercise '%1': %2").arg(id, qs(e.what())), true);
        return false;
    }
    m_id = id;
    m_hintsShown = 0;
    m_score.reset();
    const exercises::Exercise& e = *m_runner->exercise();
    m_title->setText(tr("Lesson %1 · %2").arg(e.number).arg(qs(e.title)));
    m_summary->setText(qs(e.summary));
    m_error->hide();
    m_activity->setText(m_quick->isChecked() ? tr("Quick run: reduced data, few epochs.")
                                             : tr("Full run: the lesson's data; steps may take minutes."));
    m_steps->blockSignals(true);
    m_steps->clear();
    auto* intro = new QListWidgetItem(tr("Introduction"), m_steps);
    intro->setIcon(style()->standardIcon(QStyle::SP_FileDialogInfoView));
    for (std::size_t i = 0; i < e.steps.size(); ++i)
        new QListWidgetItem(m_steps);
    m_steps->blockSignals(false);
    updateSteps();
    updateResults();
    updateHints();
    updateLeaderboard();
    if (m_views.padMap)
        m_views.padMap->clear();
    if (m_views.roc) {
        for (const auto& [label, curve] : m_rocCurves)
            m_views.roc->removeCurve(curve);
    }
    m_rocCurves.clear();
    selectStep(-1);
    m_tabs->setCurrentIndex(0);
    fitPanes();
    emit message(
        tr("Exercise opened: %1%2").arg(qs(e.title), m_quick->isChecked() ? tr(" (quick run)") : ""), false);
    emit exerciseOpened(id);
    return true;
}

QString GuideDock::exerciseId() const
{
    return m_id;
}

void GuideDock::setQuickRun(bool on)
{
    m_quick->setChecked(on);
}

bool GuideDock::quickRun() const
{
    return m_quick->isChecked();
}

void GuideDock::setTaskModelSource(std::function<QString()> source)
{
    m_taskModelSource = std::move(source);
    m_canvasModel->setVisible(bool(m_taskModelSource));
    updateButtons();
}

void GuideDock::setUseCanvasModel(bool on)
{
    m_canvasModel->setChecked(on);
}

bool GuideDock::useCanvasModel() const
{
    return m_canvasModel->isChecked() && m_taskModelSource;
}

bool GuideDock::runStep(int index)
{
    if (m_runner->isRunning())
        return false;
    QString taskModel;
    if (useCanvasModel()) {
        taskModel = m_taskModelSource();
        if (taskModel.isEmpty()) {
            emit message(tr("The model on the canvas cannot be used: see the messages above."), true);
            return false;
        }
    }
    m_runner->setTaskModelPath(taskModel);
    m_stopRequested = false;
    if (!m_runner->runStep(index))
        return false;
    m_error->hide();
    updateButtons();
    return true;
}

bool GuideDock::runNextStep()
{
    const int next = m_runner->nextStep();
    return next < m_runner->stepCount() && runStep(next);
}

void GuideDock::stop()
{
    m_stopRequested = m_runner->isRunning();
    m_runner->stop();
    m_activity->setText(tr("Stopping after the current batch…"));
}

int GuideDock::selectedStep() const
{
    return m_steps->currentRow() - 1;
}

void GuideDock::selectStep(int index)
{
    if (m_steps->count() == 0)
        return;
    m_steps->setCurrentRow(std::clamp(index + 1, 0, m_steps->count() - 1));
}

void GuideDock::showStepText()
{
    const exercises::Exercise* e = m_runner->exercise();
    if (!e) {
        m_text->setMarkdown(tr("Choose a lesson from the **Exercises** menu."));
        return;
    }
    const int index = selectedStep();
    QString markdown;
    try {
        if (index < 0) {
            markdown = qs(e->introText());
            if (!e->goals.empty()) {
                markdown += tr("\n\n**In this lesson you will**\n\n");
                for (const auto& goal : e->goals)
                    markdown += "- " + qs(goal) + "\n";
            }
            markdown += tr("\n\nPress **Run step** to begin with step 1.");
        } else {
            const exercises::Step& step = e->steps[std::size_t(index)];
            markdown = qs(e->stepText(step));
        }
    } catch (const Error& err) {
        markdown = tr("*The lesson's text cannot be read:* %1").arg(qs(err.what()));
    }
    m_text->setMarkdown(markdown);
}

void GuideDock::updateSteps()
{
    const exercises::Exercise* e = m_runner->exercise();
    if (!e)
        return;
    for (int i = 0; i < m_runner->stepCount(); ++i) {
        QListWidgetItem* item = m_steps->item(i + 1);
        const State state = m_runner->stepState(i);
        const QString suffix = stateText(state);
        item->setText(QStringLiteral("%1. %2%3")
                          .arg(i + 1)
                          .arg(qs(e->steps[std::size_t(i)].title))
                          .arg(suffix.isEmpty() ? QString() : QStringLiteral("  —  ") + suffix));
        item->setIcon(stateIcon(state));
        item->setForeground(state == State::Failed ? kFailText : palette().color(QPalette::Text));
    }
    m_progress->setRange(0, std::max(1, m_runner->stepCount()));
    m_progress->setValue(m_runner->doneCount());
    updateButtons();
}

void GuideDock::updateButtons()
{
    const bool open = m_runner->isOpen();
    const bool running = m_runner->isRunning();
    m_stopButton->setEnabled(running);
    m_quick->setEnabled(!running);
    m_canvasModel->setEnabled(!running);
    if (const exercises::Exercise* e = m_runner->exercise())
        m_canvasModel->setToolTip(tr("Steps that train %1 train the model on the canvas instead of the "
                                     "lesson's starting model")
                                      .arg(qs(e->taskModelRole)));
    int index = selectedStep();
    if (!open) {
        m_runButton->setText(tr("Run Step"));
        m_runButton->setEnabled(false);
        return;
    }
    if (index < 0)
        index = m_runner->nextStep();
    if (index >= m_runner->stepCount()) {
        m_runButton->setText(tr("All Steps Done"));
        m_runButton->setEnabled(false);
        return;
    }
    const State state = m_runner->stepState(index);
    m_runButton->setText(state == State::Done ? tr("Run Step %1 Again").arg(index + 1)
            : state == State::Failed          ? tr("Retry Step %1").arg(index + 1)
                                              : tr("Run Step %1").arg(index + 1));
    m_runButton->setEnabled(!running);
    const int missing = index - m_runner->nextStep();
    m_runButton->setToolTip(missing > 0 ? tr("Runs the %n step(s) before it first", nullptr, missing)
                                        : tr("Performs the step's action"));
}

void GuideDock::updateResults()
{
    m_results->clear();
    m_score.reset();
    const exercises::Exercise* e = m_runner->exercise();
    for (const CheckResult& r : m_runner->results()) {
        auto* item = new QTreeWidgetItem(m_results);
        item->setText(0, qs(r.check.name));
        item->setToolTip(0, qs(r.check.name) + (r.check.task ? tr(" (your model)") : QString()));
        item->setText(1, r.measured() ? formatValue(*r.value, r.check.decimals + 1) : tr("—"));
        item->setText(2, qs(r.check.targetText()));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        if (r.measured()) {
            for (int c = 0; c < 3; ++c) {
                item->setBackground(c, r.passed ? kPassBackground : kFailBackground);
                item->setForeground(c, r.passed ? kPassText : kFailText);
            }
            item->setIcon(0, stateIcon(r.passed ? State::Done : State::Failed));
            if (e && r.check.id == e->scoreCheck)
                m_score = *r.value;
        } else {
            for (int c = 0; c < 3; ++c)
                item->setForeground(c, kPendingText);
            item->setIcon(0, stateIcon(State::Pending));
        }
    }
    const auto& observations = m_runner->observations();
    if (!observations.empty()) {
        auto* group = new QTreeWidgetItem(m_results);
        group->setText(0, tr("Other measurements"));
        group->setFirstColumnSpanned(true);
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        for (const auto& [name, value] : observations) {
            auto* item = new QTreeWidgetItem(m_results);
            item->setText(0, "   " + name);
            item->setToolTip(0, name);
            item->setText(1, formatObservation(value));
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    if (m_results->topLevelItemCount() != m_fittedResultRows)
        fitPanes();
    m_submitButton->setEnabled(m_score.has_value());
    m_submitButton->setToolTip(m_score ? tr("Adds your score %1 to the class's leaderboard").arg(scoreText())
                                       : tr("Run the lesson's steps first: the score is their check"));
}

QString GuideDock::scoreText() const
{
    return m_score ? QString::number(*m_score, 'f', 4) : QString();
}

void GuideDock::updateHints()
{
    const exercises::Exercise* e = m_runner->exercise();
    const int total = e ? int(e->hints.size()) : 0;
    QString markdown;
    for (int i = 0; i < m_hintsShown && i < total; ++i)
        markdown += tr("**Hint %1.** %2\n\n").arg(i + 1).arg(qs(e->hints[std::size_t(i)]));
    if (m_hintsShown == 0)
        markdown = total > 0 ? tr("This lesson has %n hint(s). Try on your own first; reveal them one at a "
                                  "time when you are stuck.",
                       nullptr, total)
                             : tr("This lesson has no hints.");
    m_hints->setMarkdown(markdown);
    m_hintButton->setEnabled(m_hintsShown < total);
    m_hintButton->setText(m_hintsShown < total ? tr("Show Hint %1 of %2").arg(m_hintsShown + 1).arg(total)
                                               : tr("All Hints Shown"));
    m_tabs->setTabText(1, m_hintsShown > 0 ? tr("Hints (%1/%2)").arg(m_hintsShown).arg(total) : tr("Hints"));
}

bool GuideDock::showNextHint()
{
    const exercises::Exercise* e = m_runner->exercise();
    if (!e || m_hintsShown >= int(e->hints.size()))
        return false;
    ++m_hintsShown;
    updateHints();
    return true;
}

void GuideDock::showHints()
{
    m_tabs->setCurrentIndex(1);
}

void GuideDock::showLeaderboard()
{
    m_tabs->setCurrentIndex(2);
}

void GuideDock::updateLeaderboard()
{
    m_leaderboard->setRowCount(0);
    if (m_id.isEmpty())
        return;
    try {
        const auto board = exercises::Leaderboard::load(m_id.toStdString());
        const auto& entries = board.entries();
        m_leaderboard->setRowCount(int(entries.size()));
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& entry = entries[i];
            const QStringList cells = { qs(entry.name), qs(entry.model), QString::number(entry.score, 'f', 4),
                entry.parameters > 0 ? QString::number(entry.parameters) : tr("—"), qs(entry.date).left(10) };
            for (int c = 0; c < cells.size(); ++c)
                m_leaderboard->setItem(int(i), c, new QTableWidgetItem(cells[c]));
        }
        m_leaderboard->setVerticalHeaderLabels([&] {
            QStringList ranks;
            for (std::size_t i = 0; i < entries.size(); ++i)
                ranks << QString::number(i + 1);
            return ranks;
        }());
    } catch (const Error& e) {
        emit message(tr("The leaderboard cannot be read: %1").arg(qs(e.what())), true);
    }
}

bool GuideDock::submitScore(const QString& name)
{
    const exercises::Exercise* e = m_runner->exercise();
    if (!e || !m_score || name.trimmed().isEmpty())
        return false;
    try {
        auto board = exercises::Leaderboard::load(m_id.toStdString());
        exercises::LeaderboardEntry entry;
        entry.name = name.trimmed().toStdString();
        std::string model = m_runner->options().solution ? "reference solution" : "starting model";
        for (const auto& ref : e->models)
            if (ref.role == (m_runner->options().solution ? "solution" : "start"))
                model = ref.name;
        entry.model = model + (m_runner->options().reduced ? " (quick run)" : "");
        entry.score = *m_score;
        entry.date = exercises::currentIsoDate();
        const std::size_t rank = board.add(entry);
        board.save();
        emit message(
            tr("Leaderboard of %1: %2 is number %3 with %4.").arg(m_id, name).arg(rank).arg(scoreText()),
            false);
    } catch (const Error& err) {
        emit message(tr("Cannot add to the leaderboard: %1").arg(qs(err.what())), true);
        return false;
    }
    updateLeaderboard();
    showLeaderboard();
    return true;
}

void GuideDock::requestView(int step)
{
    const exercises::Exercise* e = m_runner->exercise();
    if (!e || step < 0 || step >= int(e->steps.size()))
        return;
    const QString view = qs(e->steps[std::size_t(step)].view);
    if (!view.isEmpty())
        emit viewRequested(view);
}

} // namespace neurino
