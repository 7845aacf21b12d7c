// The GAN screenshot: the calorimeter tutorial's generator and discriminator trained briefly on generated
// showers through the training dock's GAN mode, so the picture shows real losses, samples and physics.
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ScreenshotRegistry.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/editor/SummaryDock.h"
#include "widgets/training/GanSettings.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/physics/GanView.h"

#include "core/util/Error.h"

#include <QApplication>
#include <QScrollArea>

namespace neurino {

namespace {

// Small enough for a minute on two busy cores, long enough for the generator to start making showers.
constexpr int kShowers = 2000;
constexpr int kEpochs = 3;
constexpr int kBatchSize = 100;
constexpr double kLearningRate = 1e-3;
// One thread: on a machine others share, threads that wait for each other are slower than one.
constexpr int kThreads = 1;

void trainGan(MainWindow& window)
{
    if (!window.document()->newFromTemplate(GanSettings::kGeneratorTemplate))
        throw Error("the GAN generator template could not be opened");
    TrainingDock* dock = window.trainingWorkspace()->dock();
    dock->setMode(TrainingDock::Mode::Gan);
    dock->setGenerator("calorimeter");
    dock->setEvents(kShowers);
    GanSettings* gan = dock->ganSettings();
    gan->setEpochs(kEpochs);
    gan->setBatchSize(kBatchSize);
    gan->setLearningRates(kLearningRate, kLearningRate);
    gan->setThreads(kThreads);
    window.trainingWorkspace()->showTraining();

    runDockTraining(window, "the GAN");
}

} // namespace

void registerGanScreenshots(ScreenshotRegistry& registry)
{
    registry.addView({ "gan",
        "the GAN views after a short training of the calorimeter tutorial's networks: losses, generated "
        "showers beside real ones, average images, profiles and energy sums with chi2/NDF",
        [](MainWindow& w) {
            trainGan(w);
            w.summaryDock()->hide();
            w.trainingWorkspace()->showTraining();
            w.trainingWorkspace()->area()->setCurrentWidget(w.trainingWorkspace()->area()->gan());
            // The figures need room: most of the window's height.
            w.resizeDocks({ w.trainingWorkspace()->areaDock() }, { w.height() * 7 / 10 }, Qt::Vertical);
        } });
    registry.addView({ "gan-dock",
        "the training dock in GAN mode: the tutorial's generator and discriminator and how they are trained",
        [](MainWindow& w) {
            if (!w.document()->newFromTemplate(GanSettings::kGeneratorTemplate))
                throw Error("the GAN generator template could not be opened");
            TrainingDock* dock = w.trainingWorkspace()->dock();
            dock->setMode(TrainingDock::Mode::Gan);
            w.summaryDock()->hide();
            w.trainingWorkspace()->showTraining();
            // The dock alone on the right, its whole height.
            w.trainingWorkspace()->areaDock()->hide();
            w.logDock()->hide();
            w.problemsDock()->hide();
            QApplication::processEvents();
            if (auto* scroll = qobject_cast<QScrollArea*>(dock->widget()))
                scroll->ensureWidgetVisible(dock->ganSettings(), 0, 0);
        } });
}

} // namespace neurino
