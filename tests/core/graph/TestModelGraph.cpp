// Editing a ModelGraph as the editor and the exercises do, and what validate() says about it.
#include "core/graph/ModelGraph.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

using namespace neurino;

namespace {

bool mentions(const std::vector<GraphIssue>& issues, const std::string& nodeId, const std::string& text)
{
    for (const auto& i : issues) {
        if (i.nodeId == nodeId && i.message.find(text) != std::string::npos)
            return true;
    }
    return false;
}

ModelGraph chain()
{
    ModelGraph g;
    g.addNode("Input", { { "shape", { 4 } } });
    g.addNode("Dense", { { "units", 3 } });
    g.addNode("Output");
    g.connect("input", "dense_1");
    g.connect("dense_1", "output");
    return g;
}

} // namespace

class TestModelGraph : public QObject {
    Q_OBJECT

private slots:
    void idsAreUniqueAndReadable()
    {
        ModelGraph g;
        QCOMPARE(g.addNode("Input", { { "shape", { 2 } } }), std::string("input"));
        QCOMPARE(g.addNode("Dense", { { "units", 2 } }), std::string("dense_1"));
        QCOMPARE(g.addNode("Dense", { { "units", 2 } }), std::string("dense_2"));
        QCOMPARE(g.addNode("Dense", { { "units", 2 } }, "dense_1"), std::string("dense_3"));
        QCOMPARE(g.addNode("Input", { { "shape", { 2 } } }), std::string("input_1"));
    }

    void defaultsAreFilledIn()
    {
        ModelGraph g;
        const std::string id = g.addNode("Conv2D", { { "filters", 8 } });
        const auto& params = g.node(id).layer.params;
        QCOMPARE(params.at("kernel_size"), nlohmann::json::array({ 3, 3 }));
        QCOMPARE(params.at("padding"), nlohmann::json("valid"));
        QCOMPARE(params.at("activation"), nlohmann::json("linear"));
    }

    void topologicalOrderFollowsData()
    {
        ModelGraph g;
        g.addNode("Output", {}, "out");
        g.addNode("Dense", { { "units", 1 } }, "d");
        g.addNode("Input", { { "shape", { 3 } } }, "in");
        g.connect("d", "out");
        g.connect("in", "d");
        QCOMPARE(g.topologicalOrder(), (std::vector<std::string> { "in", "d", "out" }));
    }

    void cycleIsReported()
    {
        ModelGraph g = chain();
        g.addNode("Dense", { { "units", 3 } }, "back");
        g.connect("dense_1", "back");
        g.connect("back", "dense_1");
        QVERIFY_THROWS_EXCEPTION(ModelError, g.topologicalOrder());
        QVERIFY(mentions(g.validate(), "", "is part of a cycle"));
    }

    void badConnectionsAreRefused()
    {
        ModelGraph g = chain();
        QVERIFY_THROWS_EXCEPTION(ModelError, g.connect("dense_1", "dense_1"));
        QVERIFY_THROWS_EXCEPTION(ModelError, g.connect("input", "dense_1"));
        QVERIFY_THROWS_EXCEPTION(ModelError, g.connect("nowhere", "dense_1"));
        QVERIFY_THROWS_EXCEPTION(ModelError, g.connect("dense_1", "input"));
    }

    void wiringProblems()
    {
        ModelGraph g = chain();
        g.addNode("Dense", { { "units", 2 } }, "stray");
        QVERIFY(mentions(
            g.validate(), "stray", "Dense takes exactly one input but has 0; connect a layer to it"));
        QVERIFY(mentions(g.validate(), "stray", "does not lead to the output 'output'"));
        g.connect("input", "stray");
        g.connect("stray", "dense_1");
        QVERIFY(mentions(g.validate(), "dense_1", "Dense takes exactly one input but has 2"));
        g.removeNode("stray");
        QVERIFY(g.validate().empty());
        QCOMPARE(g.edges().size(), std::size_t(2));
    }

    void modelLevelProblems()
    {
        ModelGraph g;
        g.addNode("Dense", { { "units", 2 } }, "a");
        g.addNode("Dense", { { "units", 2 } }, "b");
        const auto issues = g.validate();
        QVERIFY(mentions(issues, "", "the model has no Input node"));
        QVERIFY(mentions(issues, "", "several ends ('a', 'b')"));

        ModelGraph two = chain();
        two.addNode("Output", {}, "output_2");
        two.connect("dense_1", "output_2");
        QVERIFY(mentions(two.validate(), "", "the model has 2 Output nodes"));

        ModelGraph names = chain();
        names.setNodeName("dense_1", "input");
        QVERIFY(mentions(names.validate(), "", "two or more nodes are called 'input'"));
    }

    void setParamChecksValues()
    {
        ModelGraph g = chain();
        g.setParam("dense_1", "units", 7);
        QCOMPARE(g.node("dense_1").layer.params.at("units").get<int>(), 7);
        QVERIFY_THROWS_EXCEPTION(ModelError, g.setParam("dense_1", "units", 0));
        QVERIFY_THROWS_EXCEPTION(ModelError, g.setParam("dense_1", "units", "many"));
        QVERIFY_THROWS_EXCEPTION(ModelError, g.setParam("dense_1", "unit", 3));
        QCOMPARE(g.node("dense_1").layer.params.at("units").get<int>(), 7);
    }

    void concatInputsFollowPorts()
    {
        ModelGraph g;
        g.addNode("Input", { { "shape", { 2 } } }, "a");
        g.addNode("Input", { { "shape", { 3 } } }, "b");
        g.addNode("Concat", {}, "cat");
        g.connect("b", "cat", 1);
        g.connect("a", "cat", 0);
        QCOMPARE(g.inputsOf("cat"), (std::vector<std::string> { "a", "b" }));
        QCOMPARE(g.outputNode(), std::string("cat"));
    }

    void summaryIsKerasLike()
    {
        ModelGraph g = chain();
        g.setName("tiny");
        const std::string s = g.summary();
        QVERIFY(s.find("Model: \"tiny\"") != std::string::npos);
        QVERIFY(s.find(" dense_1 (Dense)") != std::string::npos);
        QVERIFY(s.find("(None, 3)") != std::string::npos);
        QVERIFY(s.find("Total params: 15") != std::string::npos);
        QVERIFY(s.find("Trainable params: 15") != std::string::npos);
        QVERIFY(s.find("Non-trainable params: 0") != std::string::npos);
        QVERIFY(s.find("Connected to") == std::string::npos);
        QCOMPARE(formatCount(788995), std::string("788,995"));
        QCOMPARE(formatCount(1000000), std::string("1,000,000"));
        QCOMPARE(formatCount(999), std::string("999"));
    }
};

NEURINO_TEST_MAIN(TestModelGraph)
#include "TestModelGraph.moc"
