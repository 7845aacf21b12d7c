// The model editor driven as a student drives it: layers dropped from the palette, ports connected by
// dragging, settings typed into the property panel, edits undone and redone, mistakes shown.
#include "widgets/editor/EdgeItem.h"
#include "widgets/editor/GraphClipboard.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/GraphView.h"
#include "widgets/editor/LayerPalette.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/ParamEditor.h"
#include "widgets/editor/PortItem.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/editor/PropertyPanel.h"
#include "widgets/editor/QuickAddPopup.h"
#include "widgets/editor/SummaryDock.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMimeData>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace neurino;

namespace {

// The editor's parts wired as the main window wires them.
struct Workbench {
    QMainWindow window;
    GraphModel* model = new GraphModel(&window);
    GraphEditor* editor = new GraphEditor(model, &window);
    GraphScene* scene = new GraphScene(model, editor, &window);
    GraphView* view = new GraphView(scene, &window);
    PropertyPanel* panel = new PropertyPanel(editor, &window);
    SummaryDock* summary = new SummaryDock(model, &window);
    ProblemsDock* problems = new ProblemsDock(model, &window);

    Workbench()
    {
        window.setCentralWidget(view);
        auto* dock = new QDockWidget("Properties", &window);
        dock->setWidget(panel);
        window.addDockWidget(Qt::RightDockWidgetArea, dock);
        window.addDockWidget(Qt::RightDockWidgetArea, summary);
        window.addDockWidget(Qt::BottomDockWidgetArea, problems);
        QObject::connect(scene, &QGraphicsScene::selectionChanged, panel,
            [this] { panel->showSelection(scene->selectedNodeIds()); });
        QObject::connect(problems, &ProblemsDock::problemActivated, scene,
            [this](const QString& id) { scene->selectNodes({ id }); });
        window.resize(1400, 1000);
        window.show();
        view->setZoom(1.0);
        view->centerOn(500, 400);
    }

    void load(const char* name) { editor->resetGraph(loadModel(templatePath(name))); }

    // Drops a layer from the palette at a point of the canvas, as a drag from the palette ends.
    QString drop(const QString& kind, QPoint at)
    {
        const QStringList before = ids();
        std::unique_ptr<QMimeData> mime(LayerPalette::mimeDataFor(kind));
        QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &enter);
        QDropEvent dropEvent(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &dropEvent);
        for (const QString& id : ids()) {
            if (!before.contains(id))
                return id;
        }
        return {};
    }

    QStringList ids() const
    {
        QStringList list;
        for (const Node& n : model->graph().nodes())
            list << QString::fromStdString(n.id);
        return list;
    }

    QPoint viewPos(const PortItem* port) const { return view->mapFromScene(port->scenePos()); }

    // Drags with the mouse from one layer's output port to another's input port.
    void dragConnect(const QString& from, const QString& to)
    {
        const QPoint a = viewPos(scene->nodeItem(from)->outputPort());
        const QPoint b = viewPos(scene->nodeItem(to)->inputPort());
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, a);
        QTest::mouseMove(view->viewport(), (a + b) / 2);
        QTest::mouseMove(view->viewport(), b);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, b);
    }

    void select(const QString& id) { scene->selectNodes({ id }); }

    // Types into a spin box of the property panel and presses Enter.
    void typeInto(QWidget* field, const QString& text)
    {
        field->setFocus();
        if (auto* box = qobject_cast<QAbstractSpinBox*>(field))
            box->selectAll();
        else if (auto* edit = qobject_cast<QLineEdit*>(field))
            edit->selectAll();
        QTest::keyClicks(field, text);
        QTest::keyClick(field, Qt::Key_Return);
    }

    // Scene and model agree: one item per node and edge, at the model's positions.
    bool sceneMatchesModel() const
    {
        const ModelGraph& g = model->graph();
        if (scene->nodeItems().size() != static_cast<int>(g.nodes().size())
            || scene->edgeItems().size() != static_cast<int>(g.edges().size()))
            return false;
        for (const Node& n : g.nodes()) {
            NodeItem* item = scene->nodeItem(QString::fromStdString(n.id));
            if (!item || item->pos() != QPointF(n.x, n.y))
                return false;
        }
        for (const Edge& e : g.edges()) {
            if (!scene->edgeItem(QString::fromStdString(e.from), QString::fromStdString(e.to)))
                return false;
        }
        return true;
    }
};

} // namespace

