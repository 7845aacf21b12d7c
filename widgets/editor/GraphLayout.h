#pragma once

#include "core/graph/ModelGraph.h"

#include <QPointF>
#include <QSizeF>

#include <map>
#include <string>
#include <vector>

namespace neurino {

// Automatic layered layout (Sugiyama style): nodes are put in layers by their longest path from an input,
// so data flows downwards; the order within each layer is improved by barycentre sweeps to reduce
// crossings. A deep, narrow network is folded into side-by-side columns so that it fits a screen at a
// readable zoom, as a long text is set in columns.
class GraphLayout {
public:
    // The layer of every node (0 for inputs); nodes on a cycle keep their place in the node list.
    static std::map<std::string, int> layers(const ModelGraph& graph);

    // The nodes of each layer in drawing order (left to right).
    static std::vector<std::vector<std::string>> orderedLayers(const ModelGraph& graph);

    // Top-left positions of every node, for a view of `viewport` size (scene units).
    static std::map<std::string, QPointF> compute(const ModelGraph& graph, QSizeF viewport);
};

} // namespace neurino
