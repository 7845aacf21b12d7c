// The automatic layered layout: data flows downwards, nothing overlaps, long chains fold into columns.
#include "widgets/editor/GraphLayout.h"
#include "widgets/editor/NodeStyle.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QtTest>

#include <set>

using namespace neurino;

class TestGraphLayout : public QObject {
    Q_OBJECT

private slots:
    void templatesFlowDownwardsWithoutOverlap_data();
    void templatesFlowDownwardsWithoutOverlap();
    void branchesShareALayer();
    void longChainsFoldIntoColumns();
    void cycleDoesNotHang();
};

void TestGraphLayout::templatesFlowDownwardsWithoutOverlap_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : { "xor_mlp", "shapes_dense", "shapes_cnn", "higgs_deep", "calo_gan_generator",
             "calo_gan_discriminator" })
        QTest::newRow(name) << name;
}

void TestGraphLayout::templatesFlowDownwardsWithoutOverlap()
{
    QFETCH(QString, name);
    const ModelGraph graph = loadModel(templatePath(name.toStdString()));
    const auto pos = GraphLayout::compute(graph, QSizeF(1000, 800));
    QCOMPARE(pos.size(), graph.nodes().size());
    for (const Edge& e : graph.edges()) {
        const QPointF a = pos.at(e.from);
        const QPointF b = pos.at(e.to);
        // Within a column the target is below; across a fold it starts a new column to the right.
        QVERIFY2(
            b.y() > a.y() || b.x() > a.x() + NodeStyle::kWidth, qPrintable(QString::fromStdString(e.to)));
    }
    for (auto i = pos.begin(); i != pos.end(); ++i) {
        for (auto j = std::next(i); j != pos.end(); ++j) {
            const bool apart = std::abs(i->second.x() - j->second.x()) >= NodeStyle::kWidth
                || std::abs(i->second.y() - j->second.y()) >= NodeStyle::kHeight;
            QVERIFY2(apart, qPrintable(QString::fromStdString(i->first + " overlaps " + j->first)));
        }
    }
}

void TestGraphLayout::branchesShareALayer()
{
    ModelGraph g;
    g.addNode("Input", { { "shape", { 8 } } }, "in");
    g.addNode("Dense", { { "units", 8 } }, "a");
    g.addNode("Dense", { { "units", 8 } }, "b");
    g.addNode("Add", {}, "sum");
    g.addNode("Output", {}, "out");
    g.connect("in", "a");
    g.connect("in", "b");
    g.connect("a", "sum");
    g.connect("b", "sum");
    g.connect("sum", "out");
    const auto layers = GraphLayout::layers(g);
    QCOMPARE(layers.at("in"), 0);
    QCOMPARE(layers.at("a"), 1);
    QCOMPARE(layers.at("b"), 1);
    QCOMPARE(layers.at("sum"), 2);
    QCOMPARE(layers.at("out"), 3);
    const auto pos = GraphLayout::compute(g, QSizeF(1200, 900));
    QCOMPARE(pos.at("a").y(), pos.at("b").y());
    QVERIFY(std::abs(pos.at("a").x() - pos.at("b").x()) >= NodeStyle::kWidth);
    // The merge sits centred under its two inputs.
    QCOMPARE(pos.at("sum").x(), pos.at("in").x());
}

void TestGraphLayout::longChainsFoldIntoColumns()
{
    const ModelGraph g = loadModel(templatePath("calo_gan_generator"));
    auto columns = [&](QSizeF viewport) {
        std::set<double> xs;
        for (const auto& [id, p] : GraphLayout::compute(g, viewport))
            xs.insert(p.x());
        return xs.size();
    };
    QVERIFY(columns(QSizeF(1000, 750)) >= 2);
    QCOMPARE(columns(QSizeF(400, 4000)), std::size_t(1));
}

void TestGraphLayout::cycleDoesNotHang()
{
    ModelGraph g;
    g.addNode("Input", { { "shape", { 4 } } }, "in");
    g.addNode("Dense", { { "units", 4 } }, "a");
    g.addNode("Dense", { { "units", 4 } }, "b");
    g.connect("in", "a");
    g.connect("a", "b");
    g.connect("b", "a");
    QCOMPARE(GraphLayout::compute(g, QSizeF(800, 600)).size(), std::size_t(3));
}

NEURINO_TEST_MAIN(TestGraphLayout)
#include "TestGraphLayout.moc"
