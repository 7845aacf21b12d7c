#pragma once

#include "widgets/editor/LogDock.h"

#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QWidget;

namespace neurino {

class ModelDocument;

// File ▸ Export ▸ ONNX… and File ▸ Import ONNX Model…: a trained checkpoint written as an ONNX file (the
// model, its weights and its input standardisation, as `neurino-batch export onnx` writes it), and an ONNX
// file's graph put on the canvas as a new, untitled model. Files are chosen by `FileChooser`, the file
// dialogs unless a test sets another; errors go to errorOccurred.
class OnnxExchange : public QObject {
    Q_OBJECT

public:
    enum class Choice { Checkpoint, OnnxToWrite, OnnxToRead };
    // The file chosen for `choice`, or empty when cancelled.
    using FileChooser = std::function<QString(Choice)>;

    OnnxExchange(ModelDocument* document, QWidget* dialogParent);

    QAction* exportAction() const { return m_export; }
    QAction* importAction() const { return m_import; }
    void setFileChooser(FileChooser chooser) { m_chooser = std::move(chooser); }

    // Each returns false after telling what went wrong.
    bool exportCheckpoint(const QString& checkpoint, const QString& onnxFile);
    bool importFile(const QString& onnxFile);

signals:
    void message(const QString& text, LogDock::Level level);
    void errorOccurred(const QString& title, const QString& text);

private:
    QString dialogChoice(Choice choice) const;

    ModelDocument* m_document;
    QWidget* m_dialogParent;
    FileChooser m_chooser;
    QAction* m_export;
    QAction* m_import;
};

} // namespace neurino
