#include "app/gui/MainWindow.h"

#include "app/gui/ClusterJobActions.h"
#include "app/gui/EditorActions.h"
#include "app/gui/ExerciseWorkspace.h"
#include "app/gui/HelpMenu.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ModelStatus.h"
#include "app/gui/OnnxExchange.h"
#include "app/gui/TourOverlay.h"
#include "app/gui/TrainingWorkspace.h"
#include "app/gui/WelcomePage.h"
#include "app/gui/WorkbenchLayout.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/GraphView.h"
#include "widgets/editor/LayerPalette.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/editor/PropertyPanel.h"
#include "widgets/editor/SummaryDock.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainConfigForm.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"

#include "core/util/Device.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDebug>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QGuiApplication>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

namespace neurino {

namespace {

constexpr int kStatusMessageMs = 8000;
constexpr const char* kModelSuffix = ".neurino.json";

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

void showDock(QDockWidget* dock)
{
    dock->show();
    dock->raise();
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : MainWindow(Options(), parent)
{
}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_document(new ModelDocument({ options.interactive, options.autosave }, this))
    , m_scene(new GraphScene(m_document->model(), m_document->editor(), this))
    , m_view(new GraphView(m_scene, this))
    , m_center(new QStackedWidget(this))
    , m_actions(new EditorActions(m_document->editor(), m_scene, m_view, this))
    , m_runScheduler(new RunScheduler(this))
{
    setObjectName("mainWindow");
    m_center->addWidget(m_view);
    setCentralWidget(m_center);
    setDockNestingEnabled(true);
    createDocks();
    createWorkspaces();
    // 1600×1000, or the whole screen where it is smaller (a classroom projector's 1366×768).
    const QSize screenSize = screen() ? screen()->availableGeometry().size() : QSize(1600, 1000);
    resize(QSize(1600, 1000).boundedTo(screenSize));
    if (m_options.restoreSettings)
        readSettings();
    m_layout = new WorkbenchLayout(this,
        { m_paletteDock, m_propertiesDock, m_summaryDock, m_problemsDock, m_logDock, m_training->dock(),
            m_training->areaDock(), m_exercises->dock(), m_exercises->padMapDock() },
        m_options.restoreSettings);
    createWelcomePage();
    createMenus();
    createToolBar();
    createStatusBar();
    connectParts();
    m_document->newModel();
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

    m_properties = new PropertyPanel(m_document->editor(), this);
    m_propertiesDock = new QDockWidget(tr("Properties"), this);
    m_propertiesDock->setObjectName("propertiesDock");
    m_propertiesDock->setWidget(m_properties);
    addDockWidget(Qt::RightDockWidgetArea, m_propertiesDock);

    m_summaryDock = new SummaryDock(m_document->model(), this);
    addDockWidget(Qt::RightDockWidgetArea, m_summaryDock);
    splitDockWidget(m_propertiesDock, m_summaryDock, Qt::Vertical);

    m_problemsDock = new ProblemsDock(m_document->model(), this);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
}

void MainWindow::createWorkspaces()
{
    m_training
        = new TrainingWorkspace(this, m_document->model(), m_runScheduler, /*keepRuns=*/m_options.autosave);
    m_exercises = new ExerciseWorkspace(this, m_document, m_training, m_runScheduler);
}

void MainWindow::createWelcomePage()
{
    m_welcome = new WelcomePage(this);
    // Scrolled, so that the page's own minimum size does not become the canvas's: the central stack is as
    // large as its largest page needs.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_welcome);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_center->addWidget(scroll);
    m_welcome->setShowAtStart(QSettings().value("welcome/atStart", true).toBool());
    connect(m_welcome, &WelcomePage::showAtStartChanged, this,
        [](bool on) { QSettings().setValue("welcome/atStart", on); });
    connect(m_welcome, &WelcomePage::lessonChosen, this, [this](const QString& id) {
        if (m_document->maybeSave())
            m_exercises->openExercise(id);
    });
    connect(m_welcome, &WelcomePage::templateChosen, this, [this](const QString& name) {
        if (m_document->maybeSave() && m_document->newFromTemplate(name))
            m_layout->switchTo(WorkbenchLayout::Activity::Building);
    });
    connect(m_welcome, &WelcomePage::modelChosen, this, [this](const QString& path) {
        if (m_document->maybeSave())
            m_document->openFile(path);
    });
    connect(m_welcome, &WelcomePage::runChosen, this, [this](const QString& folder) {
        if (m_training->dock()->openRun(folder))
            m_training->showTraining();
    });
    connect(m_welcome, &WelcomePage::emptyModelRequested, this, [this] {
        if (!m_document->maybeSave())
            return;
        m_document->newModel();
        m_layout->switchTo(WorkbenchLayout::Activity::Building);
    });
    connect(m_welcome, &WelcomePage::openRequested, m_document, &ModelDocument::openWithDialog);
    connect(m_welcome, &WelcomePage::tourRequested, this, [this] {
        showCanvas();
        startTour();
    });
}

void MainWindow::connectParts()
{
    m_document->setLayoutArea([this] { return m_view->layoutViewport(); });
    connect(m_document, &ModelDocument::titleChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ModelDocument::graphReplaced, this, &MainWindow::graphReplaced);
    connect(m_document, &ModelDocument::message, m_logDock, &LogDock::append);
    connect(m_document, &ModelDocument::statusMessage, this,
        [this](const QString& text) { statusBar()->showMessage(text, kStatusMessageMs); });
    connect(m_document, &ModelDocument::errorOccurred, this, &MainWindow::reportError);
    connect(m_scene, &QGraphicsScene::selectionChanged, this,
        [this] { m_properties->showSelection(m_scene->selectedNodeIds()); });
    connect(m_scene, &GraphScene::nodeActivated, this, [this](const QString& id) {
        m_scene->selectNodes({ id });
        showDock(m_propertiesDock);
        m_properties->focusName();
    });
    connect(m_problemsDock, &ProblemsDock::problemActivated, this, &MainWindow::showNode);
    connect(m_palette, &LayerPalette::kindActivated, this, [this](const QString& kind) {
        const QPointF center = m_view->mapToScene(m_view->viewport()->rect().center());
        m_document->editor()->addLayer(kind, center - QPointF(NodeStyle::kWidth / 2, NodeStyle::kHeight / 2));
    });
    connect(m_document->editor(), &GraphEditor::message, this, [this](const QString& text) {
        statusBar()->showMessage(text, kStatusMessageMs);
        m_logDock->append(text, LogDock::Level::Warning);
    });
    connect(m_actions, &EditorActions::renameRequested, this, [this] {
        m_propertiesDock->show();
        m_properties->focusName();
    });
    connect(m_actions, &EditorActions::validateRequested, this, &MainWindow::validate);
    connect(m_actions, &EditorActions::summaryRequested, this, [this] { showDock(m_summaryDock); });
    connect(m_actions, &EditorActions::statusMessage, this,
        [this](const QString& text) { statusBar()->showMessage(text, kStatusMessageMs); });
    connect(m_training, &TrainingWorkspace::message, this, [this](const QString& text, bool error) {
        log(text, error);
        statusBar()->showMessage(text, kStatusMessageMs);
    });
    connect(m_exercises, &ExerciseWorkspace::message, this, &MainWindow::log);
    connect(m_exercises, &ExerciseWorkspace::errorOccurred, this, &MainWindow::reportError);
    connectLayout();
}

// The layout follows the activity: a run started outside a lesson, or the training panel asked for, is
// training; an opened lesson is a lesson. The problems list comes and goes with the model's problems.
void MainWindow::connectLayout()
{
    using Activity = WorkbenchLayout::Activity;
    const auto toTraining = [this] {
        showCanvas();
        if (m_layout->activity() != Activity::Lesson)
            m_layout->switchTo(Activity::Training);
    };
    connect(m_runScheduler, &RunScheduler::runAdded, this, [toTraining](const RunRecord& run) {
        if (!run.finished)
            toTraining();
    });
    connect(m_training, &TrainingWorkspace::trainingShown, this, toTraining);
    connect(m_exercises, &ExerciseWorkspace::lessonOpened, this, [this] {
        showCanvas();
        m_layout->switchTo(Activity::Lesson);
    });
    // An empty canvas has nothing to mend yet: it says so itself.
    connect(m_document->model(), &GraphModel::analysisChanged, this, [this] {
        const GraphModel* model = m_document->model();
        m_layout->setProblemCount(
            model->graph().nodes().empty() ? 0 : static_cast<int>(model->analysis().issues.size()));
    });
}

void MainWindow::createMenus()
{
    createFileMenu();
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_actions->fillEditMenu(edit);
    createViewMenu();
    QMenu* model = menuBar()->addMenu(tr("&Model"));
    m_actions->fillModelMenu(model);
    createTrainMenu();
    m_exercises->fillMenu(menuBar()->addMenu(tr("E&xercises")));
    createHelpMenu();
}

void MainWindow::createHelpMenu()
{
    HelpEntries entries;
    entries.welcome = [this] { showWelcome(); };
    entries.tour = [this] {
        showCanvas();
        startTour();
    };
    entries.lessons = [this] {
        showWelcome();
        m_welcome->lessons()->setFocus();
        m_welcome->lessons()->setCurrentRow(0);
    };
    entries.topic = [this] { return helpTopic(); };
    fillHelpMenu(menuBar()->addMenu(tr("&Help")), this, entries);
}

void MainWindow::createFileMenu()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QStyle* s = style();
    m_newAction = makeAction(this, file, tr("&New"), QKeySequence::New, tr("Start an empty model"));
    m_newAction->setIcon(s->standardIcon(QStyle::SP_FileIcon));
    connect(m_newAction, &QAction::triggered, this, [this] {
        if (m_document->maybeSave())
            m_document->newModel();
    });
    m_document->fillTemplateMenu(file->addMenu(tr("New from &Template")));
    m_openAction = makeAction(this, file, tr("&Open…"), QKeySequence::Open, tr("Open a model file"));
    m_openAction->setIcon(s->standardIcon(QStyle::SP_DialogOpenButton));
    connect(m_openAction, &QAction::triggered, m_document, &ModelDocument::openWithDialog);
    m_document->fillRecentMenu(file->addMenu(tr("Open &Recent")));
    m_cluster = new ClusterJobActions(m_training, this);
    file->addAction(m_cluster->openRunFolderAction());
    connect(m_cluster, &ClusterJobActions::message, m_logDock, &LogDock::append);
    connect(m_cluster, &ClusterJobActions::errorOccurred, this, &MainWindow::reportError);
    QAction* importKeras = makeAction(this, file, tr("Import &Keras Model…"), QKeySequence(),
        tr("Put a Keras .h5 model (model.save) on the canvas, its weights checked"));
    connect(importKeras, &QAction::triggered, m_document, &ModelDocument::importKerasWithDialog);
    file->addSeparator();
    m_saveAction = makeAction(this, file, tr("&Save"), QKeySequence::Save, tr("Save the model"));
    m_saveAction->setIcon(s->standardIcon(QStyle::SP_DialogSaveButton));
    connect(m_saveAction, &QAction::triggered, m_document, &ModelDocument::save);
    QAction* saveAs = makeAction(
        this, file, tr("Save &As…"), QKeySequence::SaveAs, tr("Save the model under a new name"));
    connect(saveAs, &QAction::triggered, m_document, &ModelDocument::saveAs);
    file->addSeparator();
    m_onnx = new OnnxExchange(m_document, this);
    file->addAction(m_onnx->importAction());
    file->addMenu(tr("&Export"))->addAction(m_onnx->exportAction());
    connect(m_onnx, &OnnxExchange::message, m_logDock, &LogDock::append);
    connect(m_onnx, &OnnxExchange::errorOccurred, this, &MainWindow::reportError);
    file->addSeparator();
    QAction* quit = makeAction(this, file, tr("&Quit"), QKeySequence::Quit, tr("Close Neurino"));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createViewMenu()
{
    QMenu* view = menuBar()->addMenu(tr("&View"));
    QMenu* panels = view->addMenu(tr("&Panels"));
    for (QDockWidget* dock : { m_paletteDock, m_propertiesDock, static_cast<QDockWidget*>(m_summaryDock),
             static_cast<QDockWidget*>(m_problemsDock), static_cast<QDockWidget*>(m_logDock),
             static_cast<QDockWidget*>(m_training->dock()), m_training->areaDock(),
             static_cast<QDockWidget*>(m_exercises->dock()), m_exercises->padMapDock() })
        panels->addAction(dock->toggleViewAction());
    m_layout->fillMenu(view->addMenu(tr("&Layout")));
    view->addSeparator();
    m_actions->fillViewMenu(view);
}

void MainWindow::createTrainMenu()
{
    QMenu* train = menuBar()->addMenu(tr("&Train"));
    m_training->fillMenu(train);
    train->addSeparator();
    QAction* command
        = train->addAction(tr("Copy &Batch Training Command"), this, &MainWindow::copyTrainingCommand);
    command->setStatusTip(tr("Copy a neurino-batch command line that trains this model without a window"));
    train->addAction(m_cluster->runOnClusterAction());
}

void MainWindow::createToolBar()
{
    QToolBar* toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName("mainToolBar");
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setIconSize(QSize(18, 18));
    toolBar->addActions({ m_newAction, m_openAction, m_saveAction });
    toolBar->addSeparator();
    m_actions->fillToolBar(toolBar);
}

void MainWindow::createStatusBar()
{
    m_status = new ModelStatus(m_document->model(), m_view, statusBar());
    connect(m_status, &ModelStatus::problemsRequested, this, [this] { showDock(m_problemsDock); });
}

void MainWindow::readSettings()
{
    QSettings settings;
    const QByteArray geometry = settings.value("window/geometry").toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
}

void MainWindow::writeSettings()
{
    if (!m_options.restoreSettings)
        return;
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    m_layout->save();
}

void MainWindow::graphReplaced()
{
    // Another model: the last one's results would pass for this one's (its runs stay in the run list).
    m_training->area()->clearResults();
    m_training->dock()->setStartWeights(m_document->weightsFile());
    showCanvas();
    m_status->update();
    // Fit once the window has its size; now as well, for windows that are already shown.
    m_view->fitToView();
    QTimer::singleShot(0, m_view, &GraphView::fitToView);
}

void MainWindow::updateTitle()
{
    const QString name = m_document->filePath().isEmpty() ? m_document->displayName() + tr(" (unsaved)")
                                                          : m_document->displayName();
    setWindowTitle(name + "[*] — Neurino");
    setWindowModified(m_document->isModified());
}

void MainWindow::showWelcome()
{
    m_welcome->refresh(m_document->recentFiles(), m_runScheduler->runsFolder());
    m_layout->hidePanels();
    m_center->setCurrentIndex(1);
}

void MainWindow::showCanvas()
{
    if (!welcomeShown())
        return;
    m_center->setCurrentWidget(m_view);
    m_layout->showPanels();
}

bool MainWindow::welcomeShown() const
{
    return m_center->currentWidget() != m_view;
}

void MainWindow::showWelcomeAtStart()
{
    if (QSettings().value("welcome/atStart", true).toBool())
        showWelcome();
}

TourOverlay* MainWindow::startTour()
{
    using Activity = WorkbenchLayout::Activity;
    const auto panel = [this](Activity activity, QDockWidget* dock) {
        return [this, activity, dock]() -> QWidget* {
            m_layout->switchTo(activity);
            showDock(dock);
            return dock;
        };
    };
    std::vector<TourOverlay::Stop> stops {
        { tr("Layers"),
            tr("Every kind of layer, grouped as in Keras. Drag one onto the canvas or double-click it; on "
               "the canvas, typing a letter opens a quick-add box (try <i>conv</i>)."),
            panel(Activity::Building, m_paletteDock) },
        { tr("The canvas"),
            tr("The network as a graph. Drag from a node's lower port to another's upper port to connect "
               "them. Every edge shows the tensor shape that flows along it, every node its output shape and "
               "parameter count; a red node says what is wrong and how to mend it."),
            [this]() -> QWidget* {
                m_layout->switchTo(Activity::Building);
                return m_view;
            } },
        { tr("Properties"),
            tr("The selected layer's settings: units, kernel sizes, activations. <b>F1</b> explains the "
               "selected layer, a palette entry or a training setting."),
            panel(Activity::Building, m_propertiesDock) },
        { tr("Summary"),
            tr("The Keras-style table: every layer's output shape and parameters, with the totals."),
            panel(Activity::Building, m_summaryDock) },
        { tr("Training settings"),
            tr("The data (a generator or an HDF5 file), the optimizer, the batch size and the epochs. "
               "<b>F5</b> starts, <b>F6</b> pauses, <b>Shift+F5</b> stops; every run is kept in the run "
               "list. Starting a run switches to this training layout; <b>View ▸ Layout</b> switches back."),
            panel(Activity::Training, m_training->dock()) },
        { tr("Curves and views"),
            tr("Loss and metrics update live. After a run: the confusion matrix, the ROC curve and the "
               "output "
               "distributions; inside the network: kernels, feature maps, the misclassified samples, and "
               "PCA or t-SNE of any layer."),
            panel(Activity::Training, m_training->areaDock()) },
        { tr("Lessons"),
            tr("The <b>Exercises</b> menu opens the lessons, from XOR to the Higgs boson, a calorimeter GAN "
               "and TPC calibration. Each has a guide with steps, checks and hints beside the canvas. Start "
               "with Lesson 0; <b>Help ▸ Welcome</b> lists them all."),
            [this]() -> QWidget* {
                m_layout->switchTo(Activity::Building);
                return menuBar();
            } },
    };
    auto* tour = new TourOverlay(this, std::move(stops));
    // The tour shows each layout in turn; at its end the window is as the user had it.
    connect(tour, &QObject::destroyed, this,
        [this, before = m_layout->activity()] { m_layout->switchTo(before); });
    tour->start();
    return tour;
}

QString MainWindow::helpTopic() const
{
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget()) {
        const QVariant setting = w->property(TrainConfigForm::kSettingProperty);
        if (setting.isValid())
            return "setting:" + setting.toString();
        if (w == m_palette) {
            const QString kind = m_palette->currentKind();
            if (!kind.isEmpty())
                return "layer:" + kind;
            break;
        }
    }
    const QStringList selected = m_scene->selectedNodeIds();
    if (selected.size() == 1) {
        if (const Node* node = m_document->model()->graph().findNode(selected.front().toStdString()))
            return "layer:" + qs(node->layer.kind);
    }
    return {};
}

void MainWindow::showNode(const QString& id)
{
    if (!m_scene->nodeItem(id))
        return;
    m_scene->selectNodes({ id });
    m_view->ensureVisible(m_scene->nodeItem(id), 60, 60);
    showDock(m_propertiesDock);
}

void MainWindow::validate()
{
    const GraphModel* model = m_document->model();
    const GraphAnalysis& a = model->analysis();
    if (a.ok()) {
        const QString text
            = tr("The model is valid: %1 parameters.").arg(qs(formatCount(a.totalParams().total())));
        m_logDock->append(text);
        statusBar()->showMessage(text, kStatusMessageMs);
    } else {
        m_logDock->append(tr("The model has problems:\n%1").arg(qs(formatIssues(model->graph(), a.issues))),
            LogDock::Level::Warning);
        statusBar()->showMessage(
            tr("%n problem(s): see the Problems panel", nullptr, static_cast<int>(a.issues.size())),
            kStatusMessageMs);
        if (!a.issues.front().nodeId.empty())
            showNode(qs(a.issues.front().nodeId));
    }
    showDock(m_problemsDock);
}

void MainWindow::copyTrainingCommand()
{
    if (m_document->filePath().isEmpty() || m_document->isModified()) {
        if (!m_options.interactive || !m_document->save())
            return;
    }
    const QString path = m_document->filePath();
    const QString name = QFileInfo(path).fileName().chopped(static_cast<int>(qstrlen(kModelSuffix)));
    const QString command = QStringLiteral("neurino-batch train --model \"%1\" --data DATA.h5 --out runs/%2")
                                .arg(QDir::toNativeSeparators(path), name);
    QGuiApplication::clipboard()->setText(command);
    m_logDock->append(
        tr("Copied to the clipboard:\n%1\nReplace DATA.h5 with a dataset file, e.g. one made by "
           "`neurino-batch generate`.")
            .arg(command));
    showDock(m_logDock);
}

void MainWindow::log(const QString& text, bool error)
{
    m_logDock->append(text, error ? LogDock::Level::Error : LogDock::Level::Info);
    if (error)
        statusBar()->showMessage(text, kStatusMessageMs);
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

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_document->maybeSave()) {
        event->ignore();
        return;
    }
    writeSettings();
    m_document->close();
    // The trainer looks at the stop request between batches; the scheduler's threads wait for it when
    // destroyed. Runs and lesson steps still queued are dropped.
    m_exercises->stop();
    m_runScheduler->stopAll();
    event->accept();
}

} // namespace neurino
