#include "app/gui/MainWindow.h"

#include "app/gui/LayerReferenceDialog.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/editor/GraphClipboard.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphLayout.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/GraphView.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/editor/LayerPalette.h"
#include "widgets/editor/LogDock.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/views/physics/PadMapView.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/editor/PropertyPanel.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/editor/SummaryDock.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/session/RunScheduler.h"

#include "core/graph/ModelJson.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"
#include "exercises/ExerciseCatalog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDebug>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>

#include <cmath>

namespace neurino {

namespace {

// How often unsaved work is copied to the autosave folder.
constexpr int kAutosaveIntervalMs = 30 * 1000;
constexpr int kMaxRecentFiles = 10;
constexpr int kStatusMessageMs = 8000;
constexpr const char* kModelFilter = "Neurino models (*.neurino.json);;JSON files (*.json);;All files (*)";
constexpr const char* kModelSuffix = ".neurino.json";

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

QString templatesDirectory()
{
    return QDir(qs(resourceDir()) + "/models").absolutePath();
}

// Templates and the lessons' model files ship with Neurino: they open as new, untitled models, so that
// saving never overwrites them.
bool isTemplateFile(const QString& path)
{
    const QString dir = QFileInfo(path).absoluteDir().absolutePath();
    return dir == templatesDirectory()
        || dir.startsWith(QDir(qs(resourceDir()) + "/exercises").absolutePath() + "/");
}

// True when some nodes sit on top of each other: a hand-written file without positions, say.
bool positionsOverlap(const ModelGraph& graph)
{
    const auto& nodes = graph.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (std::size_t j = i + 1; j < nodes.size(); ++j) {
            if (std::abs(nodes[i].x - nodes[j].x) < NodeStyle::kWidth
                && std::abs(nodes[i].y - nodes[j].y) < NodeStyle::kHeight)
                return true;
        }
    }
    return false;
}

// Which lecture each template belongs to, for the Exercises menu.
struct Lecture {
    const char* title;
    const char* prefix;
};
const Lecture kLectures[] = { { "First Steps: XOR", "xor" }, { "Shapes Recognition", "shapes" },
    { "Higgs Boson Classification", "higgs" }, { "Calorimeter GAN", "calo_gan" } };

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : MainWindow(Options(), parent)
{
}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_model(new GraphModel(this))
    , m_editor(new GraphEditor(m_model, this))
    , m_scene(new GraphScene(m_model, m_editor, this))
    , m_view(new GraphView(m_scene, this))
    , m_runScheduler(new RunScheduler(this))
    , m_autosave(new AutosaveManager(AutosaveManager::defaultDirectory(), this))
    , m_autosaveTimer(new QTimer(this))
{
    setObjectName("mainWindow");
    setCentralWidget(m_view);
    setDockNestingEnabled(true);
    createDocks();
    createActions();
    createMenus();
    createToolBar();
    createStatusBar();

    QUndoStack* undo = m_editor->undoStack();
    connect(undo, &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(undo, &QUndoStack::indexChanged, this, [this] {
        m_autosaveDirty = true;
        updateTitle();
    });
    connect(m_model, &GraphModel::analysisChanged, this, &MainWindow::updateStatus);
    connect(m_model, &GraphModel::modelReset, this, &MainWindow::updateTitle);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, [this] {
        m_properties->showSelection(m_scene->selectedNodeIds());
        updateSelectionActions();
    });
    connect(m_scene, &GraphScene::nodeActivated, this, [this](const QString& id) {
        m_scene->selectNodes({ id });
        m_propertiesDock->show();
        m_propertiesDock->raise();
        m_properties->focusName();
    });
    connect(m_problemsDock, &ProblemsDock::problemActivated, this, &MainWindow::showNode);
    connect(m_palette, &LayerPalette::kindActivated, this, [this](const QString& kind) {
        const QPointF center = m_view->mapToScene(m_view->viewport()->rect().center());
        m_editor->addLayer(kind, center - QPointF(NodeStyle::kWidth / 2, NodeStyle::kHeight / 2));
    });
    connect(m_editor, &GraphEditor::message, this, [this](const QString& text) {
        statusBar()->showMessage(text, kStatusMessageMs);
        m_logDock->append(text, LogDock::Level::Warning);
    });
    connect(m_view, &GraphView::zoomChanged, this,
        [this](double zoom) { m_zoomLabel->setText(tr("Zoom %1 %").arg(std::lround(zoom * 100))); });

    m_autosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, [this] {
        if (m_autosaveDirty && isModified())
            autosaveNow();
    });
    if (m_options.autosave)
        m_autosaveTimer->start();

    resize(1600, 1000);
    if (m_options.restoreSettings)
        readSettings();
    newModel();
    m_logDock->append(
        tr("Neurino %1 with Qt %2 and %3.").arg(NEURINO_VERSION, qVersion(), qs(libtorchVersion())));
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_palette = new LayerPalette(this);
    m_paletteDock = new QDockWidget(tr("Layers"), this);
    m_paletteDock->setObjectName("paletteDock");
    m_paletteDock->setWidget(m_palette);
    addDockWidget(Qt::LeftDockWidgetArea, m_paletteDock);

