#pragma once

#include "core/graph/ModelGraph.h"

#include <QByteArray>
#include <QPointF>

#include <optional>
#include <string>
#include <vector>

namespace neurino {

// Copy and paste of parts of a graph. A copied selection is an ordinary model document (the file format),
// so a whole *.neurino.json copied from a text editor pastes too.
class GraphClipboard {
public:
    // The MIME type on the system clipboard, beside text/plain.
    static constexpr const char* kMimeType = "application/x-neurino-model+json";

    struct Fragment {
        std::vector<Node> nodes;
        std::vector<Edge> edges;
    };

    // The nodes `ids` and the edges among them, as model JSON text.
    static QByteArray copy(const ModelGraph& graph, const std::vector<std::string>& ids);

    // Reads copied text and gives its nodes fresh ids and names that do not clash with `into`; positions are
    // moved so that the fragment's top-left corner lands on `at`, or by `offset` when `at` is not given.
    // Throws ModelError when the text is no model.
    static Fragment paste(
        const ModelGraph& into, const QByteArray& text, std::optional<QPointF> at, QPointF offset = {});

    // The system clipboard.
    static void put(const QByteArray& text);
    static QByteArray get();
};

} // namespace neurino
