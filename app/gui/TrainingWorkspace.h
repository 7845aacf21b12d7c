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

// Training in the window: the training dock (data, settings, controls, run list) tabbed with `settingsTab`,
// the training area with the live views in a dock tabbed with `resultsTab`, the Train menu's actions, and
// their wiring to the run scheduler. Every run is kept as a run folder unless `keepRuns` is false.
class TrainingWorkspace : public QObject {
    Q_OBJECT

public:
    struct Placement {
        QDockWidget* settingsTab; // the dock the training dock shares its place with
        QDockWidget* resultsTab; // the dock the training results share their place with
        QDockWidget* shrinks; // the dock that gives the training dock its height when shown
    };

    TrainingWorkspace(QMainWindow* window, GraphModel* model, RunScheduler* scheduler, const Placement& place,
        bool keepRuns);

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

private:
    void wire();
    void updateActions();
    void giveResultsRoom();

    QMainWindow* m_window;
    RunScheduler* m_scheduler;
    QDockWidget* m_shrinks;
    TrainingDock* m_dock;
    TrainingArea* m_area;
    QDockWidget* m_areaDock;
    QAction* m_start = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_stop = nullptr;
};

} // namespace neurino
