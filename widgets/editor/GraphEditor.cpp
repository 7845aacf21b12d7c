#include "widgets/editor/GraphEditor.h"

#include "widgets/editor/AddNodesCommand.h"
#include "widgets/editor/ConnectCommand.h"
#include "widgets/editor/DisconnectCommand.h"
#include "widgets/editor/GraphClipboard.h"
#include "widgets/editor/GraphLayout.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/MoveNodesCommand.h"
#include "widgets/editor/NodeStyle.h"
#include "widgets/editor/RemoveNodesCommand.h"
#include "widgets/editor/RenameNodeCommand.h"
#include "widgets/editor/SetParamsCommand.h"

#include "core/util/Error.h"

#include <QUndoStack>

#include <cmath>
#include <set>

namespace neurino {

namespace {

std::string ss(const QString& text)
{
    return text.toStdString();
}

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// Where a pasted copy lands when there is no cursor position: down and right of the original.
constexpr double kPasteOffset = 36;

} // namespace

GraphEditor::GraphEditor(GraphModel* model, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_undoStack(new QUndoStack(this))
{
}

void GraphEditor::resetGraph(const ModelGraph& graph)
{
    m_undoStack->clear();
    m_model->setGraph(graph);
    m_undoStack->setClean();
}

QString GraphEditor::addLayer(const QString& kind, QPointF topLeft)
{
    try {
        ModelGraph scratch = m_model->graph();
        const nlohmann::json params = LayerRegistry::instance().defaultParams(ss(kind));
        const std::string id
            = scratch.addNode(ss(kind), params, {}, std::round(topLeft.x()), std::round(topLeft.y()));
        const Node node = scratch.node(id);
        m_undoStack->push(new AddNodesCommand(m_model, { node }, {}, tr("Add %1").arg(qs(node.layer.kind))));
        emit nodesCreated({ qs(id) });
        return qs(id);
    } catch (const Error& e) {
        emit message(qs(e.what()));
        return {};
    }
}

QPointF GraphEditor::freeSpotBelow(const Node& source) const
{
    QPointF spot(source.x, source.y + NodeStyle::kHeight + NodeStyle::kLayerGap);
    auto occupied = [&](QPointF p) {
        for (const Node& n : m_model->graph().nodes()) {
            if (std::abs(n.x - p.x()) < NodeStyle::kWidth && std::abs(n.y - p.y()) < NodeStyle::kHeight)
                return true;
        }
        return false;
    };
    while (occupied(spot))
        spot.rx() += NodeStyle::kWidth + NodeStyle::kSiblingGap;
    return spot;
}

QString GraphEditor::addLayerAfter(const QString& kind, const QString& source, std::optional<QPointF> topLeft)
{
    const Node* from = m_model->graph().findNode(ss(source));
    if (!from)
        return addLayer(kind, topLeft.value_or(QPointF()));
    try {
        ModelGraph scratch = m_model->graph();
        const QPointF at = topLeft.value_or(freeSpotBelow(*from));
        const nlohmann::json params = LayerRegistry::instance().defaultParams(ss(kind));
        const std::string id = scratch.addNode(ss(kind), params, {}, std::round(at.x()), std::round(at.y()));
        const Node node = scratch.node(id);
        std::vector<Edge> edges;
        if (LayerRegistry::instance().kind(node.layer.kind).maxInputs != 0)
            edges.push_back({ from->id, id, 0 });
        m_undoStack->push(new AddNodesCommand(
            m_model, { node }, edges, tr("Add %1 after %2").arg(qs(node.layer.kind), qs(from->name))));
        emit nodesCreated({ qs(id) });
        return qs(id);
    } catch (const Error& e) {
        emit message(qs(e.what()));
        return {};
    }
}

bool GraphEditor::reaches(const std::string& from, const std::string& to) const
{
    std::set<std::string> seen;
    std::vector<std::string> todo { from };
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        if (id == to)
            return true;
        if (!seen.insert(id).second)
            continue;
        for (const std::string& next : m_model->graph().outputsOf(id))
            todo.push_back(next);
    }
    return false;
}

QString GraphEditor::connectionRefusal(const QString& from, const QString& to) const
{
    const ModelGraph& g = m_model->graph();
    const Node* source = g.findNode(ss(from));
    const Node* target = g.findNode(ss(to));
    if (!source || !target)
        return tr("There is no such layer.");
    if (source->id == target->id)
        return tr("A layer cannot feed itself.");
    const LayerKind& kind = LayerRegistry::instance().kind(target->layer.kind);
    if (kind.maxInputs == 0)
        return tr("%1 is an Input: data enters the network there, nothing can feed it.")
            .arg(qs(target->name));
    if (source->layer.kind == "Output")
        return tr("%1 is the Output: it ends the network and feeds nothing.").arg(qs(source->name));
    if (g.hasEdge(source->id, target->id))
        return tr("%1 already feeds %2.").arg(qs(source->name), qs(target->name));
    if (reaches(target->id, source->id))
        return tr(
            "Connecting %1 to %2 would make a loop: data must flow one way, from the inputs to the output.")
            .arg(qs(source->name), qs(target->name));
    return {};
}

bool GraphEditor::connectNodes(const QString& from, const QString& to)
{
    const QString refusal = connectionRefusal(from, to);
    if (!refusal.isEmpty()) {
        emit message(refusal);
        return false;
    }
    try {
        const ModelGraph& g = m_model->graph();
        const LayerKind& kind = LayerRegistry::instance().kind(g.node(ss(to)).layer.kind);
        const std::vector<std::string> inputs = g.inputsOf(ss(to));
        int port = 0;
        for (const Edge& e : g.edges()) {
            if (e.to == ss(to))
                port = std::max(port, e.port + 1);
        }
        if (kind.maxInputs == 1 && !inputs.empty()) {
            // A layer with one input is re-wired, not refused: the old connection is replaced.
            m_undoStack->beginMacro(tr("Connect %1 to %2").arg(from, to));
            for (const std::string& old : inputs)
                m_undoStack->push(new DisconnectCommand(m_model, old, ss(to)));
            m_undoStack->push(new ConnectCommand(m_model, { ss(from), ss(to), 0 }));
            m_undoStack->endMacro();
            emit message(tr("%1 now feeds %2 (replacing %3).").arg(from, to, qs(inputs.front())));
        } else {
            m_undoStack->push(new ConnectCommand(m_model, { ss(from), ss(to), port }));
        }
        return true;
    } catch (const Error& e) {
        emit message(qs(e.what()));
        return false;
    }
}

bool GraphEditor::disconnectNodes(const QString& from, const QString& to)
{
    if (!m_model->graph().hasEdge(ss(from), ss(to)))
        return false;
    m_undoStack->push(new DisconnectCommand(m_model, ss(from), ss(to)));
    return true;
}

void GraphEditor::removeItems(const QStringList& nodeIds, const QList<QPair<QString, QString>>& edges)
{
    std::vector<std::string> ids;
    for (const QString& id : nodeIds) {
        if (m_model->graph().hasNode(ss(id)))
            ids.push_back(ss(id));
    }
    std::vector<std::pair<std::string, std::string>> links;
    for (const auto& e : edges) {
        if (m_model->graph().hasEdge(ss(e.first), ss(e.second)))
            links.emplace_back(ss(e.first), ss(e.second));
    }
    if (ids.empty() && links.empty())
        return;
    m_undoStack->push(new RemoveNodesCommand(m_model, ids, links));
}

void GraphEditor::moveNodes(const QHash<QString, QPointF>& positions, bool mergeable, const QString& text)
{
    MoveNodesCommand::Moves moves;
    for (auto it = positions.begin(); it != positions.end(); ++it) {
        const Node* n = m_model->graph().findNode(ss(it.key()));
        if (!n)
            continue;
        const QPointF old(n->x, n->y);
        const QPointF now(std::round(it.value().x()), std::round(it.value().y()));
        if (old != now)
            moves[n->id] = { old, now };
    }
    if (moves.empty())
        return;
    QString label = text;
    if (label.isEmpty()) {
        label = moves.size() == 1 ? tr("Move %1").arg(qs(m_model->graph().node(moves.begin()->first).name))
                                  : tr("Move %n layer(s)", nullptr, static_cast<int>(moves.size()));
    }
    m_undoStack->push(new MoveNodesCommand(m_model, std::move(moves), label, mergeable));
}

void GraphEditor::autoLayout(QSizeF viewport)
{
    QHash<QString, QPointF> positions;
    for (const auto& [id, pos] : GraphLayout::compute(m_model->graph(), viewport))
        positions.insert(qs(id), pos);
    moveNodes(positions, false, tr("Auto layout"));
}

bool GraphEditor::setParam(const QString& id, const QString& param, const nlohmann::json& value, QString* why)
{
    try {
        const Node& n = m_model->graph().node(ss(id));
        nlohmann::json params = n.layer.params;
        params[ss(param)] = value;
        nlohmann::json canonical = LayerRegistry::instance().canonicalParams(n.layer.kind, params);
        if (canonical == n.layer.params)
            return true;
        m_undoStack->push(
            new SetParamsCommand(m_model, n.id, n.layer.params, std::move(canonical), ss(param)));
        return true;
    } catch (const Error& e) {
        if (why)
            *why = qs(e.what());
        emit message(tr("Layer %1: %2").arg(id, qs(e.what())));
        return false;
    }
}

bool GraphEditor::renameNode(const QString& id, const QString& name)
{
    const Node* n = m_model->graph().findNode(ss(id));
    const QString trimmed = name.trimmed();
    if (!n)
        return false;
    if (trimmed.isEmpty()) {
        emit message(tr("A layer needs a name; %1 keeps its name %2.").arg(id, qs(n->name)));
        return false;
    }
    if (ss(trimmed) == n->name)
        return true;
    m_undoStack->push(new RenameNodeCommand(m_model, n->id, n->name, ss(trimmed)));
    return true;
}

QByteArray GraphEditor::copyNodes(const QStringList& ids) const
{
    std::vector<std::string> chosen;
    for (const QString& id : ids)
        chosen.push_back(ss(id));
    return GraphClipboard::copy(m_model->graph(), chosen);
}

QStringList GraphEditor::pasteText(const QByteArray& text, std::optional<QPointF> at)
{
    return insertCopy(text, at, tr("Paste"));
}

QStringList GraphEditor::insertCopy(const QByteArray& text, std::optional<QPointF> at, const QString& verb)
{
    try {
        GraphClipboard::Fragment fragment
            = GraphClipboard::paste(m_model->graph(), text, at, QPointF(kPasteOffset, kPasteOffset));
        if (fragment.nodes.empty())
            return {};
        QStringList ids;
        for (const Node& n : fragment.nodes)
            ids << qs(n.id);
        const int count = static_cast<int>(fragment.nodes.size());
        m_undoStack->push(new AddNodesCommand(m_model, std::move(fragment.nodes), std::move(fragment.edges),
            tr("%1 %n layer(s)", nullptr, count).arg(verb)));
        emit nodesCreated(ids);
        return ids;
    } catch (const Error& e) {
        emit message(tr("Nothing pasted: %1").arg(qs(e.what())));
        return {};
    }
}

QStringList GraphEditor::duplicate(const QStringList& ids)
{
    if (ids.isEmpty())
        return {};
    return insertCopy(copyNodes(ids), std::nullopt, tr("Duplicate"));
}

} // namespace neurino