class TestGraphEditor : public QObject {
    Q_OBJECT

private slots:
    void buildShapesDenseByHand();
    void randomEditsUndoAndRedoExactly();
    void incompatibleConnectionShowsProblem();
    void refusedConnectionsSayWhy();
    void connectingAFedLayerReplacesItsInput();
    void copyPasteAndDuplicate();
    void replacingTheGraphKeepsNoDeletedItems();
    void deleteSelectionAndUndo();
    void quickAddConnectsAfterSelection();
    void propertyPanelEditsAreUndoable();
    void movesMergeOnlyWhenNudged();
};

void TestGraphEditor::buildShapesDenseByHand()
{
    Workbench w;
    QSignalSpy created(w.editor, &GraphEditor::nodesCreated);

    const QString input = w.drop("Input", { 150, 80 });
    const QString flatten = w.drop("Flatten", { 150, 260 });
    const QString dense1 = w.drop("Dense", { 150, 440 });
    const QString dense2 = w.drop("Dense", { 520, 80 });
    const QString dense3 = w.drop("Dense", { 520, 260 });
    const QString output = w.drop("Output", { 520, 440 });
    QCOMPARE(w.model->graph().nodes().size(), std::size_t(6));
    QCOMPARE(created.count(), 6);
    QCOMPARE(w.scene->selectedNodeIds(), QStringList { output }); // a dropped layer is selected

    w.dragConnect(input, flatten);
    w.dragConnect(flatten, dense1);
    w.dragConnect(dense1, dense2);
    w.dragConnect(dense2, dense3);
    w.dragConnect(dense3, output);
    QCOMPARE(w.model->graph().edges().size(), std::size_t(5));
    QVERIFY(w.model->graph().hasEdge(dense3.toStdString(), output.toStdString()));

    w.select(input);
    QCOMPARE(w.panel->nodeId(), input);
    w.typeInto(w.panel->paramEditor("shape")->fields().front(), "1, 32, 32");
    for (const auto& [id, units, activation] : { std::tuple { dense1, "512", "relu" },
             std::tuple { dense2, "512", "relu" }, std::tuple { dense3, "3", "softmax" } }) {
        w.select(id);
        QCOMPARE(w.panel->nodeId(), id);
        w.typeInto(w.panel->paramEditor("units")->fields().front(), units);
        auto* combo = qobject_cast<QComboBox*>(w.panel->paramEditor("activation")->fields().front());
        QVERIFY(combo);
        combo->setCurrentText(activation);
    }

    QVERIFY2(w.model->analysis().ok(), formatIssues(w.model->graph(), w.model->analysis().issues).c_str());
    QCOMPARE(w.model->analysis().totalParams().total(), std::int64_t(788995));
    QVERIFY(w.summary->totalsText().contains("788,995"));
    QVERIFY(w.summary->summaryText().contains("Total params: 788,995"));
    QCOMPARE(w.problems->problemCount(), 0);
    // Every edge is labelled with the shape that flows along it.
    QCOMPARE(w.scene->edgeItem(flatten, dense1)->label(), QString("(1024,)"));

    // The summary is the lecture's, layer by layer.
    const ModelGraph reference = loadModel(templatePath("shapes_dense"));
    QCOMPARE(w.model->analysis().totalParams().total(), reference.parameterCount().total());
    QVERIFY(w.sceneMatchesModel());
}

