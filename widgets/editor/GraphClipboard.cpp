#include "widgets/editor/GraphClipboard.h"

#include "core/graph/ModelJson.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace neurino {

QByteArray GraphClipboard::copy(const ModelGraph& graph, const std::vector<std::string>& ids)
{
    const std::set<std::string> chosen(ids.begin(), ids.end());
    ModelGraph part;
    part.setName(graph.name());
    for (const Node& n : graph.nodes()) {
        if (chosen.count(n.id))
            part.insertNode(n);
    }
    for (const Edge& e : graph.edges()) {
        if (chosen.count(e.from) && chosen.count(e.to))
            part.connect(e.from, e.to, e.port);
    }
    return QByteArray::fromStdString(modelToString(part));
}

GraphClipboard::Fragment GraphClipboard::paste(
    const ModelGraph& into, const QByteArray& text, std::optional<QPointF> at, QPointF offset)
{
    const ModelGraph part = modelFromString(text.toStdString(), "the clipboard");
    ModelGraph scratch = into; // reserves ids and names as they are handed out
    std::set<std::string> names;
    for (const Node& n : into.nodes())
        names.insert(n.name);

    double left = std::numeric_limits<double>::max();
    double top = std::numeric_limits<double>::max();
    for (const Node& n : part.nodes()) {
        left = std::min(left, n.x);
        top = std::min(top, n.y);
    }
    const QPointF shift = at ? QPointF(at->x() - left, at->y() - top) : offset;

    Fragment fragment;
    std::map<std::string, std::string> newIds;
    for (const Node& n : part.nodes()) {
        Node copy = n;
        copy.id = scratch.uniqueId(n.layer.kind);
        if (n.name == n.id || names.count(n.name)) {
            copy.name = copy.id;
            for (int i = 2; names.count(copy.name); ++i)
                copy.name = copy.id + "_" + std::to_string(i);
        }
        copy.x = n.x + shift.x();
        copy.y = n.y + shift.y();
        names.insert(copy.name);
        scratch.insertNode(copy);
        newIds[n.id] = copy.id;
        fragment.nodes.push_back(copy);
    }
    for (const Edge& e : part.edges())
        fragment.edges.push_back({ newIds.at(e.from), newIds.at(e.to), e.port });
    return fragment;
}

void GraphClipboard::put(const QByteArray& text)
{
    auto* data = new QMimeData;
    data->setData(kMimeType, text);
    data->setText(QString::fromUtf8(text));
    QGuiApplication::clipboard()->setMimeData(data);
}

QByteArray GraphClipboard::get()
{
    const QMimeData* data = QGuiApplication::clipboard()->mimeData();
    if (!data)
        return {};
    if (data->hasFormat(kMimeType))
        return data->data(kMimeType);
    return data->text().toUtf8();
}

} // namespace neurino
