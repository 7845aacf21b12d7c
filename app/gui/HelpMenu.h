#pragma once

class QMenu;
class QWidget;

namespace neurino {

// The Help menu: the layer reference, About Neurino (versions and the compute device) and About Qt, with
// their dialogs over `window`.
void fillHelpMenu(QMenu* menu, QWidget* window);

} // namespace neurino