void TestGraphEditor::randomEditsUndoAndRedoExactly()
{
    Workbench w;
    w.load("shapes_cnn");
    const ModelGraph original = w.model->graph();
    QRandomGenerator rng(20240611);
    const auto& kinds = LayerRegistry::instance().kinds();

    auto pickNode = [&]() -> QString {
        const auto& nodes = w.model->graph().nodes();
        if (nodes.empty())
            return {};
        return QString::fromStdString(nodes[rng.bounded(static_cast<int>(nodes.size()))].id);
    };
    auto randomValue = [&](const ParamSpec& d, const nlohmann::json& current) -> nlohmann::json {
        const int small = static_cast<int>(d.minValue) + rng.bounded(8);
        switch (d.type) {
        case ParamType::Int:
            return std::max<int>(static_cast<int>(d.minValue), std::min(small, 7));
        case ParamType::Float:
            return d.minValue + (d.maxValue - d.minValue) * rng.generateDouble() * 0.5;
        case ParamType::Bool:
            return !current.get<bool>();
        case ParamType::Choice:
            return d.choices[rng.bounded(static_cast<int>(d.choices.size()))];
        case ParamType::IntPair:
            return nlohmann::json::array({ 1 + rng.bounded(4), 1 + rng.bounded(4) });
        case ParamType::ChoicePair:
            return nlohmann::json::array({ d.choices[rng.bounded(2)], d.choices[rng.bounded(2)] });
        case ParamType::IntList:
            return d.name == "shape" ? nlohmann::json::array({ 1, 8 + rng.bounded(8), 8 + rng.bounded(8) })
                                     : nlohmann::json::array({ -1 });
        default: // no layer takes text or lists of choices
            return current;
        }
    };

    int edits = 0;
    int attempts = 0;
    while (edits < 50 && ++attempts < 2000) {
        const ModelGraph before = w.model->graph();
        const QPointF at(rng.bounded(1000), rng.bounded(800));
        switch (rng.bounded(10)) {
        case 0:
            w.editor->addLayer(
                QString::fromStdString(kinds[rng.bounded(static_cast<int>(kinds.size()))].name), at);
            break;
        case 1:
            w.editor->removeItems({ pickNode() });
            break;
        case 2:
            w.editor->connectNodes(pickNode(), pickNode());
            break;
        case 3: {
            const auto& edges = w.model->graph().edges();
            if (!edges.empty()) {
                const Edge e = edges[rng.bounded(static_cast<int>(edges.size()))];
                w.editor->disconnectNodes(QString::fromStdString(e.from), QString::fromStdString(e.to));
            }
            break;
        }
        case 4: {
            const QString id = pickNode();
            if (id.isEmpty())
                break;
            const Node& n = w.model->graph().node(id.toStdString());
            const LayerKind& k = LayerRegistry::instance().kind(n.layer.kind);
            if (k.params.empty())
                break;
            const ParamSpec& d = k.params[rng.bounded(static_cast<int>(k.params.size()))];
            w.editor->setParam(id, QString::fromStdString(d.name), randomValue(d, n.layer.params.at(d.name)));
            break;
        }
        case 5:
            w.editor->renameNode(pickNode(), QString("layer_%1").arg(rng.bounded(100)));
            break;
        case 6: {
            QHash<QString, QPointF> moves;
            for (int i = 0; i < 1 + rng.bounded(3); ++i)
                moves.insert(pickNode(), at);
            moves.remove(QString());
            w.editor->moveNodes(moves, rng.bounded(2) == 0);
            break;
        }
        case 7:
            w.editor->duplicate({ pickNode(), pickNode() });
            break;
        case 8:
            w.editor->pasteText(w.editor->copyNodes({ pickNode(), pickNode(), pickNode() }), at);
            break;
        case 9: {
            const auto& edges = w.model->graph().edges();
            QList<QPair<QString, QString>> chosen;
            if (!edges.empty())
                chosen << qMakePair(
                    QString::fromStdString(edges.front().from), QString::fromStdString(edges.front().to));
            w.editor->removeItems({ pickNode() }, chosen);
            break;
        }
        }
        if (w.model->graph() != before)
            ++edits;
        QVERIFY(w.sceneMatchesModel());
    }
    QCOMPARE(edits, 50);
    const ModelGraph final = w.model->graph();
    QVERIFY(final != original);

    QUndoStack* stack = w.editor->undoStack();
    while (stack->canUndo())
        stack->undo();
    QVERIFY(w.model->graph() == original);
    QVERIFY(w.sceneMatchesModel());
    while (stack->canRedo())
        stack->redo();
    QVERIFY(w.model->graph() == final);
    QVERIFY(w.sceneMatchesModel());
}

