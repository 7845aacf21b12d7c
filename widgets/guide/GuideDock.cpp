#include "widgets/guide/GuideDock.h"

#include "widgets/guide/CheckResultsPanel.h"
#include "widgets/guide/LessonTabs.h"
#include "widgets/guide/LessonViewFeed.h"
#include "widgets/guide/StepControls.h"
#include "widgets/guide/StepListPanel.h"

#include "core/util/Error.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/Leaderboard.h"

#include <QLabel>
#include <QProgressBar>
#include <QSplitter>
#include <QVBoxLayout>

namespace neurino {

using exercises::CheckResult;
using State = ExerciseRunner::StepState;

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

GuideDock::GuideDock(RunScheduler* scheduler, QWidget* parent)
    : QDockWidget(tr("Exercise Guide"), parent)
    , m_runner(new ExerciseRunner(scheduler, this))
    , m_feed(new LessonViewFeed(m_runner, this))
{
    setObjectName("guideDock");
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(createHeader());
    layout->addWidget(createPanes(), 1);
    layout->addWidget(createFooter());
    layout->addWidget(createControls());
    setWidget(page);

    connectSteps();
    connectTraining();
    updateButtons();
}

// The lesson's title, its summary and the steps done.
QWidget* GuideDock::createHeader()
{
    auto* header = new QWidget;
    auto* layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    m_title = new QLabel(tr("No exercise open"), header);
    m_title->setObjectName("guideTitle");
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_summary = new QLabel(tr("Choose a lesson from the Exercises menu."), header);
    m_summary->setWordWrap(true);
    m_summary->setStyleSheet("color: #546e7a;");
    m_progress = new QProgressBar(header);
    m_progress->setObjectName("guideProgress");
    m_progress->setFormat(tr("%v of %m steps done"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    return header;
}

// The steps, the text with hints and leaderboard, and the checks, one above the other.
QWidget* GuideDock::createPanes()
{
    m_steps = new StepListPanel;
    m_tabs = new LessonTabs;
    m_results = new CheckResultsPanel;
    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_steps);
    m_splitter->addWidget(m_tabs);
    m_splitter->addWidget(m_results);
    m_splitter->setStretchFactor(1, 1);
    connect(m_steps, &QListWidget::currentRowChanged, this, [this] {
        m_tabs->showText(selectedStep());
        updateButtons();
        requestView(selectedStep());
    });
    connect(m_tabs, &LessonTabs::submitRequested, this, &GuideDock::submitScore);
    connect(m_tabs, &LessonTabs::message, this, &GuideDock::message);
    connect(m_tabs, &LessonTabs::viewRequested, this, &GuideDock::viewRequested);
    return m_splitter;
}

// What runs now, its training progress, and why a step failed.
QWidget* GuideDock::createFooter()
{
    auto* footer = new QWidget;
    auto* layout = new QVBoxLayout(footer);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    m_activity = new QLabel(footer);
    m_activity->setObjectName("guideActivity");
    m_activity->setWordWrap(true);
    m_trainingBar = new QProgressBar(footer);
    m_trainingBar->setTextVisible(true);
    m_trainingBar->hide();
    m_error = new QLabel(footer);
    m_error->setObjectName("guideError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet("color: #b71c1c; background: #ffebee; padding: 6px; border-radius: 3px;");
    m_error->hide();
    layout->addWidget(m_activity);
    layout->addWidget(m_trainingBar);
    layout->addWidget(m_error);
    return footer;
}

// Quick run and the canvas's model; Stop and Run Step.
QWidget* GuideDock::createControls()
{
    m_controls = new StepControls;
    connect(m_controls, &StepControls::quickRunToggled, this, [this] {
        if (!m_id.isEmpty() && !m_runner->isRunning())
            openExercise(m_id);
    });
    connect(m_controls, &StepControls::runClicked, this, [this] {
        const int selected = selectedStep();
        if (selected < 0)
            runNextStep();
        else
            runStep(selected);
    });
    connect(m_controls, &StepControls::stopClicked, this, &GuideDock::stop);
    return m_controls;
}

void GuideDock::connectSteps()
{
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
    connect(m_runner, &ExerciseRunner::stepFailed, this, &GuideDock::stepFailed);
    connect(m_runner, &ExerciseRunner::runningChanged, this, &GuideDock::runningChanged);
    connect(
        m_runner, &ExerciseRunner::message, this, [this](const QString& line) { emit message(line, false); });
}

void GuideDock::stepFailed(int index, const QString& text)
{
    if (m_stopRequested)
        m_error->setText(tr("<b>Step %1 stopped.</b> Press <i>Run step</i> to run it again.").arg(index + 1));
    else
        m_error->setText(tr("<b>Step %1 failed:</b> %2<br>Fix the cause and press <i>Run step</i> to try "
                            "again.")
                             .arg(index + 1)
                             .arg(text.toHtmlEscaped()));
    m_error->show();
    emit message(tr("Exercise step %1 failed: %2").arg(index + 1).arg(text), true);
}

void GuideDock::runningChanged(bool running)
{
    if (running) {
        m_error->hide();
        m_trainingBar->setRange(0, 0);
        m_trainingBar->show();
        updateButtons();
        return;
    }
    m_trainingBar->hide();
    QString text = m_runner->lastError().isEmpty()
        ? tr("%1 of %2 steps done.").arg(m_runner->doneCount()).arg(m_runner->stepCount())
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
    updateButtons();
}

void GuideDock::connectTraining()
{
    connect(m_runner, &ExerciseRunner::trainingStarted, this,
        [this](int, const QString& label, const TrainStart& start) {
            m_activity->setText(tr("Training %1: %2 parameters on %3 samples")
                                    .arg(label)
                                    .arg(start.parameters)
                                    .arg(start.trainSamples));
            m_trainingBar->setRange(0, int(std::max<std::int64_t>(1, start.epochs * start.batchesPerEpoch)));
            m_trainingBar->setValue(0);
        });
    connect(m_runner, &ExerciseRunner::trainingBatch, this,
        [this](int, const BatchStats& stats, double smoothed) {
            m_trainingBar->setValue(int((stats.epoch - 1) * stats.batches + stats.batch));
            m_trainingBar->setFormat(
                tr("epoch %1 of %2, loss %3").arg(stats.epoch).arg(stats.epochs).arg(smoothed, 0, 'f', 3));
        });
    connect(m_runner, &ExerciseRunner::checkMeasured, this, [this](int index) {
        const CheckResult& r = m_runner->results()[std::size_t(index)];
        emit message(tr("Check %1: %2 = %3 (target %4)")
                         .arg(qs(r.status()), qs(r.check.name),
                             formatCheckValue(*r.value, r.check.decimals + 1), qs(r.check.targetText())),
            !r.passed);
        updateResults();
    });
    connect(m_runner, &ExerciseRunner::observed, this, [this] { updateResults(); });
}

void GuideDock::fitPanes()
{
    const int total = m_splitter->height();
    if (total < 100)
        return;
    // The step list and the checks as tall as their rows (within limits); the text takes the rest.
    const int steps = std::min(total / 3, m_steps->rowsHeight());
    m_fittedResultRows = m_results->topLevelItemCount();
    const int results = std::min(total * 2 / 5, m_results->rowsHeight());
    m_splitter->setSizes({ steps, std::max(120, total - steps - results), results });
}

void GuideDock::resizeEvent(QResizeEvent* event)
{
    QDockWidget::resizeEvent(event);
    fitPanes();
}

void GuideDock::attachViews(const GuideViews& views)
{
    m_feed->setViews(views);
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
        options.reduced = m_controls->quickRun();
        m_runner->open(id, options);
    } catch (const Error& e) {
        emit message(tr("Cannot open the exercise '%1': %2").arg(id, qs(e.what())), true);
        return false;
    }
    m_id = id;
    const exercises::Exercise& e = *m_runner->exercise();
    m_title->setText(tr("Lesson %1 · %2").arg(e.number).arg(qs(e.title)));
    m_summary->setText(qs(e.summary));
    m_error->hide();
    m_activity->setText(m_controls->quickRun() ? tr("Quick run: reduced data, few epochs.")
                                               : tr("Full run: the lesson's data; steps may take minutes."));
    m_steps->setSteps(int(e.steps.size()));
    updateSteps();
    updateResults();
    m_tabs->setExercise(&e, id);
    m_feed->clear();
    selectStep(-1);
    fitPanes();
    emit message(
        tr("Exercise opened: %1%2").arg(qs(e.title), m_controls->quickRun() ? tr(" (quick run)") : ""),
        false);
    emit exerciseOpened(id);
    return true;
}

QString GuideDock::exerciseId() const
{
    return m_id;
}

void GuideDock::setQuickRun(bool on)
{
    m_controls->setQuickRun(on);
}

bool GuideDock::quickRun() const
{
    return m_controls->quickRun();
}

void GuideDock::setTaskModelSource(std::function<QString()> source)
{
    m_taskModelSource = std::move(source);
    m_controls->offerCanvasModel(bool(m_taskModelSource));
    updateButtons();
}

void GuideDock::setUseCanvasModel(bool on)
{
    m_controls->setCanvasModelChecked(on);
}

bool GuideDock::useCanvasModel() const
{
    return m_controls->canvasModelChecked() && m_taskModelSource;
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
    return m_steps->selectedStep();
}

void GuideDock::selectStep(int index)
{
    m_steps->selectStep(index);
}

void GuideDock::updateSteps()
{
    if (!m_runner->exercise())
        return;
    m_steps->showStates(*m_runner);
    m_progress->setRange(0, std::max(1, m_runner->stepCount()));
    m_progress->setValue(m_runner->doneCount());
    updateButtons();
}

void GuideDock::updateButtons()
{
    m_controls->update(*m_runner, selectedStep());
}

void GuideDock::updateResults()
{
    m_results->showResults(*m_runner);
    if (m_results->topLevelItemCount() != m_fittedResultRows)
        fitPanes();
    m_tabs->setScore(m_results->score());
}

bool GuideDock::showNextHint()
{
    return m_tabs->showNextHint();
}

int GuideDock::hintsShown() const
{
    return m_tabs->hintsShown();
}

void GuideDock::showHints()
{
    m_tabs->showHints();
}

void GuideDock::showLeaderboard()
{
    m_tabs->showLeaderboard();
}

bool GuideDock::submitScore(const QString& name)
{
    const exercises::Exercise* e = m_runner->exercise();
    const std::optional<double> score = m_results->score();
    if (!e || !score || name.trimmed().isEmpty())
        return false;
    const bool solution = m_runner->options().solution;
    try {
        auto board = exercises::Leaderboard::load(m_id.toStdString());
        exercises::LeaderboardEntry entry;
        entry.name = name.trimmed().toStdString();
        std::string model = solution ? "reference solution" : "starting model";
        for (const auto& ref : e->models)
            if (ref.role == (solution ? "solution" : "start"))
                model = ref.name;
        entry.model = model + (m_runner->options().reduced ? " (quick run)" : "");
        entry.score = *score;
        entry.date = exercises::currentIsoDate();
        const std::size_t rank = board.add(entry);
        board.save();
        emit message(tr("Leaderboard of %1: %2 is number %3 with %4.")
                         .arg(m_id, name)
                         .arg(rank)
                         .arg(QString::number(*score, 'f', 4)),
            false);
    } catch (const Error& err) {
        emit message(tr("Cannot add to the leaderboard: %1").arg(qs(err.what())), true);
        return false;
    }
    m_tabs->updateLeaderboard();
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

QPushButton* GuideDock::runButton() const
{
    return m_controls->runButton();
}

QListWidget* GuideDock::stepList() const
{
    return m_steps;
}

QTextBrowser* GuideDock::textView() const
{
    return m_tabs->textView();
}

QTreeWidget* GuideDock::resultsTree() const
{
    return m_results;
}

QPushButton* GuideDock::hintButton() const
{
    return m_tabs->hintButton();
}

QTableWidget* GuideDock::leaderboardTable() const
{
    return m_tabs->leaderboardTable();
}

QTextBrowser* GuideDock::hintsView() const
{
    return m_tabs->hintsView();
}

} // namespace neurino
