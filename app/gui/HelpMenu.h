#pragma once

#include <QString>

#include <functional>

class QMenu;
class QWidget;

namespace neurino {

// What the Help menu reaches beyond its own dialogs.
struct HelpEntries {
    std::function<void()> welcome;
    std::function<void()> tour;
    std::function<void()> lessons;
    // What the user is working on: "layer:Dense", "setting:optimizer.learning_rate", or empty.
    std::function<QString()> topic;
};

// The Help menu: the welcome page, the tour, the lessons, help on the selected item (F1), the layer
// reference, About Neurino (versions and the compute device) and About Qt, with their dialogs over
// `window`.
void fillHelpMenu(QMenu* menu, QWidget* window, const HelpEntries& entries);

// The explanation of a topic as HTML: a layer kind from the LayerRegistry, a training setting from the
// training config's schema (with `detail`, the editor's own tooltip); empty for an unknown topic.
QString helpHtml(const QString& topic, const QString& detail = {});

} // namespace neurino