void TestGraphEditor::incompatibleConnectionShowsProblem()
{
    Workbench w;
    w.load("shapes_dense");
    QCOMPARE(w.problems->problemCount(), 0);

    // Feed the image straight into the first Dense layer, skipping the Flatten: a classic mistake.
    w.dragConnect("input", "dense_1");
    QVERIFY(w.model->graph().hasEdge("input", "dense_1"));
    QVERIFY(!w.model->graph().hasEdge("flatten", "dense_1"));

    NodeItem* dense = w.scene->nodeItem("dense_1");
    QVERIFY(!dense->isValid());
    QVERIFY(dense->problem().contains("Flatten"));
    QVERIFY(dense->toolTip().contains("Flatten"));
    EdgeItem* edge = w.scene->edgeItem("input", "dense_1");
    QVERIFY(!edge->isValid());
    QVERIFY(edge->toolTip().contains("Flatten"));
    QCOMPARE(edge->label(), QString("(1, 32, 32)"));

    QVERIFY(w.problems->problemCount() >= 1);
    const QStringList problems = w.problems->problems();
    QVERIFY2(std::any_of(problems.begin(), problems.end(),
                 [](const QString& p) { return p.startsWith("dense_1:") && p.contains("flat vector"); }),
        qPrintable(problems.join('\n')));

    // Clicking the problem selects the layer it concerns.
    w.scene->clearSelection();
    QTreeWidget* tree = w.problems->tree();
    QTreeWidgetItem* row = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == "dense_1")
            row = tree->topLevelItem(i);
    }
    QVERIFY(row);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(row).center());
    QCOMPARE(w.scene->selectedNodeIds(), QStringList { "dense_1" });
    QVERIFY(w.panel->findChild<QLabel*>("nodeInfo")->text().contains("Problem"));

    // One undo restores the Flatten and the model is valid again.
    w.editor->undoStack()->undo();
    QVERIFY(w.model->graph() == loadModel(templatePath("shapes_dense")));
    QVERIFY(w.scene->nodeItem("dense_1")->isValid());
    QCOMPARE(w.problems->problemCount(), 0);
}

void TestGraphEditor::refusedConnectionsSayWhy()
{
    Workbench w;
    w.load("shapes_dense");
    QSignalSpy messages(w.editor, &GraphEditor::message);
    const ModelGraph before = w.model->graph();

    w.dragConnect("dense_2", "flatten"); // a loop
    QVERIFY(!w.editor->connectNodes("dense_3", "input")); // into an Input
    QVERIFY(!w.editor->connectNodes("dense_1", "dense_1"));
    QVERIFY(w.model->graph() == before);
    QCOMPARE(messages.count(), 3);
    QVERIFY(messages.at(0).at(0).toString().contains("loop"));
    QVERIFY(messages.at(1).at(0).toString().contains("Input"));
    QVERIFY(!w.editor->undoStack()->canUndo());
}

void TestGraphEditor::connectingAFedLayerReplacesItsInput()
{
    Workbench w;
    w.load("shapes_dense");
    // Dragging from an input port back to an output works as well.
    const QPoint a = w.viewPos(w.scene->nodeItem("dense_3")->inputPort());
    const QPoint b = w.viewPos(w.scene->nodeItem("dense_1")->outputPort());
    QTest::mousePress(w.view->viewport(), Qt::LeftButton, {}, a);
    QTest::mouseMove(w.view->viewport(), b);
    QTest::mouseRelease(w.view->viewport(), Qt::LeftButton, {}, b);
    QVERIFY(w.model->graph().hasEdge("dense_1", "dense_3"));
    QVERIFY(!w.model->graph().hasEdge("dense_2", "dense_3"));
    QCOMPARE(w.editor->undoStack()->count(), 1); // one step for the user
    w.editor->undoStack()->undo();
    QVERIFY(w.model->graph() == loadModel(templatePath("shapes_dense")));
}