    m_properties = new PropertyPanel(m_editor, this);
    m_propertiesDock = new QDockWidget(tr("Properties"), this);
    m_propertiesDock->setObjectName("propertiesDock");
    m_propertiesDock->setWidget(m_properties);
    addDockWidget(Qt::RightDockWidgetArea, m_propertiesDock);

    m_summaryDock = new SummaryDock(m_model, this);
    addDockWidget(Qt::RightDockWidgetArea, m_summaryDock);
    splitDockWidget(m_propertiesDock, m_summaryDock, Qt::Vertical);

    m_problemsDock = new ProblemsDock(m_model, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    tabifyDockWidget(m_problemsDock, m_logDock);
    m_problemsDock->raise();

    resizeDocks({ m_paletteDock, m_propertiesDock }, { 200, 480 }, Qt::Horizontal);
    resizeDocks({ m_propertiesDock, m_summaryDock }, { 520, 300 }, Qt::Vertical);
    resizeDocks({ m_problemsDock }, { 150 }, Qt::Vertical);
    createTrainingDocks();
    createGuideDocks();
}

void MainWindow::createGuideDocks()
{
    // The guide shares the left side with the layer palette, down to the window's bottom, so that a
    // lesson's text and checks have the full height; the pad map sits with the training results.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    m_guideDock = new GuideDock(m_runScheduler, this);
    addDockWidget(Qt::LeftDockWidgetArea, m_guideDock);
    tabifyDockWidget(m_paletteDock, m_guideDock);
    m_guideDock->hide();
    m_paletteDock->raise();

    m_padMapView = new PadMapView(this);
    m_padMapDock = new QDockWidget(tr("Pad Map"), this);
    m_padMapDock->setObjectName("padMapDock");
    m_padMapDock->setWidget(m_padMapView);
    addDockWidget(Qt::BottomDockWidgetArea, m_padMapDock);
    tabifyDockWidget(m_trainingAreaDock, m_padMapDock);
    m_padMapDock->hide();
    m_problemsDock->raise();

    m_guideDock->attachViews(
        { m_trainingArea->curves(), m_padMapView, m_trainingArea->roc(), m_trainingArea->confusion() });
    connect(m_guideDock, &GuideDock::message, this, [this](const QString& text, bool error) {
        m_logDock->append(text, error ? LogDock::Level::Error : LogDock::Level::Info);
        if (error)
            statusBar()->showMessage(text, kStatusMessageMs);
    });
    connect(m_guideDock, &GuideDock::viewRequested, this, &MainWindow::showExerciseView);
    m_guideDock->setTaskModelSource([this]() -> QString {
        if (!m_model->analysis().ok()) {
            reportError(tr("The model on the canvas has problems"),
                tr("Fix them (see the Problems panel) before the exercise trains it."));
            return {};
        }
        if (!m_taskModelDir)
            m_taskModelDir = std::make_unique<QTemporaryDir>();
        const QString path = m_taskModelDir->filePath("task.neurino.json");
        try {
            saveModel(m_model->graph(), path.toStdString());
        } catch (const Error& e) {
            reportError(tr("Cannot hand the model to the exercise"), qs(e.what()));
            return {};
        }
        return path;
    });
}

bool MainWindow::openExercise(const QString& id)
{
    if (!m_guideDock->openExercise(id))
        return false;
    m_guideDock->show();
    m_guideDock->raise();
    if (!m_guideDock->isFloating() && m_guideDock->width() < 480)
        resizeDocks({ m_guideDock }, { 500 }, Qt::Horizontal);
    const exercises::Exercise& exercise = exercises::ExerciseCatalog::instance().exercise(id.toStdString());
    for (const exercises::ModelRef& ref : exercise.models) {
        if (ref.role != "start")
            continue;
        try {
            openFile(qs(ref.path(exercise.id)));
        } catch (const Error& e) {
            reportError(tr("Cannot open the lesson's starting model"), qs(e.what()));
        }
        break;
    }
    return true;
}

void MainWindow::showExerciseView(const QString& view)
{
    if (view == "pad_map") {
        m_padMapDock->show();
        m_padMapDock->raise();
    } else if (view == "curves" || view == "roc" || view == "confusion") {
        QWidget* tab = view == "roc" ? static_cast<QWidget*>(m_trainingArea->roc())
            : view == "confusion"    ? static_cast<QWidget*>(m_trainingArea->confusion())
                                     : static_cast<QWidget*>(m_trainingArea->curves());
        m_trainingArea->setCurrentWidget(tab);
        m_trainingAreaDock->show();
        m_trainingAreaDock->raise();
    } else {
        return;
    }
    QDockWidget* dock = view == "pad_map" ? m_padMapDock : m_trainingAreaDock;
    if (!dock->isFloating() && dock->height() < height() / 3)
        resizeDocks({ dock }, { height() * 2 / 5 }, Qt::Vertical);
}

void MainWindow::createTrainingDocks()
{
    m_trainingDock = new TrainingDock(m_model, m_runScheduler, this);
    addDockWidget(Qt::RightDockWidgetArea, m_trainingDock);
    tabifyDockWidget(m_propertiesDock, m_trainingDock);
    m_propertiesDock->raise();

    // Every run is kept on disk as a run folder (the format neurino-batch train writes), so that runs
    // can be saved, reopened and compared later; screenshots and tests keep nothing.
    if (m_options.autosave)
        m_runScheduler->setRunsFolder(
            QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/runs");

    m_trainingArea = new TrainingArea(m_runScheduler, this);
    m_trainingAreaDock = new QDockWidget(tr("Training Results"), this);
    m_trainingAreaDock->setObjectName("trainingAreaDock");
    m_trainingAreaDock->setWidget(m_trainingArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_trainingAreaDock);
    tabifyDockWidget(m_logDock, m_trainingAreaDock);
    m_problemsDock->raise();

    connect(m_trainingDock, &TrainingDock::message, this, [this](const QString& text, bool error) {
        m_logDock->append(text, error ? LogDock::Level::Error : LogDock::Level::Info);
        statusBar()->showMessage(text, kStatusMessageMs);
    });
    connect(m_trainingDock, &TrainingDock::runActivated, this, [this](int id) {
        if (const RunRecord* run = m_runScheduler->run(id)) {
            m_trainingArea->showEvaluation(*run);
            m_trainingAreaDock->show();
            m_trainingAreaDock->raise();
        }
    });
    connect(m_runScheduler, &RunScheduler::runAdded, this, [this] {
        m_trainingAreaDock->show();
        m_trainingAreaDock->raise();
        // The curves need room: give the results at least a third of the window's height.
        if (m_trainingAreaDock->height() < height() / 3)
            resizeDocks({ m_trainingAreaDock }, { height() * 2 / 5 }, Qt::Vertical);
    });
    connect(m_runScheduler, &RunScheduler::stateChanged, this, [this] {
        const auto state = m_runScheduler->state();
        const bool running = m_runScheduler->isRunning();
        m_startTrainingAction->setText(running ? tr("&Queue Training Run") : tr("&Start Training"));
        m_pauseTrainingAction->setEnabled(running && state != RunScheduler::State::Stopping);
        m_pauseTrainingAction->setText(
            state == RunScheduler::State::Paused ? tr("&Resume Training") : tr("&Pause Training"));
        m_stopTrainingAction->setEnabled(running && state != RunScheduler::State::Stopping);
    });
}

void MainWindow::showTraining()
{
    m_trainingDock->show();
    m_trainingDock->raise();
    // The settings, buttons and run list need most of the right side's height.
    if (!m_trainingDock->isFloating())
        resizeDocks({ m_trainingDock, m_summaryDock }, { height() * 2 / 3, height() / 6 }, Qt::Vertical);
    m_trainingAreaDock->show();
    m_trainingAreaDock->raise();
    if (m_trainingAreaDock->height() < height() / 3)
        resizeDocks({ m_trainingAreaDock }, { height() * 2 / 5 }, Qt::Vertical);
}

QAction* MainWindow::addAction(QMenu* menu, const QString& text, const QKeySequence& key, const QString& tip)
{
    auto* action = new QAction(text, this);
    if (!key.isEmpty())
        action->setShortcut(key);
    action->setStatusTip(tip);
    action->setToolTip(key.isEmpty() ? tip : tip + " (" + key.toString(QKeySequence::NativeText) + ")");
    if (menu)
        menu->addAction(action);
    return action;
}

void MainWindow::createActions()
{
    QStyle* s = style();
    m_newAction = addAction(nullptr, tr("&New"), QKeySequence::New, tr("Start an empty model"));
    m_newAction->setIcon(s->standardIcon(QStyle::SP_FileIcon));
    connect(m_newAction, &QAction::triggered, this, [this] {
        if (maybeSave())
            newModel();
    });
    m_openAction = addAction(nullptr, tr("&Open…"), QKeySequence::Open, tr("Open a model file"));
    m_openAction->setIcon(s->standardIcon(QStyle::SP_DialogOpenButton));
    connect(m_openAction, &QAction::triggered, this, [this] {
        if (!maybeSave())
            return;
        const QString dir = QSettings().value("lastDirectory", QDir::homePath()).toString();
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), dir, tr(kModelFilter));
        if (!path.isEmpty())
            openFile(path);
    });
    m_saveAction = addAction(nullptr, tr("&Save"), QKeySequence::Save, tr("Save the model"));
    m_saveAction->setIcon(s->standardIcon(QStyle::SP_DialogSaveButton));
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::save);
    m_saveAsAction
        = addAction(nullptr, tr("Save &As…"), QKeySequence::SaveAs, tr("Save the model under a new name"));
    connect(m_saveAsAction, &QAction::triggered, this, &MainWindow::saveAs);
    m_quitAction = addAction(nullptr, tr("&Quit"), QKeySequence::Quit, tr("Close Neurino"));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    QUndoStack* undo = m_editor->undoStack();
    m_undoAction = undo->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setIcon(s->standardIcon(QStyle::SP_ArrowBack));
    m_redoAction = undo->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts({ QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y) });
    m_redoAction->setIcon(s->standardIcon(QStyle::SP_ArrowForward));

    // Canvas edits take their keys only while the canvas has the focus, so that Delete, Ctrl+C and Ctrl+A
    // keep working as usual in the property panel's fields.
    auto canvasAction = [this](const QString& text, const QKeySequence& key, const QString& tip) {
        QAction* action = addAction(nullptr, text, key, tip);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(action);
        return action;
    };
    m_cutAction
        = canvasAction(tr("Cu&t"), QKeySequence::Cut, tr("Move the selected layers to the clipboard"));
    connect(m_cutAction, &QAction::triggered, this, [this] { copySelection(true); });
    m_copyAction = canvasAction(tr("&Copy"), QKeySequence::Copy, tr("Copy the selected layers"));
    connect(m_copyAction, &QAction::triggered, this, [this] { copySelection(false); });
    m_pasteAction = canvasAction(tr("&Paste"), QKeySequence::Paste, tr("Paste layers from the clipboard"));
    connect(m_pasteAction, &QAction::triggered, this, &MainWindow::paste);
    m_duplicateAction = canvasAction(tr("D&uplicate"), QKeySequence(Qt::CTRL | Qt::Key_D),
        tr("Copy the selected layers and their connections beside them"));
    connect(m_duplicateAction, &QAction::triggered, this,
        [this] { m_editor->duplicate(m_scene->selectedNodeIds()); });
    m_deleteAction
        = canvasAction(tr("&Delete"), QKeySequence::Delete, tr("Delete the selected layers and connections"));
    m_deleteAction->setShortcuts({ QKeySequence::Delete, QKeySequence(Qt::Key_Backspace) });
    m_deleteAction->setIcon(s->standardIcon(QStyle::SP_TrashIcon));
    connect(m_deleteAction, &QAction::triggered, this,
        [this] { m_editor->removeItems(m_scene->selectedNodeIds(), m_scene->selectedEdges()); });
    m_selectAllAction = canvasAction(tr("Select &All"), QKeySequence::SelectAll, tr("Select every layer"));
    connect(m_selectAllAction, &QAction::triggered, this, [this] {
        QStringList ids;
        for (const Node& n : m_model->graph().nodes())
            ids << qs(n.id);
        m_scene->selectNodes(ids);
    });
    m_renameAction
        = canvasAction(tr("&Rename Layer"), QKeySequence(Qt::Key_F2), tr("Edit the selected layer's name"));
    connect(m_renameAction, &QAction::triggered, this, [this] {
        m_propertiesDock->show();
        m_properties->focusName();
    });

    m_zoomInAction = addAction(nullptr, tr("Zoom &In"), QKeySequence::ZoomIn, tr("Enlarge the canvas"));
    m_zoomInAction->setShortcuts({ QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal) });
    connect(m_zoomInAction, &QAction::triggered, m_view, &GraphView::zoomIn);
    m_zoomOutAction = addAction(nullptr, tr("Zoom &Out"), QKeySequence::ZoomOut, tr("Shrink the canvas"));
    connect(m_zoomOutAction, &QAction::triggered, m_view, &GraphView::zoomOut);
    m_zoomResetAction = addAction(
        nullptr, tr("Actual &Size"), QKeySequence(Qt::CTRL | Qt::Key_1), tr("Show the canvas at 100 %"));
    connect(m_zoomResetAction, &QAction::triggered, this, [this] { m_view->setZoom(1.0); });
    m_fitAction = addAction(
        nullptr, tr("&Fit to View"), QKeySequence(Qt::CTRL | Qt::Key_0), tr("Show the whole model"));
    m_fitAction->setIcon(s->standardIcon(QStyle::SP_TitleBarMaxButton));
    connect(m_fitAction, &QAction::triggered, m_view, &GraphView::fitToView);
    m_layoutAction = addAction(nullptr, tr("Auto &Layout"), QKeySequence(Qt::CTRL | Qt::Key_L),
        tr("Arrange the layers in the order data flows through them"));
    m_layoutAction->setIcon(s->standardIcon(QStyle::SP_BrowserReload));
    connect(m_layoutAction, &QAction::triggered, this, &MainWindow::layoutAndFit);

    m_addLayerAction = addAction(nullptr, tr("&Add Layer…"), QKeySequence(Qt::Key_Tab),
        tr("Type a layer's name to add it (Tab on the canvas)"));
    m_addLayerAction->setShortcutContext(Qt::WidgetShortcut); // the canvas handles Tab itself
    connect(m_addLayerAction, &QAction::triggered, this,
        [this] { m_view->openQuickAdd(m_view->viewport()->rect().center()); });
    m_validateAction = addAction(nullptr, tr("&Validate"), QKeySequence(Qt::Key_F7),
        tr("Check shapes and connections and list the problems"));
    m_validateAction->setIcon(s->standardIcon(QStyle::SP_DialogApplyButton));
    connect(m_validateAction, &QAction::triggered, this, &MainWindow::validate);
    m_summaryAction = addAction(nullptr, tr("&Summary"), QKeySequence(Qt::CTRL | Qt::Key_I),
        tr("Show the Keras-style summary of the model"));
    connect(m_summaryAction, &QAction::triggered, this, [this] {
        m_summaryDock->show();
        m_summaryDock->raise();
    });
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    m_fileMenu->addAction(m_newAction);
    QMenu* templates = m_fileMenu->addMenu(tr("New from &Template"));
    templates->setToolTipsVisible(true);
    for (const QString& name : templateNames()) {
        QString text = name;
        QString tip;
        try {
            const ModelGraph g = loadModel(templatePath(name.toStdString()));
            const GraphAnalysis a = g.analyze();
            text = tr("%1  (%2 parameters)").arg(name, qs(formatCount(a.totalParams().total())));
            tip = qs(g.description());
        } catch (const Error& e) {
            tip = qs(e.what());
        }
        QAction* action = templates->addAction(text, this, [this, name] {
            if (maybeSave())
                newFromTemplate(name);
        });
        action->setToolTip(tip);
        action->setStatusTip(tip);
    }
    m_fileMenu->addAction(m_openAction);
    m_recentMenu = m_fileMenu->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_saveAction);
    m_fileMenu->addAction(m_saveAsAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);

    m_editMenu = menuBar()->addMenu(tr("&Edit"));
    m_editMenu->addAction(m_undoAction);
    m_editMenu->addAction(m_redoAction);
    m_editMenu->addSeparator();
    m_editMenu->addAction(m_cutAction);
    m_editMenu->addAction(m_copyAction);
    m_editMenu->addAction(m_pasteAction);
    m_editMenu->addAction(m_duplicateAction);
    m_editMenu->addAction(m_deleteAction);
    m_editMenu->addSeparator();
    m_editMenu->addAction(m_selectAllAction);
    m_editMenu->addAction(m_renameAction);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu* panels = m_viewMenu->addMenu(tr("&Panels"));
    for (QDockWidget* dock : { m_paletteDock, m_propertiesDock, static_cast<QDockWidget*>(m_summaryDock),
             static_cast<QDockWidget*>(m_problemsDock), static_cast<QDockWidget*>(m_logDock),
             static_cast<QDockWidget*>(m_trainingDock), m_trainingAreaDock,
             static_cast<QDockWidget*>(m_guideDock), m_padMapDock })
        panels->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_zoomInAction);
    m_viewMenu->addAction(m_zoomOutAction);
    m_viewMenu->addAction(m_zoomResetAction);
    m_viewMenu->addAction(m_fitAction);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_layoutAction);

    m_modelMenu = menuBar()->addMenu(tr("&Model"));
    m_modelMenu->addAction(m_addLayerAction);
    m_modelMenu->addSeparator();
    m_modelMenu->addAction(m_validateAction);
    m_modelMenu->addAction(m_summaryAction);
    m_modelMenu->addAction(m_layoutAction);

    m_trainMenu = menuBar()->addMenu(tr("&Train"));
    m_showTrainingAction = addAction(m_trainMenu, tr("Show &Training Panel"),
        QKeySequence(Qt::CTRL | Qt::Key_T), tr("Show the training settings and the live curves"));
    connect(m_showTrainingAction, &QAction::triggered, this, &MainWindow::showTraining);
    m_startTrainingAction = addAction(m_trainMenu, tr("&Start Training"), QKeySequence(Qt::Key_F5),
        tr("Train the model on the canvas with the training panel's settings"));
    connect(m_startTrainingAction, &QAction::triggered, this, [this] {
        showTraining();
        m_trainingDock->start();
    });
    m_pauseTrainingAction = addAction(m_trainMenu, tr("&Pause Training"), QKeySequence(Qt::Key_F6),
        tr("Hold or continue the run after the current batch"));
    connect(m_pauseTrainingAction, &QAction::triggered, m_trainingDock, &TrainingDock::pauseOrResume);
    m_stopTrainingAction = addAction(m_trainMenu, tr("S&top Training"), QKeySequence(Qt::SHIFT | Qt::Key_F5),
        tr("End the run after the current batch"));
    connect(m_stopTrainingAction, &QAction::triggered, m_trainingDock, &TrainingDock::stop);
    m_pauseTrainingAction->setEnabled(false);
    m_stopTrainingAction->setEnabled(false);
    m_trainMenu->addSeparator();
    QAction* command
        = m_trainMenu->addAction(tr("Copy &Batch Training Command"), this, &MainWindow::copyTrainingCommand);
    command->setStatusTip(tr("Copy a neurino-batch command line that trains this model without a window"));

    createExercisesMenu();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* reference = help->addAction(tr("&Layer Reference"), this, [this] {
        auto* dialog = new LayerReferenceDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    reference->setShortcut(QKeySequence::HelpContents);
    help->addSeparator();
    QAction* aboutAction = help->addAction(tr("&About Neurino"), this, &MainWindow::about);
    aboutAction->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

// Every lesson of the catalog opens in the guide dock; the lectures' templates follow as starting points.
void MainWindow::createExercisesMenu()
{
    m_exercisesMenu = menuBar()->addMenu(tr("E&xercises"));
    m_exercisesMenu->setToolTipsVisible(true);
    const auto& catalog = exercises::ExerciseCatalog::instance();
    for (const std::string& id : catalog.ids()) {
        const exercises::Exercise& e = catalog.exercise(id);
        const QString name = qs(id);
        QAction* action = m_exercisesMenu->addAction(
            tr("Lesson %1: %2").arg(e.number).arg(qs(e.title)), this, [this, name] {
                if (maybeSave())
                    openExercise(name);
            });
        action->setObjectName("exercise_" + name);
        const std::string why = catalog.unavailableReason(id);
        action->setEnabled(why.empty());
        action->setToolTip(why.empty() ? qs(e.summary) : tr("Not available here: %1").arg(qs(why)));
        action->setStatusTip(action->toolTip());
    }
    m_exercisesMenu->addSeparator();
    m_exercisesMenu->addAction(m_guideDock->toggleViewAction());
    QMenu* starts = m_exercisesMenu->addMenu(tr("Starting &Models"));
    const QStringList names = templateNames();
    for (const Lecture& lecture : kLectures) {
        QMenu* menu = starts->addMenu(tr(lecture.title));
        for (const QString& name : names) {
            if (!name.startsWith(lecture.prefix))
                continue;
            menu->addAction(tr("Start from %1").arg(name), this, [this, name] {
                if (maybeSave())
                    newFromTemplate(name);
            });
        }
    }
}

void MainWindow::createToolBar()
{
    m_toolBar = addToolBar(tr("Main"));
    m_toolBar->setObjectName("mainToolBar");
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(18, 18));
    m_toolBar->addAction(m_newAction);
    m_toolBar->addAction(m_openAction);
    m_toolBar->addAction(m_saveAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_undoAction);
    m_toolBar->addAction(m_redoAction);
    m_toolBar->addAction(m_deleteAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_layoutAction);
    m_toolBar->addAction(m_fitAction);
    m_toolBar->addAction(m_validateAction);
}

void MainWindow::createStatusBar()
{
    m_paramsLabel = new QLabel(this);
    m_paramsLabel->setObjectName("paramsLabel");
    m_validityButton = new QToolButton(this);
    m_validityButton->setObjectName("validityButton");
    m_validityButton->setAutoRaise(true);
    m_validityButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    connect(m_validityButton, &QToolButton::clicked, this, [this] {
        m_problemsDock->show();
        m_problemsDock->raise();
    });
    m_zoomLabel = new QLabel(tr("Zoom 100 %"), this);
    statusBar()->addPermanentWidget(m_paramsLabel);
    statusBar()->addPermanentWidget(m_validityButton);
    statusBar()->addPermanentWidget(m_zoomLabel);
    updateStatus();
}

void MainWindow::readSettings()
{
    QSettings settings;
    const QByteArray geometry = settings.value("window/geometry").toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray state = settings.value("window/state").toByteArray();
    if (!state.isEmpty())
        restoreState(state);
}

void MainWindow::writeSettings()
{
    if (!m_options.restoreSettings)
        return;
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
}

QStringList MainWindow::templateNames()
{
    QStringList names;
    for (const QFileInfo& info :
        QDir(templatesDirectory()).entryInfoList({ "*.neurino.json" }, QDir::Files, QDir::Name))
        names << info.fileName().chopped(static_cast<int>(qstrlen(kModelSuffix)));
    return names;
}

void MainWindow::setGraph(const ModelGraph& graph, const QString& filePath)
{
    m_editor->resetGraph(graph);
    m_filePath = filePath;
    m_autosaveDirty = false;
    m_autosave->discard();
    updateTitle();
    updateStatus();
    // Fit once the window has its size; now as well, for windows that are already shown.
    m_view->fitToView();
    QTimer::singleShot(0, m_view, &GraphView::fitToView);
}

void MainWindow::newModel()
{
    ModelGraph graph;
    graph.setName("untitled");
    setGraph(graph, {});
}

bool MainWindow::newFromTemplate(const QString& name)
{
    try {
        return openFile(qs(templatePath(name.toStdString())));
    } catch (const Error& e) {
        reportError(tr("No such template"), qs(e.what()));
        return false;
    }
}

bool MainWindow::openFile(const QString& path)
{
    try {
        ModelGraph graph = loadModel(QFileInfo(path).absoluteFilePath().toStdString());
        const bool asTemplate = isTemplateFile(path);
        if (asTemplate || positionsOverlap(graph)) {
            // Templates are stored as a plain column; arrange them (and overlapping files) for this screen.
            for (const auto& [id, pos] : GraphLayout::compute(graph, m_view->layoutViewport()))
                graph.setPosition(id, pos.x(), pos.y());
        }
        setGraph(graph, asTemplate ? QString() : QFileInfo(path).absoluteFilePath());
        if (asTemplate) {
            m_logDock->append(tr("New model from template %1.").arg(QFileInfo(path).fileName()));
        } else {
            addRecentFile(m_filePath);
            QSettings().setValue("lastDirectory", QFileInfo(path).absolutePath());
            m_logDock->append(tr("Opened %1.").arg(QDir::toNativeSeparators(m_filePath)));
        }
        const GraphAnalysis& a = m_model->analysis();
        if (!a.ok())
            m_logDock->append(tr("%n problem(s) in this model; see the Problems panel.", nullptr,
                                  static_cast<int>(a.issues.size())),
                LogDock::Level::Warning);
        return true;
    } catch (const Error& e) {
        reportError(tr("Cannot open model"), qs(e.what()));
        return false;
    }
}

bool MainWindow::saveTo(const QString& path)
{
    QString target = path;
    if (!target.endsWith(".json", Qt::CaseInsensitive))
        target += kModelSuffix;
    try {
        saveModel(m_model->graph(), target.toStdString());
    } catch (const Error& e) {
        reportError(tr("Cannot save model"), qs(e.what()));
        return false;
    }
    m_filePath = QFileInfo(target).absoluteFilePath();
    m_editor->undoStack()->setClean();
    m_autosave->discard();
    m_autosaveDirty = false;
    addRecentFile(m_filePath);
    QSettings().setValue("lastDirectory", QFileInfo(target).absolutePath());
    m_logDock->append(tr("Saved %1.").arg(QDir::toNativeSeparators(m_filePath)));
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(m_filePath).fileName()), kStatusMessageMs);
    updateTitle();
    return true;
}

