#pragma once

#include <QSize>
#include <QString>

class QTextStream;

namespace neurino {

// `neurino --screenshot`: renders the populated window offscreen into a PNG and exits.
struct ScreenshotRequest {
    QString output;
    QString model; // a model file; default: the shapes_dense template (unless an exercise loads one)
    QString exercise; // a registered exercise, or empty
    QString view; // a registered view; empty: ScreenshotRegistry::kDefaultView
    QSize size { 1600, 1000 };
};

// Returns the process's exit code: 0 written, 1 failed (message on `err`), 2 unknown view or exercise
// (the message lists the known ones).
int runScreenshot(const ScreenshotRequest& request, QTextStream& err);

} // namespace neurino
