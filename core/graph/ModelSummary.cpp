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

} // namespace

std::string ModelGraph::summary() const
{
    const GraphAnalysis a = analyze();
    bool branching = false;
    for (const auto& n : m_nodes)
        branching = branching || inputsOf(n.id).size() > 1 || outputsOf(n.id).size() > 1;

    struct Row {
        std::string layer, shape, params, inputs;
    };
    std::vector<Row> rows;
    const std::vector<std::string>& order = a.order.empty() ? std::vector<std::string>() : a.order;
    for (const auto& id : order) {
        const Node& n = node(id);
        Row r;
        r.layer = n.name + " (" + n.layer.kind + ")";
        auto s = a.shapes.find(id);
        r.shape = s == a.shapes.end() ? "?" : formatShape(s->second, /*withBatch=*/true);
        auto p = a.params.find(id);
        r.params = p == a.params.end() ? "?" : formatCount(p->second.total());
        for (const auto& in : inputsOf(id))
            r.inputs += (r.inputs.empty() ? "" : ", ") + node(in).name;
        rows.push_back(r);
    }

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
    const ParamCount total = a.totalParams();
    out << thick << "\n";
    out << "Total params: " << formatCount(total.total()) << "\n";
    out << "Trainable params: " << formatCount(total.trainable) << "\n";
    out << "Non-trainable params: " << formatCount(total.nonTrainable) << "\n";
    out << thin << "\n";
    if (!a.ok()) {
        out << "Problems:\n";
        for (const auto& issue : a.issues) {
            const Node* n = findNode(issue.nodeId);
            out << "  - " << (n ? "node '" + n->id + "' (" + n->layer.kind + "): " : "") << issue.message << "\n";
        }
    }
    return out.str();
}

} // namespace neurino