bool MainWindow::save()
{
    if (m_filePath.isEmpty())
        return saveAs();
    return saveTo(m_filePath);
}

bool MainWindow::saveAs()
{
    const QString dir = QSettings().value("lastDirectory", QDir::homePath()).toString();
    const QString suggestion
        = m_filePath.isEmpty() ? dir + "/" + qs(m_model->graph().name()) + kModelSuffix : m_filePath;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Model"), suggestion, tr(kModelFilter));
    return !path.isEmpty() && saveTo(path);
}

bool MainWindow::isModified() const
{
    return !m_editor->undoStack()->isClean();
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value("recentFiles").toStringList();
}

void MainWindow::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue("recentFiles", files);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        QAction* action = m_recentMenu->addAction(
            QStringLiteral("&%1  %2").arg(i + 1).arg(QFileInfo(path).fileName()), this, [this, path] {
                if (maybeSave())
                    openFile(path);
            });
        action->setStatusTip(QDir::toNativeSeparators(path));
        action->setEnabled(QFileInfo::exists(path));
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [] { QSettings().remove("recentFiles"); })
        ->setEnabled(!files.isEmpty());
}

void MainWindow::updateTitle()
{
    const QString name = m_filePath.isEmpty() ? qs(m_model->graph().name()) + tr(" (unsaved)")
                                              : QFileInfo(m_filePath).fileName();
    setWindowTitle(name + "[*] — Neurino");
    setWindowModified(isModified());
}

