#pragma once

#include <QMainWindow>

class QAction;
class QDockWidget;
class QStackedWidget;

namespace neurino {

class EditorActions;
class ClusterJobActions;
class OnnxExchange;
class ExerciseWorkspace;
class GraphScene;
class GraphView;
class LayerPalette;
class LogDock;
class ModelDocument;
class ModelStatus;
class ProblemsDock;
class PropertyPanel;
class RunScheduler;
class SummaryDock;
class TourOverlay;
class TrainingWorkspace;
class WelcomePage;
class WorkbenchLayout;

// The workbench: the model canvas in the centre (or the welcome page), docks around it (layer palette,
// properties, summary, problems, log), arranged for the activity at hand by the WorkbenchLayout, standard
// menus and shortcuts. It composes the parts that do the work: the document (files, recent list, unsaved
// changes, autosave and recovery), the editor's actions, the training workspace and the exercise
// workspace; tests and screenshots reach those parts.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    struct Options {
        bool interactive = true; // false: no dialogs (screenshots, tests); errors go to the log
        bool restoreSettings = true; // window geometry and dock layout from QSettings
        bool autosave = true;
    };

    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ModelDocument* document() const { return m_document; }
    EditorActions* editorActions() const { return m_actions; }
    OnnxExchange* onnxExchange() const { return m_onnx; }
    ClusterJobActions* clusterJobActions() const { return m_cluster; }
    TrainingWorkspace* trainingWorkspace() const { return m_training; }
    ExerciseWorkspace* exerciseWorkspace() const { return m_exercises; }
    WorkbenchLayout* workbenchLayout() const { return m_layout; }
    WelcomePage* welcomePage() const { return m_welcome; }

    GraphScene* scene() const { return m_scene; }
    GraphView* view() const { return m_view; }
    QDockWidget* propertiesDock() const { return m_propertiesDock; }
    SummaryDock* summaryDock() const { return m_summaryDock; }
    ProblemsDock* problemsDock() const { return m_problemsDock; }
    LogDock* logDock() const { return m_logDock; }

    // Selects a layer and brings it into view.
    void showNode(const QString& id);

    // The welcome page in place of the canvas, every panel hidden; back to the canvas and its panels.
    void showWelcome();
    void showCanvas();
    bool welcomeShown() const;
    // At start-up without a file: the welcome page the first time and whenever the user keeps it on.
    void showWelcomeAtStart();
    // The two-minute tour over the window; it deletes itself when it ends.
    TourOverlay* startTour();
    // What F1 explains now: the palette's current entry, the training setting being edited, or the layer
    // selected on the canvas ("layer:Dense", "setting:batch_size"); empty for the whole layer reference.
    QString helpTopic() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createWorkspaces();
    void createWelcomePage();
    void connectParts();
    void connectLayout();
    void createMenus();
    void createFileMenu();
    void createViewMenu();
    void createTrainMenu();
    void createHelpMenu();
    void createToolBar();
    void createStatusBar();
    void readSettings();
    void writeSettings();
    void updateTitle();
    void graphReplaced();
    void log(const QString& text, bool error);
    void reportError(const QString& title, const QString& text);
    void validate();
    void copyTrainingCommand();

    Options m_options;
    ModelDocument* m_document;
    GraphScene* m_scene;
    GraphView* m_view;
    QStackedWidget* m_center;
    WelcomePage* m_welcome = nullptr;
    WorkbenchLayout* m_layout = nullptr;
    EditorActions* m_actions;
    OnnxExchange* m_onnx = nullptr;
    ClusterJobActions* m_cluster = nullptr;
    RunScheduler* m_runScheduler;
    TrainingWorkspace* m_training = nullptr;
    ExerciseWorkspace* m_exercises = nullptr;
    LayerPalette* m_palette = nullptr;
    PropertyPanel* m_properties = nullptr;
    QDockWidget* m_paletteDock = nullptr;
    QDockWidget* m_propertiesDock = nullptr;
    SummaryDock* m_summaryDock = nullptr;
    ProblemsDock* m_problemsDock = nullptr;
    LogDock* m_logDock = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    ModelStatus* m_status = nullptr;
};

} // namespace neurino
