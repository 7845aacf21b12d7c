// Screenshot views of the model editor, and the exercises' starting models.
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ScreenshotRegistry.h"
#include "app/gui/TourOverlay.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/GraphView.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/editor/QuickAddPopup.h"
#include "widgets/editor/SummaryDock.h"

#include "core/util/Error.h"

#include <QDockWidget>
#include <QUndoStack>

namespace neurino {

namespace {

// The layer whose properties are most worth showing: the first convolution, else the first dense layer.
QString showcaseNode(const ModelGraph& graph)
{
    for (const char* kind : { "Conv2D", "Conv1D", "Dense" }) {
        for (const Node& n : graph.nodes()) {
            if (n.layer.kind == kind)
                return QString::fromStdString(n.id);
        }
    }
    for (const Node& n : graph.nodes()) {
        if (n.layer.kind != "Input")
            return QString::fromStdString(n.id);
    }
    return {};
}

void showEditor(MainWindow& window)
{
    window.view()->fitToView();
    const QString id = showcaseNode(window.document()->model()->graph());
    if (!id.isEmpty())
        window.scene()->selectNodes({ id });
    window.propertiesDock()->raise();
    window.summaryDock()->raise();
}

void showQuickAdd(MainWindow& window)
{
    showEditor(window);
    window.scene()->clearSelection();
    GraphView* view = window.view();
    const QPoint at(view->viewport()->width() * 2 / 3, view->viewport()->height() / 4);
    view->openQuickAdd(at, "conv");
}

// Bypasses the first Flatten, so that a Dense layer receives an image: a typical beginner's mistake.
void showProblems(MainWindow& window)
{
    const ModelGraph& g = window.document()->model()->graph();
    for (const Node& n : g.nodes()) {
        if (n.layer.kind != "Flatten")
            continue;
        const auto inputs = g.inputsOf(n.id);
        const auto outputs = g.outputsOf(n.id);
        if (inputs.empty() || outputs.empty())
            break;
        window.document()->editor()->connectNodes(
            QString::fromStdString(inputs.front()), QString::fromStdString(outputs.front()));
        window.scene()->selectNodes({ QString::fromStdString(outputs.front()) });
        break;
    }
    window.view()->fitToView();
    window.problemsDock()->show();
    window.problemsDock()->raise();
}

} // namespace

void registerEditorScreenshots(ScreenshotRegistry& registry)
{
    registry.addView(
        { "editor", "the model canvas with a layer selected, its properties and the summary", showEditor });
    registry.addView(
        { "quick-add", "the quick-add box opened on the canvas, filtered by \"conv\"", showQuickAdd });
    registry.addView({ "problems",
        "a Dense layer fed an image: the layer turns red, the Problems panel says why", showProblems });
    registry.addView({ "empty", "a new, empty model with the hint on how to begin", [](MainWindow& window) {
                          window.document()->newModel();
                          window.view()->fitToView();
                      } });
    registry.addView({ "welcome", "the welcome page: lessons, templates, recent models and runs, the tour",
        [](MainWindow& window) { window.showWelcome(); } });
    registry.addView({ "tour", "the two-minute tour at its third stop, the properties of the selected layer",
        [](MainWindow& window) {
            showEditor(window);
            TourOverlay* tour = window.startTour();
            tour->next();
            tour->next();
        } });
}

} // namespace neurino