void MainWindow::updateStatus()
{
    const GraphAnalysis& a = m_model->analysis();
    const ParamCount total = a.totalParams();
    if (a.params.size() < m_model->graph().nodes().size())
        m_paramsLabel->setText(tr("parameters: ? until the problems are fixed"));
    else
        m_paramsLabel->setText(tr("%1 parameters (%2 trainable)")
                                   .arg(qs(formatCount(total.total())), qs(formatCount(total.trainable))));
    if (a.ok()) {
        m_validityButton->setText(tr("Valid"));
        m_validityButton->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
        m_validityButton->setToolTip(tr("Shapes and connections are consistent: the model can be trained."));
    } else {
        m_validityButton->setText(tr("%n problem(s)", nullptr, static_cast<int>(a.issues.size())));
        m_validityButton->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
        m_validityButton->setToolTip(tr("Click to see what is wrong and where."));
    }
}

void MainWindow::updateSelectionActions()
{
    const bool nodes = !m_scene->selectedNodeIds().isEmpty();
    const bool any = nodes || !m_scene->selectedEdges().isEmpty();
    m_cutAction->setEnabled(nodes);
    m_copyAction->setEnabled(nodes);
    m_duplicateAction->setEnabled(nodes);
    m_deleteAction->setEnabled(any);
    m_renameAction->setEnabled(m_scene->selectedNodeIds().size() == 1);
}

