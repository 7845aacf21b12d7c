#include "app/gui/ScreenshotRunner.h"

#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ScreenshotRegistry.h"

#include "core/util/Error.h"
#include "core/util/Resources.h"

#include <QApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPixmap>
#include <QTextStream>
#include <QUndoStack>

#include "widgets/editor/GraphEditor.h"

namespace neurino {

namespace {

void settle()
{
    for (int i = 0; i < 5; ++i)
        QApplication::processEvents();
}

// The window and whatever popups or dialogs it has open, as the screen would show them.
QPixmap grabWithPopups(QWidget& window)
{
    QPixmap pixmap = window.grab();
    QPainter painter(&pixmap);
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (w == &window || !w->isVisible())
            continue;
        const QPoint offset = w->mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0));
        painter.drawPixmap(offset, w->grab());
    }
    return pixmap;
}

} // namespace

int runScreenshot(const ScreenshotRequest& request, QTextStream& err)
{
    const ScreenshotRegistry& registry = ScreenshotRegistry::instance();
    const QString viewName
        = request.view.isEmpty() ? QString(ScreenshotRegistry::kDefaultView) : request.view;
    const ScreenshotRegistry::Entry* view = registry.view(viewName);
    if (!view) {
        err << "neurino: unknown view '" << viewName << "'. Views:\n" << registry.describeViews();
        return 2;
    }
    const ScreenshotRegistry::Entry* exercise = nullptr;
    if (!request.exercise.isEmpty()) {
        exercise = registry.exercise(request.exercise);
        if (!exercise) {
            err << "neurino: unknown exercise '" << request.exercise << "'. Exercises:\n"
                << registry.describeExercises();
            return 2;
        }
    }

    MainWindow::Options options;
    options.interactive = false;
    options.restoreSettings = false;
    options.autosave = false;
    MainWindow window(options);
    window.resize(request.size);
    window.show();
    settle();

    try {
        if (exercise)
            exercise->prepare(window);
        QString model = request.model;
        if (model.isEmpty() && !exercise)
            model = QString::fromStdString(templatePath("shapes_dense"));
        if (!model.isEmpty() && !window.document()->openFile(model)) {
            err << "neurino: cannot open model '" << model << "'; see the message above\n";
            return 1;
        }
        settle();
        view->prepare(window);
        settle();
    } catch (const Error& e) {
        err << "neurino: cannot prepare the screenshot: " << e.what() << "\n";
        return 1;
    }

    const QPixmap pixmap = grabWithPopups(window);
    if (pixmap.isNull() || !pixmap.save(request.output, "PNG")) {
        err << "neurino: cannot write '" << request.output
            << "'; check that its folder exists and is writable\n";
        return 1;
    }
    return 0;
}

} // namespace neurino
