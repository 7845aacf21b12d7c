#include "app/gui/EditorActions.h"

#include "widgets/editor/GraphClipboard.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/GraphView.h"

#include <QAction>
#include <QCursor>
#include <QMenu>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

#include <optional>

namespace neurino {

QAction* makeAction(
    QObject* parent, QMenu* menu, const QString& text, const QKeySequence& key, const QString& tip)
{
    auto* action = new QAction(text, parent);
    if (!key.isEmpty())
        action->setShortcut(key);
    action->setStatusTip(tip);
    action->setToolTip(key.isEmpty() ? tip : tip + " (" + key.toString(QKeySequence::NativeText) + ")");
    if (menu)
        menu->addAction(action);
    return action;
}

EditorActions::EditorActions(GraphEditor* editor, GraphScene* scene, GraphView* view, QWidget* parent)
    : QObject(parent)
    , m_editor(editor)
    , m_scene(scene)
    , m_view(view)
{
    createEditActions();
    createCanvasActions();
    createViewActions();
    createModelActions();
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &EditorActions::updateSelectionActions);
}

void EditorActions::createEditActions()
{
    QStyle* s = m_view->style();
    QUndoStack* undo = m_editor->undoStack();
    m_undo = undo->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setIcon(s->standardIcon(QStyle::SP_ArrowBack));
    m_redo = undo->createRedoAction(this, tr("&Redo"));
    m_redo->setShortcuts({ QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y) });
    m_redo->setIcon(s->standardIcon(QStyle::SP_ArrowForward));
}

// Canvas edits take their keys only while the canvas has the focus, so that Delete, Ctrl+C and Ctrl+A keep
// working as usual in the property panel's fields.
QAction* EditorActions::canvasAction(const QString& text, const QKeySequence& key, const QString& tip)
{
    QAction* action = makeAction(this, nullptr, text, key, tip);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(action);
    return action;
}

void EditorActions::createCanvasActions()
{
    m_cut = canvasAction(tr("Cu&t"), QKeySequence::Cut, tr("Move the selected layers to the clipboard"));
    connect(m_cut, &QAction::triggered, this, [this] { copySelection(true); });
    m_copy = canvasAction(tr("&Copy"), QKeySequence::Copy, tr("Copy the selected layers"));
    connect(m_copy, &QAction::triggered, this, [this] { copySelection(false); });
    m_paste = canvasAction(tr("&Paste"), QKeySequence::Paste, tr("Paste layers from the clipboard"));
    connect(m_paste, &QAction::triggered, this, &EditorActions::paste);
    m_duplicate = canvasAction(tr("D&uplicate"), QKeySequence(Qt::CTRL | Qt::Key_D),
        tr("Copy the selected layers and their connections beside them"));
    connect(
        m_duplicate, &QAction::triggered, this, [this] { m_editor->duplicate(m_scene->selectedNodeIds()); });
    m_delete
        = canvasAction(tr("&Delete"), QKeySequence::Delete, tr("Delete the selected layers and connections"));
    m_delete->setShortcuts({ QKeySequence::Delete, QKeySequence(Qt::Key_Backspace) });
    m_delete->setIcon(m_view->style()->standardIcon(QStyle::SP_TrashIcon));
    connect(m_delete, &QAction::triggered, this,
        [this] { m_editor->removeItems(m_scene->selectedNodeIds(), m_scene->selectedEdges()); });
    m_selectAll = canvasAction(tr("Select &All"), QKeySequence::SelectAll, tr("Select every layer"));
    connect(m_selectAll, &QAction::triggered, this, &EditorActions::selectAll);
    m_rename
        = canvasAction(tr("&Rename Layer"), QKeySequence(Qt::Key_F2), tr("Edit the selected layer's name"));
    connect(m_rename, &QAction::triggered, this, &EditorActions::renameRequested);
}

