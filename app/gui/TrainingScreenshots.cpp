// Screenshot views of training: each trains real models on small generated data first, so the pictures
// show real curves, matrices and distributions.
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ScreenshotRegistry.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/editor/SummaryDock.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/HistogramView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/charts/OutputDistributionView.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/views/inside/DecisionBoundaryView.h"
#include "widgets/views/inside/EmbeddingView.h"
#include "widgets/views/inside/FeatureMapView.h"
#include "widgets/views/inside/ImportanceView.h"
#include "widgets/views/inside/KernelView.h"
#include "widgets/views/inside/MisclassifiedView.h"

#include "core/util/Error.h"

#include <QDockWidget>
#include <QEventLoop>
#include <QTimer>

namespace neurino {

namespace {

// No screenshot run may hang: a run that takes longer than this is an error.
constexpr int kRunTimeoutMs = 10 * 60 * 1000;

} // namespace

void runDockTraining(MainWindow& window, const std::string& what)
{
    QEventLoop loop;
    bool failed = false;
    QString message;
    RunScheduler* session = window.trainingWorkspace()->scheduler();
    QObject::connect(session, &RunScheduler::runFinished, &loop, [&](const RunRecord& run) {
        failed = run.summary.reason == StopReason::Failed;
        message = QString::fromStdString(run.summary.message);
        loop.quit();
    });
    QTimer::singleShot(kRunTimeoutMs, &loop, [&] {
        failed = true;
        message = "the run did not end in time";
        session->stop();
        loop.quit();
    });
    if (!window.trainingWorkspace()->dock()->start())
        throw Error("training " + what + " could not start; see the log");
    loop.exec();
    if (failed)
        throw Error("training " + what + " failed: " + message.toStdString());
}

namespace {

struct RunSettings {
    const char* model; // a template
    const char* generator;
    int events;
    int epochs;
    int batchSize;
    double learningRate;
    const char* optimizer = "adam";
};

// Trains the template on the canvas through the training dock, as a student would, and waits for the end.
void train(MainWindow& window, const RunSettings& s)
{
    if (!window.document()->newFromTemplate(s.model))
        throw Error(std::string("the template '") + s.model + "' could not be opened");
    TrainingDock* dock = window.trainingWorkspace()->dock();
    dock->setGenerator(s.generator);
    dock->setEvents(s.events);
    dock->setEpochs(s.epochs);
    dock->setBatchSize(s.batchSize);
    dock->setLearningRate(s.learningRate);
    dock->setOptimizer(s.optimizer);
    window.trainingWorkspace()->showTraining();
    runDockTraining(window, s.model);
}

void showResults(MainWindow& window, QWidget* tab)
{
    // The summary is the editor's; the training panel needs the right side's whole height here.
    window.summaryDock()->hide();
    TrainingWorkspace* training = window.trainingWorkspace();
    training->showTraining();
    training->area()->setCurrentWidget(tab);
    window.resizeDocks({ training->areaDock() }, { window.height() / 2 }, Qt::Vertical);
}

// Two runs of the dense shapes network at two learning rates: the faster one overfits sooner.
void trainShapes(MainWindow& window)
{
    train(window, { "shapes_dense", "shapes", 1500, 10, 32, 1e-3 });
    train(window, { "shapes_dense", "shapes", 1500, 10, 32, 3e-4 });
}

// The shallow and the deep Higgs networks on the same events, for the ROC comparison.
void trainHiggs(MainWindow& window)
{
    train(window, { "higgs_shallow", "higgs", 10000, 6, 128, 1e-3 });
    train(window, { "higgs_deep", "higgs", 10000, 6, 128, 1e-3 });
}

// The xor network on its plane, long enough for the boundary to bend around the four quadrants.
void trainXor(MainWindow& window)
{
    train(window, { "xor_mlp", "xor", 1000, 30, 20, 0.03 });
}

// The convolutional shapes network, briefly, on little data: enough for kernels, feature maps and mistakes.
void trainShapesCnn(MainWindow& window)
{
    train(window, { "shapes_cnn", "shapes", 1000, 4, 32, 2e-3 });
}

// Waits for a view that computes on the session's analysis lane (the embedding, the importance) to end.
template <typename View> void waitForComputation(View* view, bool (View::*busy)() const, const char* what)
{
    if (!(view->*busy)())
        return;
    QEventLoop loop;
    QObject::connect(view, &View::computed, &loop, &QEventLoop::quit);
    QTimer::singleShot(kRunTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    if ((view->*busy)() || view->isEmpty())
        throw Error(std::string("the ") + what + " was not computed in time");
}

void waitForEmbedding(EmbeddingView* view)
{
    waitForComputation(view, &EmbeddingView::isRunning, "embedding");
}

} // namespace

void registerTrainingScreenshots(ScreenshotRegistry& registry)
{
    registry.addView({ "training",
        "the training panel and live curves after two runs of the dense shapes network", [](MainWindow& w) {
            trainShapes(w);
            showResults(w, w.trainingWorkspace()->area()->curves());
        } });
    registry.addView({ "start-weights",
        "the training panel before a run, offering to start from the weights of the model given with --model "
        "(a Keras .h5 or a checkpoint)",
        [](MainWindow& w) {
            w.summaryDock()->hide();
            w.trainingWorkspace()->showTraining();
        } });
    registry.addView({ "confusion", "the confusion matrix of the dense shapes network on its validation part",
        [](MainWindow& w) {
            trainShapes(w);
            showResults(w, w.trainingWorkspace()->area()->confusion());
        } });
    registry.addView({ "roc", "ROC curves of the shallow and the deep Higgs networks", [](MainWindow& w) {
                          trainHiggs(w);
                          showResults(w, w.trainingWorkspace()->area()->roc());
                      } });
    registry.addView({ "outputs",
        "classifier output for signal and background, training against validation, with KS probabilities",
        [](MainWindow& w) {
            trainHiggs(w);
            showResults(w, w.trainingWorkspace()->area()->outputs());
        } });
    registry.addView(
        { "boundary", "the decision boundary of the xor network over its input plane", [](MainWindow& w) {
             trainXor(w);
             showResults(w, w.trainingWorkspace()->area()->boundary());
         } });
    registry.addView({ "kernels", "the first convolution layer's kernels of the shapes CNN after training",
        [](MainWindow& w) {
            trainShapesCnn(w);
            showResults(w, w.trainingWorkspace()->area()->kernels());
        } });
    registry.addView(
        { "featuremaps", "what every layer of the shapes CNN makes of one held-out image", [](MainWindow& w) {
             trainShapesCnn(w);
             showResults(w, w.trainingWorkspace()->area()->featureMaps());
         } });
    registry.addView({ "importance",
        "what the shapes CNN looks at in one held-out image: gradient and occlusion maps", [](MainWindow& w) {
            trainShapesCnn(w);
            ImportanceView* view = w.trainingWorkspace()->area()->importance();
            showResults(w, view);
            waitForComputation(view, &ImportanceView::isComputing, "importance");
        } });
    registry.addView({ "importance-higgs",
        "which of the 28 Higgs features the deep network leans on: gradient × input and permutation",
        [](MainWindow& w) {
            trainHiggs(w);
            ImportanceView* view = w.trainingWorkspace()->area()->importance();
            showResults(w, view);
            waitForComputation(view, &ImportanceView::isComputing, "importance");
        } });
    registry.addView(
        { "misclassified", "the held-out shapes the CNN gets wrong, with their labels", [](MainWindow& w) {
             trainShapesCnn(w);
             showResults(w, w.trainingWorkspace()->area()->misclassified());
         } });
    registry.addView(
        { "histograms", "weight and gradient histograms of every layer of the shapes CNN", [](MainWindow& w) {
             trainShapesCnn(w);
             showResults(w, w.trainingWorkspace()->area()->histograms());
         } });
    registry.addView(
        { "embedding", "t-SNE of the shapes CNN's last hidden layer, coloured by class", [](MainWindow& w) {
             trainShapesCnn(w);
             EmbeddingView* view = w.trainingWorkspace()->area()->embedding();
             waitForEmbedding(view);
             view->compute("dense_1", "t-SNE");
             waitForEmbedding(view);
             view->showHover(0);
             showResults(w, view);
         } });
}

} // namespace neurino
