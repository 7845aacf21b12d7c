#pragma once

#include <QDialog>

namespace neurino {

// Help ▸ Layer Reference: every layer kind with its explanation and parameters (type, default, range,
// meaning), generated from the LayerRegistry so it never disagrees with the editor.
class LayerReferenceDialog : public QDialog {
    Q_OBJECT

public:
    explicit LayerReferenceDialog(QWidget* parent = nullptr);

    // The reference as HTML.
    static QString html();
};

} // namespace neurino