void MainWindow::layoutAndFit()
{
    m_editor->autoLayout(m_view->layoutViewport());
    m_view->fitToView();
}

void MainWindow::showNode(const QString& id)
{
    if (!m_scene->nodeItem(id))
        return;
    m_scene->selectNodes({ id });
    m_view->ensureVisible(m_scene->nodeItem(id), 60, 60);
    m_propertiesDock->show();
    m_propertiesDock->raise();
}

void MainWindow::validate()
{
    const GraphAnalysis& a = m_model->analysis();
    if (a.ok()) {
        const QString text
            = tr("The model is valid: %1 parameters.").arg(qs(formatCount(a.totalParams().total())));
        m_logDock->append(text);
        statusBar()->showMessage(text, kStatusMessageMs);
    } else {
        m_logDock->append(tr("The model has problems:\n%1").arg(qs(formatIssues(m_model->graph(), a.issues))),
            LogDock::Level::Warning);
        statusBar()->showMessage(
            tr("%n problem(s): see the Problems panel", nullptr, static_cast<int>(a.issues.size())),
            kStatusMessageMs);
        if (!a.issues.front().nodeId.empty())
            showNode(qs(a.issues.front().nodeId));
    }
    m_problemsDock->show();
    m_problemsDock->raise();
}

void MainWindow::copySelection(bool cut)
{
    const QStringList ids = m_scene->selectedNodeIds();
    if (ids.isEmpty())
        return;
    GraphClipboard::put(m_editor->copyNodes(ids));
    if (cut)
        m_editor->removeItems(ids, m_scene->selectedEdges());
    statusBar()->showMessage(
        tr("%n layer(s) %1", nullptr, static_cast<int>(ids.size())).arg(cut ? tr("cut") : tr("copied")),
        kStatusMessageMs);
}

