#pragma once

#include "app/gui/AutosaveManager.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTemporaryDir;
class QTimer;
class QToolBar;
class QToolButton;

namespace neurino {

class GraphEditor;
class GraphModel;
class GraphScene;
class GraphView;
class GuideDock;
class LayerPalette;
class LogDock;
class ModelGraph;
class PadMapView;
class ProblemsDock;
class PropertyPanel;
class SummaryDock;
class TrainingArea;
class TrainingDock;
class RunScheduler;

// The workbench: the model canvas in the centre, docks around it (layer palette, properties, summary,
// problems, log), standard menus and shortcuts, files with recent list, unsaved-changes prompt and
// autosave with recovery. Later tools add their menus' entries and docks through the accessors.
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

    GraphModel* model() const { return m_model; }
    GraphEditor* editor() const { return m_editor; }
    GraphScene* scene() const { return m_scene; }
    GraphView* view() const { return m_view; }
    LayerPalette* palette() const { return m_palette; }
    PropertyPanel* propertyPanel() const { return m_properties; }
    SummaryDock* summaryDock() const { return m_summaryDock; }
    ProblemsDock* problemsDock() const { return m_problemsDock; }
    LogDock* logDock() const { return m_logDock; }
    QDockWidget* propertiesDock() const { return m_propertiesDock; }
    QDockWidget* paletteDock() const { return m_paletteDock; }
    RunScheduler* runScheduler() const { return m_runScheduler; }
    TrainingDock* trainingDock() const { return m_trainingDock; }
    TrainingArea* trainingArea() const { return m_trainingArea; }
    QDockWidget* trainingAreaDock() const { return m_trainingAreaDock; }
    // Shows the training controls and the live views, as the Train menu does.
    void showTraining();
    GuideDock* guideDock() const { return m_guideDock; }
    QDockWidget* padMapDock() const { return m_padMapDock; }
    PadMapView* padMapView() const { return m_padMapView; }
    // Opens lesson `id` of the exercise catalog in the guide dock, shows the dock and puts the lesson's
    // starting model on the canvas; false, after saying why, when it cannot.
    bool openExercise(const QString& id);
    // Shows the view a lesson's step works with: "pad_map", "curves"; others are left as they are.
    void showExerciseView(const QString& view);
    QMenu* viewMenu() const { return m_viewMenu; }
    QMenu* modelMenu() const { return m_modelMenu; }
    QMenu* trainMenu() const { return m_trainMenu; }
    QMenu* exercisesMenu() const { return m_exercisesMenu; }
    QToolBar* mainToolBar() const { return m_toolBar; }
    AutosaveManager* autosave() const { return m_autosave; }

    // Files. Each returns false after telling the user what went wrong. A file from Neurino's templates
    // folder opens as a new, untitled model so that the template is never overwritten.
    bool openFile(const QString& path);
    bool newFromTemplate(const QString& name);
    void newModel();
    bool saveTo(const QString& path);
    bool save();
    bool saveAs();
    const QString& filePath() const { return m_filePath; }
    bool isModified() const;
    QStringList recentFiles() const;
    // The templates in resources/models, by name.
    static QStringList templateNames();

    // Arranges the model for the canvas's size and shows all of it.
    void layoutAndFit();
    // Selects a layer and brings it into view.
    void showNode(const QString& id);

    // Autosave now (the timer does this every half minute while there are unsaved changes).
    void autosaveNow();
    QList<AutosaveManager::Entry> recoverableAutosaves() const;
    // Restores unsaved work from an autosave; it stays unsaved (and names its original file).
    bool recover(const AutosaveManager::Entry& entry);
    // At start-up: offers the newest copy left by a crashed session.
    void offerRecovery();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createTrainingDocks();
    void createGuideDocks();
    void createExercisesMenu();
    void createActions();
    void createMenus();
    void createToolBar();
    void createStatusBar();
    void readSettings();
    void writeSettings();
    void setGraph(const ModelGraph& graph, const QString& filePath);
    void updateTitle();
    void updateStatus();
    void updateSelectionActions();
    void rebuildRecentMenu();
    void addRecentFile(const QString& path);
    bool maybeSave();
    void reportError(const QString& title, const QString& text);
    void validate();
    void copySelection(bool cut);
    void paste();
    void copyTrainingCommand();
    void about();
    QAction* addAction(QMenu* menu, const QString& text, const QKeySequence& key, const QString& tip);

    Options m_options;
    GraphModel* m_model;
    GraphEditor* m_editor;
    GraphScene* m_scene;
    GraphView* m_view;
    LayerPalette* m_palette = nullptr;
    PropertyPanel* m_properties = nullptr;
    QDockWidget* m_paletteDock = nullptr;
    QDockWidget* m_propertiesDock = nullptr;
    SummaryDock* m_summaryDock = nullptr;
    ProblemsDock* m_problemsDock = nullptr;
    LogDock* m_logDock = nullptr;
    RunScheduler* m_runScheduler;
    TrainingDock* m_trainingDock = nullptr;
    TrainingArea* m_trainingArea = nullptr;
    QDockWidget* m_trainingAreaDock = nullptr;
    GuideDock* m_guideDock = nullptr;
    QDockWidget* m_padMapDock = nullptr;
    PadMapView* m_padMapView = nullptr;
    std::unique_ptr<QTemporaryDir> m_taskModelDir; // the canvas's model, saved for an exercise's task steps
    AutosaveManager* m_autosave;
    QTimer* m_autosaveTimer;
    bool m_autosaveDirty = false;
    QString m_filePath;

    QMenu* m_fileMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_editMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_modelMenu = nullptr;
    QMenu* m_trainMenu = nullptr;
    QMenu* m_exercisesMenu = nullptr;
    QToolBar* m_toolBar = nullptr;
    QLabel* m_paramsLabel = nullptr;
    QToolButton* m_validityButton = nullptr;
    QLabel* m_zoomLabel = nullptr;

    QAction* m_newAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_cutAction = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_pasteAction = nullptr;
    QAction* m_duplicateAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_selectAllAction = nullptr;
    QAction* m_renameAction = nullptr;
    QAction* m_zoomInAction = nullptr;
    QAction* m_zoomOutAction = nullptr;
    QAction* m_zoomResetAction = nullptr;
    QAction* m_fitAction = nullptr;
    QAction* m_layoutAction = nullptr;
    QAction* m_addLayerAction = nullptr;
    QAction* m_validateAction = nullptr;
    QAction* m_summaryAction = nullptr;
    QAction* m_showTrainingAction = nullptr;
    QAction* m_startTrainingAction = nullptr;
    QAction* m_pauseTrainingAction = nullptr;
    QAction* m_stopTrainingAction = nullptr;
};

} // namespace neurino
