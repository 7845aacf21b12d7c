#pragma once

#include "core/graph/ModelGraph.h"

#include <QObject>
#include <QString>

#include <optional>

namespace neurino {

// The Qt face of core's ModelGraph, as QtNodes' AbstractGraphModel is of its data: the one place that
// changes the graph and the one source of change signals. Undo commands call its mutators; the scene,
// the docks and the property panel only read it and react to its signals. It keeps the graph's analysis
// (order, shapes, parameter counts, problems) current after every change.
class GraphModel : public QObject {
    Q_OBJECT

public:
    explicit GraphModel(QObject* parent = nullptr);

    const ModelGraph& graph() const { return m_graph; }
    const GraphAnalysis& analysis() const { return m_analysis; }

    // Replaces the whole graph (new, open, recover); emits modelReset.
    void setGraph(const ModelGraph& graph);

    // Mutators, for undo commands. Ids are taken as given; `index` places a node or an edge back where it
    // was (so that undo restores the graph exactly), -1 appends. Throw ModelError as ModelGraph does.
    void insertNode(const Node& node, int index = -1);
    void removeNode(const std::string& id);
    void insertEdge(const Edge& edge, int index = -1);
    void removeEdge(const std::string& from, const std::string& to);
    void setParams(const std::string& id, const nlohmann::json& params);
    void setNodeName(const std::string& id, const std::string& name);
    void setPosition(const std::string& id, double x, double y);

    int nodeIndex(const std::string& id) const;
    int edgeIndex(const std::string& from, const std::string& to) const;
    const Edge* findEdge(const std::string& from, const std::string& to) const;

    // What the analysis says about one node.
    std::optional<Shape> outputShape(const std::string& id) const;
    std::optional<ParamCount> parameterCount(const std::string& id) const;
    std::vector<std::string> issuesOf(const std::string& id) const;
    bool isValid(const std::string& id) const { return issuesOf(id).empty(); }

signals:
    void modelReset();
    void nodeAdded(const QString& id);
    void nodeRemoved(const QString& id);
    // Name or parameters changed.
    void nodeUpdated(const QString& id);
    void nodeMoved(const QString& id);
    void edgeAdded(const QString& from, const QString& to);
    void edgeRemoved(const QString& from, const QString& to);
    // Emitted after every change, once the shapes, counts and problems are recomputed.
    void analysisChanged();

private:
    void reanalyze();
    // Rebuilds the graph with these nodes and edges in this order; ModelGraph only appends.
    void assemble(const std::vector<Node>& nodes, const std::vector<Edge>& edges);

    ModelGraph m_graph;
    GraphAnalysis m_analysis;
};

} // namespace neurino
