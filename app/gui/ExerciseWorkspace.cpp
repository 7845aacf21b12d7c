#include "app/gui/ExerciseWorkspace.h"

#include "app/gui/ModelDocument.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/guide/GuideDock.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/EnergyResolutionView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/charts/PivotView.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/views/inside/DecisionBoundaryView.h"
#include "widgets/views/inside/ImportanceView.h"
#include "widgets/views/physics/GanView.h"
#include "widgets/views/physics/PadMapView.h"
#include "widgets/views/physics/RunMonitorView.h"

#include "core/graph/ModelJson.h"
#include "core/util/Error.h"
#include "exercises/ExerciseCatalog.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QStackedWidget>
#include <QTemporaryDir>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// Which lecture each template belongs to, for the Exercises menu.
struct Lecture {
    const char* title;
    const char* prefix;
};
const Lecture kLectures[] = { { "First Steps: XOR", "xor" }, { "Shapes Recognition", "shapes" },
    { "Higgs Boson Classification", "higgs" }, { "Calorimeter GAN", "calo_gan" } };

} // namespace

ExerciseWorkspace::ExerciseWorkspace(
    QMainWindow* window, ModelDocument* document, TrainingWorkspace* training, RunScheduler* scheduler)
    : QObject(window)
    , m_window(window)
    , m_document(document)
    , m_training(training)
    , m_guide(new GuideDock(scheduler, window))
{
    createDocks();
    TrainingArea* area = m_training->area();
    m_guide->attachViews({ area->curves(), m_padMap, area->roc(), area->confusion(), area->boundary(),
        area->importance(), area->energyResolution(), m_runMonitor, area->pivot() });
    connect(m_guide, &GuideDock::message, this, &ExerciseWorkspace::message);
    connect(m_guide, &GuideDock::viewRequested, this, &ExerciseWorkspace::showView);
    m_guide->setTaskModelSource([this] { return saveTaskModel(); });
}

ExerciseWorkspace::~ExerciseWorkspace() = default;

void ExerciseWorkspace::createDocks()
{
    m_window->addDockWidget(Qt::LeftDockWidgetArea, m_guide);
    m_guide->hide();

    // The lessons' detector views share one dock, titled after the view a step shows.
    m_padMap = new PadMapView(m_window);
    m_runMonitor = new RunMonitorView(m_window);
    m_detectorViews = new QStackedWidget(m_window);
    m_detectorViews->addWidget(m_padMap);
    m_detectorViews->addWidget(m_runMonitor);
    m_padMapDock = new QDockWidget(tr("Pad Map"), m_window);
    m_padMapDock->setObjectName("padMapDock");
    m_padMapDock->setWidget(m_detectorViews);
    m_window->addDockWidget(Qt::BottomDockWidgetArea, m_padMapDock);
    m_padMapDock->hide();
}

QString ExerciseWorkspace::saveTaskModel()
{
    const GraphModel* model = m_document->model();
    if (!model->analysis().ok()) {
        emit errorOccurred(tr("The model on the canvas has problems"),
            tr("Fix them (see the Problems panel) before the exercise trains it."));
        return {};
    }
    if (!m_taskModelDir)
        m_taskModelDir = std::make_unique<QTemporaryDir>();
    const QString path = m_taskModelDir->filePath("task.neurino.json");
    try {
        saveModel(model->graph(), path.toStdString());
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot hand the model to the exercise"), qs(e.what()));
        return {};
    }
    return path;
}

bool ExerciseWorkspace::openExercise(const QString& id)
{
    if (!m_guide->openExercise(id))
        return false;
    m_training->area()->clearResults();
    m_padMap->clear();
    m_runMonitor->clear();
    emit lessonOpened();
    m_guide->show();
    m_guide->raise();
    const exercises::Exercise& exercise = exercises::ExerciseCatalog::instance().exercise(id.toStdString());
    for (const exercises::ModelRef& ref : exercise.models) {
        if (ref.role != "start")
            continue;
        try {
            m_document->openFile(qs(ref.path(exercise.id)));
        } catch (const Error& e) {
            emit errorOccurred(tr("Cannot open the lesson's starting model"), qs(e.what()));
        }
        break;
    }
    return true;
}

void ExerciseWorkspace::showView(const QString& view)
{
    if (view == "pad_map" || view == "dqm_runs") {
        const bool pads = view == "pad_map";
        m_detectorViews->setCurrentWidget(pads ? static_cast<QWidget*>(m_padMap) : m_runMonitor);
        m_padMapDock->setWindowTitle(pads ? tr("Pad Map") : tr("Run Monitor"));
        m_padMapDock->show();
        m_padMapDock->raise();
        return;
    }
    TrainingArea* area = m_training->area();
    if (view == "curves")
        m_training->showResults(area->curves());
    else if (view == "roc")
        m_training->showResults(area->roc());
    else if (view == "confusion")
        m_training->showResults(area->confusion());
    else if (view == "importance")
        m_training->showResults(area->importance());
    else if (view == "decision_boundary")
        m_training->showResults(area->boundary());
    else if (view == "gan_samples" || view == "shower_physics")
        m_training->showResults(area->gan());
    else if (view == "energy_resolution")
        m_training->showResults(area->energyResolution());
    else if (view == "pivot")
        m_training->showResults(area->pivot());
}

void ExerciseWorkspace::stop()
{
    m_guide->runner()->stop();
}

void ExerciseWorkspace::fillMenu(QMenu* menu)
{
    menu->setToolTipsVisible(true);
    const auto& catalog = exercises::ExerciseCatalog::instance();
    for (const std::string& id : catalog.ids()) {
        const exercises::Exercise& e = catalog.exercise(id);
        const QString name = qs(id);
        QAction* action
            = menu->addAction(tr("Lesson %1: %2").arg(e.number).arg(qs(e.title)), this, [this, name] {
                  if (m_document->maybeSave())
                      openExercise(name);
              });
        action->setObjectName("exercise_" + name);
        const std::string why = catalog.unavailableReason(id);
        action->setEnabled(why.empty());
        action->setToolTip(why.empty() ? qs(e.summary) : tr("Not available here: %1").arg(qs(why)));
        action->setStatusTip(action->toolTip());
    }
    menu->addSeparator();
    menu->addAction(m_guide->toggleViewAction());
    fillStartingModels(menu->addMenu(tr("Starting &Models")));
}

void ExerciseWorkspace::fillStartingModels(QMenu* menu)
{
    const QStringList names = ModelDocument::templateNames();
    for (const Lecture& lecture : kLectures) {
        QMenu* lectureMenu = menu->addMenu(tr(lecture.title));
        for (const QString& name : names) {
            if (!name.startsWith(lecture.prefix))
                continue;
            lectureMenu->addAction(tr("Start from %1").arg(name), this, [this, name] {
                if (m_document->maybeSave())
                    m_document->newFromTemplate(name);
            });
        }
    }
}

} // namespace neurino