void MainWindow::paste()
{
    const QPoint cursor = m_view->viewport()->mapFromGlobal(QCursor::pos());
    std::optional<QPointF> at;
    if (m_view->viewport()->rect().contains(cursor))
        at = m_view->mapToScene(cursor);
    m_editor->pasteText(GraphClipboard::get(), at);
}

void MainWindow::copyTrainingCommand()
{
    if (m_filePath.isEmpty() || isModified()) {
        if (!m_options.interactive || !save())
            return;
    }
    const QString name = QFileInfo(m_filePath).fileName().chopped(static_cast<int>(qstrlen(kModelSuffix)));
    const QString command = QStringLiteral("neurino-batch train --model \"%1\" --data DATA.h5 --out runs/%2")
                                .arg(QDir::toNativeSeparators(m_filePath), name);
    QGuiApplication::clipboard()->setText(command);
    m_logDock->append(
        tr("Copied to the clipboard:\n%1\nReplace DATA.h5 with a dataset file, e.g. one made by "
           "`neurino-batch generate`.")
            .arg(command));
    m_logDock->show();
    m_logDock->raise();
}

void MainWindow::about()
{
    QString device;
    try {
        device = qs(describeDevice(selectDevice("auto")));
    } catch (const Error& e) {
        device = qs(e.what());
    }
    QMessageBox::about(this, tr("About Neurino"),
        tr("<h3>Neurino %1</h3><p>A workbench to compose, train and look inside neural networks, "
           "for physics students.</p><table><tr><td>Qt</td><td>%2</td></tr><tr><td>LibTorch</td>"
           "<td>%3</td></tr><tr><td>Compute device</td><td>%4</td></tr></table>")
            .arg(NEURINO_VERSION, qVersion(), qs(libtorchVersion()).remove("LibTorch "), device));
}

