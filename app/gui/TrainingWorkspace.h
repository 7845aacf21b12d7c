#pragma once

#include <QObject>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace neurino {

class GraphModel;
class RunScheduler;
class TrainingArea;
class TrainingDock;

// Training in the window: the training dock (data, settings, controls, run list), the training area with
// the live views in a dock of its own, the Train menu's actions, and their wiring to the run scheduler.
// Where the docks go is the window's WorkbenchLayout's business. Every run is kept as a run folder unless
// `keepRuns` is false.
class TrainingWorkspace : public QObject {
    Q_OBJECT

public:
    TrainingWorkspace(QMainWindow* window, GraphModel* model, RunScheduler* scheduler, bool keepRuns);

    TrainingDock* dock() const { return m_dock; }
    TrainingArea* area() const { return m_area; }
    QDockWidget* areaDock() const { return m_areaDock; }
    RunScheduler* scheduler() const { return m_scheduler; }

    // Show, Start, Pause and Stop.
    void fillMenu(QMenu* menu);
    // Shows the training controls and the live views, as the Train menu does.
    void showTraining();
    // Shows the training results with `tab` in front.
    void showResults(QWidget* tab = nullptr);

signals:
    // A run started, ended or failed: a line for the log and the status bar.
    void message(const QString& text, bool error);
    // The user asked for the training panel: the window arranges itself for training.
    void trainingShown();

private:
    void wire();
    void updateActions();

    RunScheduler* m_scheduler;
    TrainingDock* m_dock;
    TrainingArea* m_area;
    QDockWidget* m_areaDock;
    QAction* m_start = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_stop = nullptr;
};

} // namespace neurino