// Opening a model while layers and connections are selected: deleting the old items changes the selection,
// and the listeners of selectionChanged (the window's Edit actions) ask the scene for it on the way. They
// must never meet an item that is already deleted (the soak test crashed there on Open Template).
void TestGraphEditor::replacingTheGraphKeepsNoDeletedItems()
{
    Workbench w;
    w.load("shapes_cnn");
    w.scene->selectNodes(w.ids());
    for (EdgeItem* edge : w.scene->edgeItems())
        edge->setSelected(true);
    QVERIFY(!w.scene->selectedNodeIds().isEmpty());
    int changes = 0;
    int deleted = 0;
    const auto watch = connect(w.scene, &QGraphicsScene::selectionChanged, this, [&] {
        ++changes;
        // Compares pointers only: a deleted item is no longer among the scene's items.
        const QList<QGraphicsItem*> alive = w.scene->items();
        for (NodeItem* item : w.scene->nodeItems())
            deleted += alive.contains(item) ? 0 : 1;
        for (EdgeItem* item : w.scene->edgeItems())
            deleted += alive.contains(item) ? 0 : 1;
    });
    w.load("shapes_cnn"); // the same ids again
    disconnect(watch);
    QVERIFY(changes > 0);
    QCOMPARE(deleted, 0);
    QVERIFY(w.scene->selectedNodeIds().isEmpty());
    QCOMPARE(w.scene->nodeItems().size(), int(w.model->graph().nodes().size()));
    QCOMPARE(w.scene->edgeItems().size(), int(w.model->graph().edges().size()));
}

void TestGraphEditor::copyPasteAndDuplicate()
{
    Workbench w;
    w.load("shapes_dense");
    const ModelGraph before = w.model->graph();
    const QStringList copied = w.editor->duplicate({ "dense_1", "dense_2" });
    QCOMPARE(copied.size(), 2);
    QCOMPARE(w.scene->selectedNodeIds(), copied);
    const ModelGraph& g = w.model->graph();
    QCOMPARE(g.nodes().size(), before.nodes().size() + 2);
    // The edge between the copies comes along; edges to the rest of the graph do not.
    QVERIFY(g.hasEdge(copied[0].toStdString(), copied[1].toStdString()));
    QCOMPARE(g.inputsOf(copied[0].toStdString()).size(), std::size_t(0));
    QCOMPARE(g.node(copied[0].toStdString()).layer, g.node("dense_1").layer);
    QVERIFY(g.node(copied[0].toStdString()).name != "dense_1");

    GraphClipboard::put(w.editor->copyNodes({ "dense_3" }));
    const QStringList pasted = w.editor->pasteText(GraphClipboard::get(), QPointF(700, 100));
    QCOMPARE(pasted.size(), 1);
    QCOMPARE(w.model->graph().node(pasted[0].toStdString()).x, 700.0);

    // Text that is no model pastes nothing and says why.
    QSignalSpy messages(w.editor, &GraphEditor::message);
    QVERIFY(w.editor->pasteText("not a model").isEmpty());
    QCOMPARE(messages.count(), 1);

    while (w.editor->undoStack()->canUndo())
        w.editor->undoStack()->undo();
    QVERIFY(w.model->graph() == before);
}

void TestGraphEditor::deleteSelectionAndUndo()
{
    Workbench w;
    w.load("shapes_cnn");
    const ModelGraph before = w.model->graph();
    w.scene->selectNodes({ "conv2d_2", "maxpool2d_2" });
    w.scene->edgeItem("dense_1", "dropout_2")->setSelected(true);
    w.editor->removeItems(w.scene->selectedNodeIds(), w.scene->selectedEdges());
    QVERIFY(!w.model->graph().hasNode("conv2d_2"));
    QVERIFY(!w.model->graph().hasEdge("dense_1", "dropout_2"));
    QVERIFY(!w.scene->nodeItem("conv2d_2"));
    QVERIFY(w.sceneMatchesModel());
    QVERIFY(!w.model->analysis().ok());
    w.editor->undoStack()->undo();
    QVERIFY(w.model->graph() == before);
    QVERIFY(w.sceneMatchesModel());
    QVERIFY(w.model->analysis().ok());
}

