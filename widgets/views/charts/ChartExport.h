#pragma once

#include <QString>

#include <functional>

class QBoxLayout;
class QWidget;

namespace neurino {

// Exports of the training views: every chart to PNG, its numbers to CSV. Files are written atomically.
namespace ChartExport {

// Renders `widget` as it looks now (at twice the pixels on a high-DPI screen) to a PNG file.
bool savePng(QWidget* widget, const QString& path, QString* error = nullptr);
// Writes `text` to `path` through a temporary file.
bool saveText(const QString& path, const QString& text, QString* error = nullptr);
// A CSV field, quoted when it holds a comma, a quote or a line break.
QString csvField(const QString& text);

// Adds "PNG…" and "CSV…" buttons to `layout`; they ask for a file name (starting from `baseName`) and
// export `target` and the text `csv` gives. Errors are shown in a message box.
void addButtons(QBoxLayout* layout, QWidget* target, const QString& baseName, std::function<QString()> csv);

} // namespace ChartExport

} // namespace neurino
