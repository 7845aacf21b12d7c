#pragma once

#include <QObject>
#include <QString>

#include <memory>

class QDockWidget;
class QMainWindow;
class QMenu;
class QStackedWidget;
class QTemporaryDir;

namespace neurino {

class GuideDock;
class ModelDocument;
class PadMapView;
class RunMonitorView;
class RunScheduler;
class TrainingWorkspace;

// The exercises in the window: the guide dock, the TPC pad map and the data-quality run monitor, the
// Exercises menu, and the wiring that puts a lesson's starting model on the canvas, hands the canvas's model
// to the lesson's task steps and shows the view a step works with.
class ExerciseWorkspace : public QObject {
    Q_OBJECT

public:
    ExerciseWorkspace(
        QMainWindow* window, ModelDocument* document, TrainingWorkspace* training, RunScheduler* scheduler);
    ~ExerciseWorkspace() override;

    GuideDock* dock() const { return m_guide; }
    QDockWidget* padMapDock() const { return m_padMapDock; }
    PadMapView* padMap() const { return m_padMap; }
    RunMonitorView* runMonitor() const { return m_runMonitor; }

    // Every lesson of the catalog, then the lectures' starting models.
    void fillMenu(QMenu* menu);
    // Opens lesson `id` of the exercise catalog in the guide dock, shows the dock and puts the lesson's
    // starting model on the canvas, with the previous model's results cleared; false, after saying why,
    // when it cannot.
    bool openExercise(const QString& id);
    // Shows the view a lesson's step works with: "pad_map", "dqm_runs" (the run monitor), "curves", "roc",
    // "confusion", "decision_boundary", "gan_samples", "shower_physics"; others are left as they are.
    void showView(const QString& view);
    // The window closes: the running step ends after its current batch.
    void stop();

signals:
    // A line for the log; `error` for failures, which the status bar shows too.
    void message(const QString& text, bool error);
    void errorOccurred(const QString& title, const QString& text);
    // A lesson opened: the window arranges itself for it.
    void lessonOpened();

private:
    void createDocks();
    // The canvas's model saved for a task step; empty after saying why when it cannot be.
    QString saveTaskModel();
    void fillStartingModels(QMenu* menu);

    QMainWindow* m_window;
    ModelDocument* m_document;
    TrainingWorkspace* m_training;
    GuideDock* m_guide = nullptr;
    QDockWidget* m_padMapDock = nullptr;
    PadMapView* m_padMap = nullptr;
    RunMonitorView* m_runMonitor = nullptr;
    QStackedWidget* m_detectorViews = nullptr; // the pad map or the run monitor, in the pad map's dock
    std::unique_ptr<QTemporaryDir> m_taskModelDir; // the canvas's model, saved for an exercise's task steps
};

} // namespace neurino