void EditorActions::createViewActions()
{
    m_zoomIn = makeAction(this, nullptr, tr("Zoom &In"), QKeySequence::ZoomIn, tr("Enlarge the canvas"));
    m_zoomIn->setShortcuts({ QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal) });
    connect(m_zoomIn, &QAction::triggered, m_view, &GraphView::zoomIn);
    m_zoomOut = makeAction(this, nullptr, tr("Zoom &Out"), QKeySequence::ZoomOut, tr("Shrink the canvas"));
    connect(m_zoomOut, &QAction::triggered, m_view, &GraphView::zoomOut);
    m_zoomReset = makeAction(this, nullptr, tr("Actual &Size"), QKeySequence(Qt::CTRL | Qt::Key_1),
        tr("Show the canvas at 100 %"));
    connect(m_zoomReset, &QAction::triggered, this, [this] { m_view->setZoom(1.0); });
    m_fit = makeAction(
        this, nullptr, tr("&Fit to View"), QKeySequence(Qt::CTRL | Qt::Key_0), tr("Show the whole model"));
    m_fit->setIcon(m_view->style()->standardIcon(QStyle::SP_TitleBarMaxButton));
    connect(m_fit, &QAction::triggered, m_view, &GraphView::fitToView);
    m_layout = makeAction(this, nullptr, tr("Auto &Layout"), QKeySequence(Qt::CTRL | Qt::Key_L),
        tr("Arrange the layers in the order data flows through them"));
    m_layout->setIcon(m_view->style()->standardIcon(QStyle::SP_BrowserReload));
    connect(m_layout, &QAction::triggered, this, &EditorActions::layoutAndFit);
}

void EditorActions::createModelActions()
{
    m_addLayer = makeAction(this, nullptr, tr("&Add Layer…"), QKeySequence(Qt::Key_Tab),
        tr("Type a layer's name to add it (Tab on the canvas)"));
    m_addLayer->setShortcutContext(Qt::WidgetShortcut); // the canvas handles Tab itself
    connect(m_addLayer, &QAction::triggered, this,
        [this] { m_view->openQuickAdd(m_view->viewport()->rect().center()); });
    m_validate = makeAction(this, nullptr, tr("&Validate"), QKeySequence(Qt::Key_F7),
        tr("Check shapes and connections and list the problems"));
    m_validate->setIcon(m_view->style()->standardIcon(QStyle::SP_DialogApplyButton));
    connect(m_validate, &QAction::triggered, this, &EditorActions::validateRequested);
    m_summary = makeAction(this, nullptr, tr("&Summary"), QKeySequence(Qt::CTRL | Qt::Key_I),
        tr("Show the Keras-style summary of the model"));
    connect(m_summary, &QAction::triggered, this, &EditorActions::summaryRequested);
}

void EditorActions::fillEditMenu(QMenu* menu) const
{
    menu->addActions({ m_undo, m_redo });
    menu->addSeparator();
    menu->addActions({ m_cut, m_copy, m_paste, m_duplicate, m_delete });
    menu->addSeparator();
    menu->addActions({ m_selectAll, m_rename });
}

void EditorActions::fillViewMenu(QMenu* menu) const
{
    menu->addActions({ m_zoomIn, m_zoomOut, m_zoomReset, m_fit });
    menu->addSeparator();
    menu->addAction(m_layout);
}

void EditorActions::fillModelMenu(QMenu* menu) const
{
    menu->addAction(m_addLayer);
    menu->addSeparator();
    menu->addActions({ m_validate, m_summary, m_layout });
}

void EditorActions::fillToolBar(QToolBar* toolBar) const
{
    toolBar->addActions({ m_undo, m_redo, m_delete });
    toolBar->addSeparator();
    toolBar->addActions({ m_layout, m_fit, m_validate });
}

void EditorActions::layoutAndFit()
{
    m_editor->autoLayout(m_view->layoutViewport());
    m_view->fitToView();
}

void EditorActions::updateSelectionActions()
{
    const bool nodes = !m_scene->selectedNodeIds().isEmpty();
    const bool any = nodes || !m_scene->selectedEdges().isEmpty();
    m_cut->setEnabled(nodes);
    m_copy->setEnabled(nodes);
    m_duplicate->setEnabled(nodes);
    m_delete->setEnabled(any);
    m_rename->setEnabled(m_scene->selectedNodeIds().size() == 1);
}

void EditorActions::copySelection(bool cut)
{
    const QStringList ids = m_scene->selectedNodeIds();
    if (ids.isEmpty())
        return;
    GraphClipboard::put(m_editor->copyNodes(ids));
    if (cut)
        m_editor->removeItems(ids, m_scene->selectedEdges());
    emit statusMessage(
        tr("%n layer(s) %1", nullptr, static_cast<int>(ids.size())).arg(cut ? tr("cut") : tr("copied")));
}

void EditorActions::paste()
{
    const QPoint cursor = m_view->viewport()->mapFromGlobal(QCursor::pos());
    std::optional<QPointF> at;
    if (m_view->viewport()->rect().contains(cursor))
        at = m_view->mapToScene(cursor);
    m_editor->pasteText(GraphClipboard::get(), at);
}

void EditorActions::selectAll()
{
    QStringList ids;
    for (const Node& n : m_editor->model()->graph().nodes())
        ids << QString::fromStdString(n.id);
    m_scene->selectNodes(ids);
}

} // namespace neurino
