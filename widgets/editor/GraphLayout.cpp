#include "widgets/editor/GraphLayout.h"

#include "widgets/editor/NodeStyle.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

// Sweeps of barycentre ordering; a handful settles any network a student draws.
constexpr int kSweeps = 6;

std::vector<std::string> flowOrder(const ModelGraph& graph)
{
    try {
        return graph.topologicalOrder();
    } catch (const Error&) {
        std::vector<std::string> ids;
        for (const Node& n : graph.nodes())
            ids.push_back(n.id);
        return ids;
    }
}

// Mean position of a node's neighbours in the neighbouring layer; -1 when it has none there.
double barycentre(const std::vector<std::string>& neighbours, const std::map<std::string, double>& position)
{
    double sum = 0;
    int count = 0;
    for (const auto& n : neighbours) {
        auto it = position.find(n);
        if (it != position.end()) {
            sum += it->second;
            ++count;
        }
    }
    return count ? sum / count : -1;
}

void sortLayer(std::vector<std::string>& layer, const std::map<std::string, double>& key)
{
    std::stable_sort(layer.begin(), layer.end(),
        [&](const std::string& a, const std::string& b) { return key.at(a) < key.at(b); });
}

} // namespace

std::map<std::string, int> GraphLayout::layers(const ModelGraph& graph)
{
    std::map<std::string, int> layer;
    bool acyclic = true;
    try {
        graph.topologicalOrder();
    } catch (const Error&) {
        acyclic = false;
    }
    for (const std::string& id : flowOrder(graph)) {
        int l = 0;
        if (acyclic) {
            for (const std::string& in : graph.inputsOf(id)) {
                auto it = layer.find(in);
                if (it != layer.end())
                    l = std::max(l, it->second + 1);
            }
        } else {
            l = static_cast<int>(layer.size());
        }
        layer[id] = l;
    }
    return layer;
}

std::vector<std::vector<std::string>> GraphLayout::orderedLayers(const ModelGraph& graph)
{
    const std::map<std::string, int> layerOf = layers(graph);
    int count = 0;
    for (const auto& [id, l] : layerOf)
        count = std::max(count, l + 1);
    std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(count));
    for (const std::string& id : flowOrder(graph))
        rows[static_cast<std::size_t>(layerOf.at(id))].push_back(id);

    // Start from the nodes' current left-to-right order, which is what the user arranged.
    for (auto& row : rows) {
        std::stable_sort(row.begin(), row.end(),
            [&](const std::string& a, const std::string& b) { return graph.node(a).x < graph.node(b).x; });
    }
    std::map<std::string, double> position;
    auto record = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size(); ++i)
            position[row[i]] = static_cast<double>(i);
    };
    for (const auto& row : rows)
        record(row);
    for (int sweep = 0; sweep < kSweeps; ++sweep) {
        const bool down = sweep % 2 == 0;
        for (std::size_t k = 1; k < rows.size(); ++k) {
            auto& row = down ? rows[k] : rows[rows.size() - 1 - k];
            std::map<std::string, double> key;
            for (const std::string& id : row) {
                const double b = barycentre(down ? graph.inputsOf(id) : graph.outputsOf(id), position);
                key[id] = b < 0 ? position[id] : b;
            }
            sortLayer(row, key);
            record(row);
        }
    }
    return rows;
}

std::map<std::string, QPointF> GraphLayout::compute(const ModelGraph& graph, QSizeF viewport)
{
    const auto rows = orderedLayers(graph);
    std::map<std::string, QPointF> result;
    if (rows.empty())
        return result;

    std::size_t widest = 1;
    for (const auto& row : rows)
        widest = std::max(widest, row.size());
    const double bandWidth = widest * NodeStyle::kWidth + (widest - 1) * NodeStyle::kSiblingGap;
    const double rowHeight = NodeStyle::kHeight + NodeStyle::kLayerGap;
    const int layerCount = static_cast<int>(rows.size());

    // Fold into as many columns as give the largest zoom (never above 100 %), and no more.
    const double viewW = viewport.width() > 0 ? viewport.width() : 1200;
    const double viewH = viewport.height() > 0 ? viewport.height() : 800;
    int bands = 1;
    double bestScale = 0;
    for (int b = 1; b <= layerCount; ++b) {
        const int perBand = (layerCount + b - 1) / b;
        const double w = b * bandWidth + (b - 1) * NodeStyle::kBandGap + 2 * NodeStyle::kSiblingGap;
        const double h = perBand * rowHeight + NodeStyle::kLayerGap;
        const double scale = std::min({ 1.0, viewW / w, viewH / h });
        if (scale > bestScale * 1.04) {
            bestScale = scale;
            bands = b;
        }
    }
    const int perBand = (layerCount + bands - 1) / bands;

    for (int l = 0; l < layerCount; ++l) {
        const auto& row = rows[static_cast<std::size_t>(l)];
        const int band = l / perBand;
        const int rowInBand = l % perBand;
        const double rowWidth = row.size() * NodeStyle::kWidth + (row.size() - 1) * NodeStyle::kSiblingGap;
        const double left = band * (bandWidth + NodeStyle::kBandGap) + (bandWidth - rowWidth) / 2;
        for (std::size_t i = 0; i < row.size(); ++i) {
            const double x = left + i * (NodeStyle::kWidth + NodeStyle::kSiblingGap);
            result[row[i]] = QPointF(std::round(x), rowInBand * rowHeight);
        }
    }
    return result;
}

} // namespace neurino
