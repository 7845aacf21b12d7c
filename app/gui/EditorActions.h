#pragma once

#include <QKeySequence>
#include <QObject>

class QAction;
class QMenu;
class QToolBar;
class QWidget;

namespace neurino {

class GraphEditor;
class GraphScene;
class GraphView;

// An action with a shortcut and a tip that names the shortcut, owned by `parent`; added to `menu` if given.
QAction* makeAction(
    QObject* parent, QMenu* menu, const QString& text, const QKeySequence& key, const QString& tip);

// The canvas's actions: undo and redo, cut, copy, paste, duplicate, delete, select all, rename; zoom, fit
// and auto layout; add layer, validate and summary. Edits go through the GraphEditor; what the window
// shows in answer (the properties, the problems, the summary) it asks for through the signals.
class EditorActions : public QObject {
    Q_OBJECT

public:
    EditorActions(GraphEditor* editor, GraphScene* scene, GraphView* view, QWidget* parent);

    void fillEditMenu(QMenu* menu) const;
    // Zoom, fit and layout.
    void fillViewMenu(QMenu* menu) const;
    void fillModelMenu(QMenu* menu) const;
    void fillToolBar(QToolBar* toolBar) const;

    // Arranges the model for the canvas's size and shows all of it.
    void layoutAndFit();

    QAction* undoAction() const { return m_undo; }
    QAction* redoAction() const { return m_redo; }
    QAction* deleteAction() const { return m_delete; }

signals:
    void renameRequested();
    void validateRequested();
    void summaryRequested();
    void statusMessage(const QString& text);

private:
    void createEditActions();
    void createCanvasActions();
    void createViewActions();
    void createModelActions();
    QAction* canvasAction(const QString& text, const QKeySequence& key, const QString& tip);
    void updateSelectionActions();
    void copySelection(bool cut);
    void paste();
    void selectAll();

    GraphEditor* m_editor;
    GraphScene* m_scene;
    GraphView* m_view;

    QAction* m_undo = nullptr;
    QAction* m_redo = nullptr;
    QAction* m_cut = nullptr;
    QAction* m_copy = nullptr;
    QAction* m_paste = nullptr;
    QAction* m_duplicate = nullptr;
    QAction* m_delete = nullptr;
    QAction* m_selectAll = nullptr;
    QAction* m_rename = nullptr;
    QAction* m_zoomIn = nullptr;
    QAction* m_zoomOut = nullptr;
    QAction* m_zoomReset = nullptr;
    QAction* m_fit = nullptr;
    QAction* m_layout = nullptr;
    QAction* m_addLayer = nullptr;
    QAction* m_validate = nullptr;
    QAction* m_summary = nullptr;
};

} // namespace neurino
