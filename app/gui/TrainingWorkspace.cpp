#include "app/gui/TrainingWorkspace.h"

#include "app/gui/EditorActions.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QStandardPaths>

namespace neurino {

TrainingWorkspace::TrainingWorkspace(
    QMainWindow* window, GraphModel* model, RunScheduler* scheduler, bool keepRuns)
    : QObject(window)
    , m_scheduler(scheduler)
    , m_dock(new TrainingDock(model, scheduler, window))
    , m_area(new TrainingArea(scheduler, window))
    , m_areaDock(new QDockWidget(tr("Training Results"), window))
{
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);

    // Every run is kept on disk as a run folder (the format neurino-batch train writes), so that runs
    // can be saved, reopened and compared later; screenshots and tests keep nothing.
    if (keepRuns)
        m_scheduler->setRunsFolder(
            QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/runs");

    m_areaDock->setObjectName("trainingAreaDock");
    m_areaDock->setWidget(m_area);
    window->addDockWidget(Qt::BottomDockWidgetArea, m_areaDock);
    wire();
}

void TrainingWorkspace::wire()
{
    connect(m_dock, &TrainingDock::message, this, &TrainingWorkspace::message);
    connect(m_dock, &TrainingDock::runActivated, this, [this](int id) {
        if (const RunRecord* run = m_scheduler->run(id)) {
            m_area->showEvaluation(*run);
            m_areaDock->show();
            m_areaDock->raise();
        }
    });
    connect(m_scheduler, &RunScheduler::runAdded, this, [this] { showResults(); });
    connect(m_scheduler, &RunScheduler::stateChanged, this, &TrainingWorkspace::updateActions);
}

void TrainingWorkspace::fillMenu(QMenu* menu)
{
    QAction* show = makeAction(this, menu, tr("Show &Training Panel"), QKeySequence(Qt::CTRL | Qt::Key_T),
        tr("Show the training settings and the live curves"));
    connect(show, &QAction::triggered, this, &TrainingWorkspace::showTraining);
    m_start = makeAction(this, menu, tr("&Start Training"), QKeySequence(Qt::Key_F5),
        tr("Train the model on the canvas with the training panel's settings"));
    connect(m_start, &QAction::triggered, this, [this] {
        showTraining();
        m_dock->start();
    });
    m_pause = makeAction(this, menu, tr("&Pause Training"), QKeySequence(Qt::Key_F6),
        tr("Hold or continue the run after the current batch"));
    connect(m_pause, &QAction::triggered, m_dock, &TrainingDock::pauseOrResume);
    m_stop = makeAction(this, menu, tr("S&top Training"), QKeySequence(Qt::SHIFT | Qt::Key_F5),
        tr("End the run after the current batch"));
    connect(m_stop, &QAction::triggered, m_dock, &TrainingDock::stop);
    m_pause->setEnabled(false);
    m_stop->setEnabled(false);
}

void TrainingWorkspace::updateActions()
{
    if (!m_start)
        return;
    const auto state = m_scheduler->state();
    const bool running = m_scheduler->isRunning();
    m_start->setText(running ? tr("&Queue Training Run") : tr("&Start Training"));
    m_pause->setEnabled(running && state != RunScheduler::State::Stopping);
    m_pause->setText(state == RunScheduler::State::Paused ? tr("&Resume Training") : tr("&Pause Training"));
    m_stop->setEnabled(running && state != RunScheduler::State::Stopping);
}

void TrainingWorkspace::showTraining()
{
    emit trainingShown();
    m_dock->show();
    m_dock->raise();
    showResults();
}

void TrainingWorkspace::showResults(QWidget* tab)
{
    if (tab)
        m_area->setCurrentWidget(tab);
    m_areaDock->show();
    m_areaDock->raise();
}

} // namespace neurino