void TestGraphEditor::quickAddConnectsAfterSelection()
{
    Workbench w;
    w.load("shapes_dense");
    w.select("dense_1");
    w.view->setFocus();
    QTest::keyClick(w.view, Qt::Key_Tab);
    QuickAddPopup* popup = w.view->quickAdd();
    QVERIFY(popup->isVisible());
    auto* filter = popup->findChild<QLineEdit*>("quickAddFilter");
    QTest::keyClicks(filter, "drop");
    QCOMPARE(popup->currentKind(), QString("Dropout"));
    QTest::keyClick(filter, Qt::Key_Return);
    QVERIFY(!popup->isVisible());
    QVERIFY(w.model->graph().hasNode("dropout_1"));
    QVERIFY(w.model->graph().hasEdge("dense_1", "dropout_1"));
    QCOMPARE(w.scene->selectedNodeIds(), QStringList { "dropout_1" });
    // Placed below its source, not on top of anything.
    const Node& added = w.model->graph().node("dropout_1");
    QVERIFY(added.y > w.model->graph().node("dense_1").y);

    // Typing a letter on the canvas opens the box with that letter; aliases find layers by other names.
    w.scene->clearSelection();
    w.view->setFocus();
    QTest::keyClick(w.view, Qt::Key_B);
    QVERIFY(popup->isVisible());
    QCOMPARE(filter->text(), QString("b"));
    popup->setFilter("fully connected");
    QCOMPARE(popup->currentKind(), QString("Dense"));
    QTest::keyClick(filter, Qt::Key_Escape);
    QVERIFY(!popup->isVisible());
}

void TestGraphEditor::propertyPanelEditsAreUndoable()
{
    Workbench w;
    w.load("shapes_cnn");
    const ModelGraph before = w.model->graph();
    w.select("conv2d_1");
    ParamEditor* kernel = w.panel->paramEditor("kernel_size");
    QVERIFY(kernel);
    QCOMPARE(kernel->fields().size(), std::size_t(2));
    auto* height = qobject_cast<QSpinBox*>(kernel->fields()[0]);
    QCOMPARE(height->value(), 3);
    QCOMPARE(height->minimum(), 1);
    height->stepUp();
    height->stepUp();
    QCOMPARE(
        w.model->graph().node("conv2d_1").layer.params.at("kernel_size"), nlohmann::json::array({ 5, 3 }));
    QCOMPARE(w.model->parameterCount("conv2d_1")->total(), std::int64_t(16 * 15 + 16));
    QCOMPARE(w.editor->undoStack()->count(), 1); // arrow steps merge into one undo step

    w.typeInto(w.panel->nameEdit(), "first_conv");
    QCOMPARE(w.model->graph().node("conv2d_1").name, std::string("first_conv"));
    QVERIFY(w.summary->summaryText().contains("first_conv (Conv2D)"));

    // A value the registry refuses is not applied and the panel says why.
    w.select("input");
    w.typeInto(w.panel->paramEditor("shape")->fields().front(), "1, 0, 32");
    QCOMPARE(w.model->graph().node("input").layer.params.at("shape"), nlohmann::json::array({ 1, 32, 32 }));
    QVERIFY(w.panel->findChild<QLabel*>("nodeMessage")->isVisibleTo(w.panel));

    while (w.editor->undoStack()->canUndo())
        w.editor->undoStack()->undo();
    QVERIFY(w.model->graph() == before);
}

void TestGraphEditor::movesMergeOnlyWhenNudged()
{
    Workbench w;
    w.load("shapes_dense");
    w.select("dense_1");
    w.view->setFocus();
    QTest::keyClick(w.view, Qt::Key_Right);
    QTest::keyClick(w.view, Qt::Key_Right);
    QTest::keyClick(w.view, Qt::Key_Down);
    const Node& n = w.model->graph().node("dense_1");
    // A copy: the loaded graph is a temporary, gone after this line.
    const Node original = loadModel(templatePath("shapes_dense")).node("dense_1");
    QCOMPARE(n.x, original.x + 20);
    QCOMPARE(n.y, original.y + 10);
    QCOMPARE(w.editor->undoStack()->count(), 1);
    w.editor->autoLayout(QSizeF(1000, 700));
    QCOMPARE(w.editor->undoStack()->count(), 2);
    QCOMPARE(w.editor->undoStack()->text(1), QString("Auto layout"));
}

NEURINO_TEST_MAIN(TestGraphEditor)
#include "TestGraphEditor.moc"
