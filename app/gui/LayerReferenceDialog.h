#pragma once

#include <QDialog>

class QTextBrowser;

namespace neurino {

struct LayerKind;

// Help ▸ Layer Reference: every layer kind with its explanation and parameters (type, default, range,
// meaning), generated from the LayerRegistry so it never disagrees with the editor.
class LayerReferenceDialog : public QDialog {
    Q_OBJECT

public:
    // Scrolled to `kind` when given.
    explicit LayerReferenceDialog(QWidget* parent = nullptr, const QString& kind = {});

    // The reference as HTML, each kind under an anchor of its name.
    static QString html();
    // One kind: its explanation and its parameters' table.
    static QString kindHtml(const LayerKind& kind);
};

} // namespace neurino
