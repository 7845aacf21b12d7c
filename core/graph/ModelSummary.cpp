// ModelGraph::summary(): the Keras-style table students compare with the lecture's notebooks.
#include "core/graph/ModelGraph.h"

#include <algorithm>
#include <sstream>

namespace neurino {

namespace {

std::string pad(const std::string& text, std::size_t width)
{
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string rtrim(std::string text)
{
    text.erase(text.find_last_not_of(' ') + 1);
    return text;
}

// One line of the table.
struct Row {
    std::string layer, shape, params, inputs;
};

// The rows in topological order (none when the graph has a cycle), "?" where a shape or count is unknown.
std::vector<Row> summaryRows(const ModelGraph& graph, const GraphAnalysis& a)
{
    std::vector<Row> rows;
    for (const auto& id : a.order) {
        const Node& n = graph.node(id);
        Row r;
        r.layer = n.name + " (" + n.layer.kind + ")";
        auto s = a.shapes.find(id);
        r.shape = s == a.shapes.end() ? "?" : formatShape(s->second, /*withBatch=*/true);
        auto p = a.params.find(id);
        r.params = p == a.params.end() ? "?" : formatCount(p->second.total());
        for (const auto& in : graph.inputsOf(id))
            r.inputs += (r.inputs.empty() ? "" : ", ") + graph.node(in).name;
        rows.push_back(r);
    }
    return rows;
}

// The totals under the table and the graph's problems, if any.
void writeFooter(std::ostream& out, const ModelGraph& graph, const GraphAnalysis& a, const std::string& thin,
    const std::string& thick)
{
    const ParamCount total = a.totalParams();
    out << thick << "\n";
    out << "Total params: " << formatCount(total.total()) << "\n";
    out << "Trainable params: " << formatCount(total.trainable) << "\n";
    out << "Non-trainable params: " << formatCount(total.nonTrainable) << "\n";
    out << thin << "\n";
    if (!a.ok()) {
        out << "Problems:\n";
        for (const auto& issue : a.issues) {
            const Node* n = graph.findNode(issue.nodeId);
            out << "  - " << (n ? "node '" + n->id + "' (" + n->layer.kind + "): " : "") << issue.message
                << "\n";
        }
    }
}

} // namespace

std::string ModelGraph::summary() const
{
    const GraphAnalysis a = analyze();
    bool branching = false;
    for (const auto& n : m_nodes)
        branching = branching || inputsOf(n.id).size() > 1 || outputsOf(n.id).size() > 1;
    const std::vector<Row> rows = summaryRows(*this, a);

    std::size_t wLayer = 28, wShape = 26, wParams = 12;
    for (const auto& r : rows) {
        wLayer = std::max(wLayer, r.layer.size() + 3);
        wShape = std::max(wShape, r.shape.size() + 2);
        wParams = std::max(wParams, r.params.size() + 2);
    }
    const std::size_t width = wLayer + wShape + wParams + (branching ? 20 : 0);
    const std::string thin(width, '_');
    const std::string thick(width, '=');

    std::ostringstream out;
    out << "Model: \"" << m_name << "\"\n" << thin << "\n";
    std::string header = pad(" Layer (type)", wLayer) + pad("Output Shape", wShape) + pad("Param #", wParams);
    out << rtrim(branching ? header + "Connected to" : header) << "\n" << thick << "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        const std::string line = pad(" " + r.layer, wLayer) + pad(r.shape, wShape) + pad(r.params, wParams);
        out << rtrim(branching ? line + r.inputs : line) << "\n";
        if (i + 1 < rows.size())
            out << "\n";
    }
    writeFooter(out, *this, a, thin, thick);
    return out.str();
}

} // namespace neurino
