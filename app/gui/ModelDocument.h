#pragma once

#include "app/gui/AutosaveManager.h"
#include "widgets/editor/LogDock.h"

#include <QObject>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <functional>

class QMenu;
class QTimer;
class QWidget;

namespace neurino {

class GraphEditor;
class GraphModel;
class ModelGraph;

// The model being edited as a document: its graph model and undo stack, the file it came from, whether it
// has unsaved changes; New, Open, Save and Save As, the recent files, and a copy of unsaved work kept by
// the AutosaveManager so that a crashed session can recover it. Dialogs appear over `dialogParent` and only
// when the document is interactive; errors go to errorOccurred either way.
class ModelDocument : public QObject {
    Q_OBJECT

public:
    struct Options {
        bool interactive = true; // false: no dialogs (screenshots, tests)
        bool autosave = true;
    };

    ModelDocument(const Options& options, QWidget* dialogParent);
    ~ModelDocument() override;

    GraphModel* model() const { return m_model; }
    GraphEditor* editor() const { return m_editor; }
    AutosaveManager* autosave() const { return m_autosave; }
    // The canvas's size, for arranging templates and files whose layers overlap.
    void setLayoutArea(std::function<QSizeF()> area) { m_layoutArea = std::move(area); }

    // Each returns false after telling (errorOccurred) what went wrong. A file from Neurino's templates
    // folder opens as a new, untitled model so that the template is never overwritten.
    bool openFile(const QString& path);
    bool newFromTemplate(const QString& name);
    void newModel();
    bool saveTo(const QString& path);
    bool save();
    bool saveAs();
    // Asks for a file and opens it.
    void openWithDialog();
    // A Keras .h5 model file (or a Neurino checkpoint) as a new, untitled model laid out on the canvas; its
    // weights are read and checked against the graph (openFile does this for .h5 files too) and become the
    // weights training starts from (weightsFile).
    bool importKeras(const QString& path);
    // Asks for a Keras file and imports it.
    void importKerasWithDialog();
    // A model converted from another framework's file `origin` (ONNX import): arranged on the canvas as a
    // new, untitled model whose weights are origin's.
    void openImported(ModelGraph graph, const QString& origin);
    // Before the model is replaced or the window closes: offers to save unsaved changes; false to cancel.
    bool maybeSave();
    const QString& filePath() const { return m_filePath; }
    // The file the model's weights came from (an imported Keras or ONNX model, an opened checkpoint), which
    // training offers to start from; empty for a drawn model. It stays while the graph is edited and saved:
    // a run takes the weights of the layers that still fit them.
    const QString& weightsFile() const { return m_weightsFile; }
    bool isModified() const;
    // The file's name, or the model's name for an untitled model.
    QString displayName() const;
    QStringList recentFiles() const;
    // The templates in resources/models, by name.
    static QStringList templateNames();
    // A template's name with its parameter count ("shapes_cnn  (2,301 parameters)") and its description
    // (or why it cannot be read).
    struct TemplateInfo {
        QString name;
        QString label;
        QString description;
    };
    static QList<TemplateInfo> templates();
    // Menu entries: every template with its parameter count; the recent files (rebuilt when shown).
    void fillTemplateMenu(QMenu* menu);
    void fillRecentMenu(QMenu* menu);

    // Autosave now (the timer does this every half minute, or as often as the setting
    // autosave/intervalSeconds says, while there are unsaved changes).
    void autosaveNow();
    QList<AutosaveManager::Entry> recoverableAutosaves() const;
    // Restores unsaved work from an autosave; it stays unsaved (and names its original file).
    bool recover(const AutosaveManager::Entry& entry);
    // At start-up: offers the newest copy left by a crashed session.
    void offerRecovery();
    // The window closes normally: nothing to recover next time.
    void close();

signals:
    // The file, the name or the unsaved state changed: the window's title follows.
    void titleChanged();
    // A new graph replaced the old one (new, open, recover).
    void graphReplaced();
    void message(const QString& text, LogDock::Level level);
    void statusMessage(const QString& text);
    void errorOccurred(const QString& title, const QString& text);

private:
    void setGraph(const ModelGraph& graph, const QString& filePath, const QString& weightsFile = {});
    // Lays `graph` out for the canvas's area (templates, imported models and files whose nodes overlap).
    void arrange(ModelGraph& graph) const;
    void addRecentFile(const QString& path);
    void rebuildRecentMenu(QMenu* menu);

    Options m_options;
    QWidget* m_dialogParent;
    GraphModel* m_model;
    GraphEditor* m_editor;
    AutosaveManager* m_autosave;
    QTimer* m_autosaveTimer;
    bool m_autosaveDirty = false;
    QString m_filePath;
    QString m_weightsFile;
    std::function<QSizeF()> m_layoutArea;
};

} // namespace neurino