void MainWindow::reportError(const QString& title, const QString& text)
{
    m_logDock->append(title + ": " + text, LogDock::Level::Error);
    statusBar()->showMessage(title, kStatusMessageMs);
    if (m_options.interactive)
        QMessageBox::warning(this, title, text);
    else
        qWarning().noquote() << "neurino:" << title + ":" << text;
}

bool MainWindow::maybeSave()
{
    if (!isModified() || !m_options.interactive)
        return true;
    const QString name
        = m_filePath.isEmpty() ? qs(m_model->graph().name()) : QFileInfo(m_filePath).fileName();
    const auto answer = QMessageBox::warning(this, tr("Unsaved changes"),
        tr("%1 has changes that are not saved. Save them?").arg(name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::autosaveNow()
{
    if (!m_options.autosave)
        return;
    try {
        m_autosave->save(m_model->graph(), m_filePath);
        m_autosaveDirty = false;
    } catch (const Error& e) {
        m_logDock->append(tr("Autosave failed: %1").arg(qs(e.what())), LogDock::Level::Warning);
    }
}

QList<AutosaveManager::Entry> MainWindow::recoverableAutosaves() const
{
    return m_autosave->recoverable();
}

bool MainWindow::recover(const AutosaveManager::Entry& entry)
{
    try {
        const ModelGraph graph = AutosaveManager::load(entry);
        setGraph(graph, entry.originalFile);
        // Recovered work is unsaved work: keep the window marked modified and the copy safe at once.
        m_editor->undoStack()->resetClean();
        updateTitle();
        autosaveNow();
        AutosaveManager::remove(entry);
        m_logDock->append(tr("Recovered unsaved work on %1 from %2.")
                              .arg(entry.modelName, entry.savedAt.toString(Qt::TextDate)));
        return true;
    } catch (const Error& e) {
        reportError(tr("Cannot recover"), qs(e.what()));
        return false;
    }
}

void MainWindow::offerRecovery()
{
    const QList<AutosaveManager::Entry> entries = recoverableAutosaves();
    if (entries.isEmpty() || !m_options.interactive)
        return;
    const AutosaveManager::Entry& newest = entries.front();
    const QString from = newest.originalFile.isEmpty() ? tr("an unsaved model") : newest.originalFile;
    QMessageBox box(QMessageBox::Question, tr("Recover unsaved work?"),
        tr("Neurino did not close normally last time. An autosaved copy of %1 (\"%2\") from %3 "
           "was kept.")
            .arg(from, newest.modelName, newest.savedAt.toString(Qt::TextDate)),
        QMessageBox::NoButton, this);
    QPushButton* recoverButton = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
    QPushButton* discardButton = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
    box.addButton(tr("Decide Later"), QMessageBox::RejectRole);
    box.exec();
    if (box.clickedButton() == static_cast<QAbstractButton*>(recoverButton))
        recover(newest);
    else if (box.clickedButton() == static_cast<QAbstractButton*>(discardButton))
        AutosaveManager::remove(newest);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    writeSettings();
    m_autosave->discard();
    // The trainer looks at the stop request between batches; the scheduler's threads wait for it when
    // destroyed. Runs and lesson steps still queued are dropped.
    m_guideDock->runner()->stop();
    m_runScheduler->stopAll();
    event->accept();
}

} // namespace neurino
