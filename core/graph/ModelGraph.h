#pragma once

#include "core/graph/LayerRegistry.h"
#include "core/graph/LayerSpec.h"
#include "core/graph/Shape.h"

#include <map>
#include <string>
#include <vector>

namespace neurino {

// A layer in the graph: a stable id (used in checkpoints and edges), a display name, the layer, and
// where the editor draws it.
struct Node {
    std::string id;
    std::string name;
    LayerSpec layer;
    double x = 0;
    double y = 0;

    bool operator==(const Node& o) const
    {
        return id == o.id && name == o.name && layer == o.layer && x == o.x && y == o.y;
    }
    bool operator!=(const Node& o) const { return !(*this == o); }
};

// Data flows from `from` into input slot `port` of `to`; ports order the inputs of Concat.
struct Edge {
    std::string from;
    std::string to;
    int port = 0;

    bool operator==(const Edge& o) const { return from == o.from && to == o.to && port == o.port; }
    bool operator!=(const Edge& o) const { return !(*this == o); }
};

// A problem with a model, tied to the node (and field) it concerns; nodeId is empty for the whole model.
struct GraphIssue {
    std::string nodeId;
    std::string message;

    std::string toString() const;
};

// Everything derived from a graph in one pass: order, shapes, parameter counts and problems.
struct GraphAnalysis {
    std::vector<std::string> order; // topological; empty when the graph has a cycle
    std::map<std::string, Shape> shapes; // output shape of every node whose shape is known
    std::map<std::string, ParamCount> params; // per node, where known
    std::vector<GraphIssue> issues;

    bool ok() const { return issues.empty(); }
    ParamCount totalParams() const;
};

// The one description of a network: a DAG of layer nodes. The editor edits it, neurino-batch trains it,
// exercises start from it and checkpoints store it (as JSON, see ModelJson.h).
class ModelGraph {
public:
    const std::string& name() const { return m_name; }
    void setName(const std::string& name) { m_name = name; }
    const std::string& description() const { return m_description; }
    void setDescription(const std::string& text) { m_description = text; }

    const std::vector<Node>& nodes() const { return m_nodes; }
    const std::vector<Edge>& edges() const { return m_edges; }

    bool hasNode(const std::string& id) const { return findNode(id) != nullptr; }
    const Node* findNode(const std::string& id) const;
    // Throws ModelError when there is no such node.
    const Node& node(const std::string& id) const;

    // Adds a layer of `kind` with `params` completed by the kind's defaults; returns the new node's id
    // (`id` when given and free, else e.g. "dense_2"). Throws ModelError for an unknown kind or bad params.
    std::string addNode(const std::string& kind, const nlohmann::json& params = nlohmann::json::object(),
        const std::string& id = {}, double x = 0, double y = 0);
    // Inserts a complete node as is (undo, paste, loading); throws ModelError if the id is taken or the
    // parameters are not canonical for the kind.
    void insertNode(const Node& node);
    // Removes the node and every edge touching it.
    void removeNode(const std::string& id);

    void setNodeName(const std::string& id, const std::string& name);
    void setPosition(const std::string& id, double x, double y);
    // Checks and canonicalises; throws ModelError naming the field.
    void setParams(const std::string& id, const nlohmann::json& params);
    void setParam(const std::string& id, const std::string& param, const nlohmann::json& value);

    // Connects `from` to input `port` of `to` (-1: the next free port). Throws ModelError for unknown
    // nodes, a self-loop, a duplicate edge or an Input as target. Cycles are reported by validate().
    void connect(const std::string& from, const std::string& to, int port = -1);
    void disconnect(const std::string& from, const std::string& to);
    bool hasEdge(const std::string& from, const std::string& to) const;

    std::vector<std::string> inputsOf(const std::string& id) const; // ordered by port
    std::vector<std::string> outputsOf(const std::string& id) const;
    std::vector<std::string> inputNodes() const; // Input nodes, in node order
    // The node whose output is the model's: the Output node, else the single node nothing reads from.
    // Empty when there is none or it is ambiguous (validate() says which).
    std::string outputNode() const;

    // Throws ModelError naming a node on the cycle when there is one.
    std::vector<std::string> topologicalOrder() const;

    GraphAnalysis analyze() const;
    std::vector<GraphIssue> validate() const { return analyze().issues; }
    // Every node's output shape; throws ModelError listing the problems when the graph is not valid.
    std::map<std::string, Shape> inferShapes() const;
    // Throws ModelError listing the problems when the graph is not valid.
    ParamCount parameterCount() const;
    // Keras-style table: layer (type), output shape, parameters (and inputs for branching graphs), totals.
    std::string summary() const;

    // An id not used yet, from a kind: "Conv2D" -> "conv2d_3".
    std::string uniqueId(const std::string& kind) const;

    bool operator==(const ModelGraph& o) const
    {
        return m_name == o.m_name && m_description == o.m_description && m_nodes == o.m_nodes
            && m_edges == o.m_edges;
    }
    bool operator!=(const ModelGraph& o) const { return !(*this == o); }

private:
    Node* findNodeMutable(const std::string& id);

    std::string m_name = "model";
    std::string m_description;
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
};

// "node 'dense_1' (Dense): message" or the message alone for the model; several issues one per line.
std::string formatIssues(const ModelGraph& graph, const std::vector<GraphIssue>& issues);

} // namespace neurino
