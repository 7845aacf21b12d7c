// Soak test of the workbench (issue 18): for a set time, drives the real MainWindow offscreen through random
// editor operations (add, connect, set parameters, rename, move, delete, cut, copy, paste, duplicate, undo,
// redo, layout, templates, lessons, save and reopen) and starts, pauses, resumes and stops short trainings,
// checking after every step that
//   - the model is valid, or its problems are listed (each naming a layer that exists) as a fresh analysis
//     lists them, in the Problems panel too; a valid model has every layer's shape;
//   - the canvas shows exactly the model's layers and connections, where the model puts them;
//   - undo, then redo, returns the exact graph (its JSON) of before and after every edit, and every undo or
//     redo gives back the graph that was there at that point of the history; a refused edit changes nothing;
//   - the document's unsaved mark follows the undo stack; no dialog blocks the window;
// and recording the resident memory. The random generator's seed is printed; `--seed` replays a run and
// `--steps` stops it at a step (the edits replay exactly; the trainings' timing may differ).
//   soak_workbench [--seconds S] [--seed N] [--steps N] [--report S]
#include "app/gui/EditorActions.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/editor/EdgeItem.h"
#include "widgets/editor/GraphClipboard.h"
#include "widgets/editor/GraphEditor.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/editor/ProblemsDock.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingDock.h"

#include "core/graph/LayerRegistry.h"
#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace neurino;

namespace {

// Trainings in the soak are short: a few hundred generated samples, a few epochs.
constexpr int kTrainEvents = 240;
constexpr int kTrainEpochs = 4;
// Models larger than this are not trained (random layers can make huge ones; the soak is about the
// workbench, not about memory for weights).
constexpr std::int64_t kMaxTrainedParams = 2'000'000;
// The templates a training starts from when the canvas's model cannot train.
constexpr const char* kTrainedTemplates[] = { "xor_mlp", "shapes_dense", "shapes_cnn", "higgs_shallow" };

qint64 residentKiB()
{
    QFile status("/proc/self/status");
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

std::string graphJson(const ModelGraph& graph)
{
    return modelToJson(graph).dump();
}

ModelGraph withoutPositions(ModelGraph graph)
{
    for (const Node& node : std::vector<Node>(graph.nodes()))
        graph.setPosition(node.id, 0, 0);
    return graph;
}

class Soak {
public:
    Soak(MainWindow* window, std::uint64_t seed, const QString& workDir)
        : m_window(window)
        , m_doc(window->document())
        , m_editor(window->document()->editor())
        , m_rng(seed)
        , m_seed(seed)
        , m_workDir(workDir)
    {
        for (const LayerKind& kind : LayerRegistry::instance().kinds())
            m_kinds.push_back(kind.name);
        m_templates = ModelDocument::templateNames();
        for (QAction* action : m_window->findChildren<QAction*>()) {
            if (action->objectName().startsWith("exercise_"))
                m_lessons << action;
        }
    }

    // Runs until `seconds` pass or `maxSteps` steps are done; false when an invariant broke.
    bool run(double seconds, long maxSteps, double reportSeconds);

private:
    struct Op {
        const char* name;
        int weight;
        std::function<bool()> step; // true when the step was an edit of the graph
    };

    std::vector<Op> operations();
    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
    bool chance(double p) { return std::bernoulli_distribution(p)(m_rng); }
    const ModelGraph& graph() const { return m_doc->model()->graph(); }
    QString randomNode();
    QStringList randomNodes();
    QPointF randomPoint() { return QPointF(uniform(-400, 1600), uniform(-300, 1200)); }
    nlohmann::json randomValue(const ParamSpec& spec);
    QAction* action(const QString& text) const;
    void trigger(const QString& text);
    void select(const QStringList& ids) { m_window->scene()->selectNodes(ids); }

    // Invariants; each records a failure and returns false.
    bool fail(const std::string& what);
    bool checkAll();
    bool checkProblems();
    bool checkScene();
    bool checkHistory();
    bool afterEdit(const std::string& before, int indexBefore);
    void resetHistory();

    void report(double seconds);

    MainWindow* m_window;
    ModelDocument* m_doc;
    GraphEditor* m_editor;
    std::mt19937_64 m_rng;
    std::uint64_t m_seed;
    QString m_workDir;
    std::vector<std::string> m_kinds;
    QStringList m_templates;
    QList<QAction*> m_lessons;

    // The graph's JSON at each index of the undo stack that this history has seen.
    std::map<int, std::string> m_history;
    long m_steps = 0;
    long m_checks = 0;
    long m_edits = 0;
    long m_refused = 0;
    long m_runsStarted = 0;
    std::map<std::string, long> m_counts;
    std::string m_failure;
    std::string m_op;
    qint64 m_rssStart = 0;
    qint64 m_rssPeak = 0;
};

QString Soak::randomNode()
{
    const auto& nodes = graph().nodes();
    if (nodes.empty())
        return {};
    return QString::fromStdString(nodes[std::size_t(uniform(0, int(nodes.size()) - 1))].id);
}

QStringList Soak::randomNodes()
{
    QStringList ids;
    for (const Node& node : graph().nodes()) {
        if (chance(0.3))
            ids << QString::fromStdString(node.id);
    }
    if (ids.isEmpty() && !graph().nodes().empty())
        ids << randomNode();
    return ids;
}

// Mostly values the parameter allows, sometimes ones it refuses (out of range, wrong type, unknown choice).
nlohmann::json Soak::randomValue(const ParamSpec& spec)
{
    if (chance(0.08)) {
        switch (uniform(0, 3)) {
        case 0:
            return "bogus";
        case 1:
            return -7;
        case 2:
            return nlohmann::json::array({ 1, "x" });
        default:
            return nullptr;
        }
    }
    const auto pick = [this](const std::vector<std::string>& choices) {
        return choices.empty() ? std::string("none")
                               : choices[std::size_t(uniform(0, int(choices.size()) - 1))];
    };
    switch (spec.type) {
    case ParamType::Int: {
        const int lo = int(std::max(spec.minValue, -2.0));
        const int hi = int(std::min(spec.maxValue, 16.0));
        return uniform(lo, std::max(lo, hi));
    }
    case ParamType::Float: {
        const double lo = std::max(spec.minValue, -1.0);
        const double hi = std::min(spec.maxValue, 2.0);
        return std::uniform_real_distribution<double>(lo, std::max(lo, hi))(m_rng);
    }
    case ParamType::Bool:
        return chance(0.5);
    case ParamType::Choice:
        return pick(spec.choices);
    case ParamType::Text:
        return "t" + std::to_string(uniform(0, 99));
    case ParamType::IntPair:
        return chance(0.5) ? nlohmann::json(uniform(1, 4))
                           : nlohmann::json::array({ uniform(1, 4), uniform(1, 4) });
    case ParamType::ChoicePair:
        return chance(0.5) ? nlohmann::json(pick(spec.choices))
                           : nlohmann::json::array({ pick(spec.choices), pick(spec.choices) });
    case ParamType::IntList: {
        nlohmann::json list = nlohmann::json::array();
        for (int i = uniform(1, 3); i > 0; --i)
            list.push_back(uniform(1, 16));
        return list;
    }
    case ParamType::ChoiceList: {
        nlohmann::json list = nlohmann::json::array();
        for (const std::string& choice : spec.choices) {
            if (chance(0.4))
                list.push_back(choice);
        }
        return list;
    }
    }
    return nullptr;
}

QAction* Soak::action(const QString& text) const
{
    for (QAction* a : m_window->findChildren<QAction*>()) {
        if (a->text() == text)
            return a;
    }
    std::fprintf(stderr, "soak_workbench: the window has no action '%s'\n", qPrintable(text));
    std::exit(2);
}

void Soak::trigger(const QString& text)
{
    QAction* a = action(text);
    if (a->isEnabled())
        a->trigger();
}

std::vector<Soak::Op> Soak::operations()
{
    TrainingDock* dock = m_window->trainingWorkspace()->dock();
    RunScheduler* scheduler = m_window->trainingWorkspace()->scheduler();
    return {
        { "add layer", 10,
            [this] {
                m_editor->addLayer(
                    QString::fromStdString(m_kinds[std::size_t(uniform(0, int(m_kinds.size()) - 1))]),
                    randomPoint());
                return true;
            } },
        { "add layer after", 8,
            [this] {
                const QString source = randomNode();
                if (source.isEmpty())
                    return false;
                const std::string& kind = m_kinds[std::size_t(uniform(0, int(m_kinds.size()) - 1))];
                m_editor->addLayerAfter(QString::fromStdString(kind), source);
                return true;
            } },
        { "connect", 10,
            [this] {
                const QString from = randomNode(), to = randomNode();
                if (from.isEmpty())
                    return false;
                m_editor->connectNodes(from, to);
                return true;
            } },
        { "disconnect", 4,
            [this] {
                const auto& edges = graph().edges();
                if (edges.empty())
                    return false;
                const Edge& e = edges[std::size_t(uniform(0, int(edges.size()) - 1))];
                m_editor->disconnectNodes(QString::fromStdString(e.from), QString::fromStdString(e.to));
                return true;
            } },
        { "set parameter", 14,
            [this] {
                const QString id = randomNode();
                if (id.isEmpty())
                    return false;
                const LayerKind* kind
                    = LayerRegistry::instance().find(graph().node(id.toStdString()).layer.kind);
                if (!kind || kind->params.empty())
                    return false;
                const ParamSpec& spec = kind->params[std::size_t(uniform(0, int(kind->params.size()) - 1))];
                m_editor->setParam(id, QString::fromStdString(spec.name), randomValue(spec));
                return true;
            } },
        { "rename", 3,
            [this] {
                const QString id = randomNode();
                if (id.isEmpty())
                    return false;
                // Sometimes another layer's name or an empty one: the editor must refuse those.
                const QString name = chance(0.2) ? randomNode()
                    : chance(0.1)                ? QString()
                                                 : QString("layer_%1").arg(uniform(0, 30));
                m_editor->renameNode(id, name);
                return true;
            } },
        { "move", 4,
            [this] {
                QHash<QString, QPointF> positions;
                for (const QString& id : randomNodes())
                    positions.insert(id, randomPoint());
                if (positions.isEmpty())
                    return false;
                m_editor->moveNodes(positions, /*mergeable=*/chance(0.5));
                return true;
            } },
        { "delete", 4,
            [this] {
                select(randomNodes());
                trigger("&Delete");
                return true;
            } },
        { "cut", 2,
            [this] {
                select(randomNodes());
                trigger("Cu&t");
                return true;
            } },
        { "copy", 3,
            [this] {
                select(randomNodes());
                trigger("&Copy");
                return false;
            } },
        { "paste", 5,
            [this] {
                trigger("&Paste");
                return true;
            } },
        { "paste text", 1,
            [this] {
                // Whatever a user copied elsewhere: garbage, a whole template, an empty clipboard.
                const int what = uniform(0, 2);
                if (what == 0) {
                    GraphClipboard::put("{\"nodes\": [{\"id\": 3}]} not a model");
                } else if (what == 1 && !m_templates.isEmpty()) {
                    QFile file(QString::fromStdString(
                        templatePath(m_templates[uniform(0, int(m_templates.size()) - 1)].toStdString())));
                    if (file.open(QIODevice::ReadOnly))
                        GraphClipboard::put(file.readAll());
                } else {
                    GraphClipboard::put({});
                }
                trigger("&Paste");
                return true;
            } },
        { "duplicate", 3,
            [this] {
                select(randomNodes());
                trigger("D&uplicate");
                return true;
            } },
        { "select all and delete", 1,
            [this] {
                trigger("Select &All");
                trigger("&Delete");
                return true;
            } },
        { "auto layout", 1,
            [this] {
                trigger("Auto &Layout");
                return true;
            } },
        { "undo", 8,
            [this] {
                m_window->editorActions()->undoAction()->trigger();
                return false;
            } },
        { "redo", 6,
            [this] {
                m_window->editorActions()->redoAction()->trigger();
                return false;
            } },
        { "open template", 2,
            [this] {
                if (!m_templates.isEmpty())
                    m_doc->newFromTemplate(m_templates[uniform(0, int(m_templates.size()) - 1)]);
                resetHistory();
                return false;
            } },
        { "open lesson", 1,
            [this] {
                QAction* lesson = m_lessons.value(uniform(0, int(m_lessons.size()) - 1));
                if (lesson && lesson->isEnabled())
                    lesson->trigger();
                resetHistory();
                return false;
            } },
        { "save and reopen", 1,
            [this] {
                const ModelGraph saved = graph();
                const QString path = m_workDir + "/soak.neurino.json";
                if (!m_doc->saveTo(path))
                    return fail("Save failed: " + path.toStdString());
                if (m_doc->isModified())
                    return fail("the document is still marked unsaved after Save");
                if (!m_doc->openFile(path))
                    return fail("the saved model does not open again");
                resetHistory();
                // Layers that overlap are arranged anew when a file opens (ModelDocument::openFile), so the
                // positions may change; nothing else may.
                if (graphJson(withoutPositions(graph())) != graphJson(withoutPositions(saved)))
                    return fail("the reopened model differs from the saved one");
                return false;
            } },
        { "autosave", 1,
            [this] {
                m_doc->autosaveNow();
                return false;
            } },
        { "start training", 4,
            [this, dock, scheduler] {
                if (scheduler->isRunning())
                    return false;
                const GraphAnalysis& analysis = m_doc->model()->analysis();
                if (!analysis.ok() || analysis.totalParams().total() > kMaxTrainedParams) {
                    // Random edits seldom leave a model that trains: a student opens a template for that.
                    m_doc->newFromTemplate(
                        kTrainedTemplates[uniform(0, int(std::size(kTrainedTemplates)) - 1)]);
                    resetHistory();
                }
                dock->setEvents(kTrainEvents);
                dock->setEpochs(kTrainEpochs);
                dock->setBatchSize(32);
                if (dock->start())
                    ++m_runsStarted;
                return false;
            } },
        { "pause or resume training", 3,
            [dock, scheduler] {
                if (scheduler->isRunning())
                    dock->pauseOrResume();
                return false;
            } },
        { "stop training", 2,
            [dock, scheduler] {
                if (scheduler->isRunning())
                    dock->stop();
                return false;
            } },
    };
}

bool Soak::fail(const std::string& what)
{
    if (m_failure.empty())
        m_failure = what;
    return false;
}

void Soak::resetHistory()
{
    m_history.clear();
    m_history[m_editor->undoStack()->index()] = graphJson(graph());
}

bool Soak::checkProblems()
{
    ++m_checks;
    const GraphAnalysis& shown = m_doc->model()->analysis();
    const GraphAnalysis fresh = graph().analyze();
    std::vector<std::string> a, b;
    for (const GraphIssue& issue : shown.issues)
        a.push_back(issue.toString());
    for (const GraphIssue& issue : fresh.issues)
        b.push_back(issue.toString());
    if (a != b)
        return fail("the editor's problems (" + std::to_string(a.size())
            + ") are not those of a fresh analysis of its graph (" + std::to_string(b.size()) + ")");
    for (const GraphIssue& issue : shown.issues) {
        if (issue.message.empty())
            return fail("a problem without a message");
        if (!issue.nodeId.empty() && !graph().hasNode(issue.nodeId))
            return fail("a problem names layer '" + issue.nodeId + "', which is not in the model");
    }
    if (m_window->problemsDock()->problemCount() != int(shown.issues.size()))
        return fail("the Problems panel lists " + std::to_string(m_window->problemsDock()->problemCount())
            + " problems, the model has " + std::to_string(shown.issues.size()));
    if (shown.ok()) {
        if (shown.order.size() != graph().nodes().size())
            return fail("a valid model whose layers have no complete order");
        for (const Node& node : graph().nodes()) {
            if (!shown.shapes.count(node.id))
                return fail("a valid model without a shape for layer '" + node.id + "'");
        }
    }
    return true;
}

bool Soak::checkScene()
{
    ++m_checks;
    const GraphScene* scene = m_window->scene();
    if (scene->nodeItems().size() != int(graph().nodes().size()))
        return fail("the canvas shows " + std::to_string(scene->nodeItems().size())
            + " layers, the model has " + std::to_string(graph().nodes().size()));
    if (scene->edgeItems().size() != int(graph().edges().size()))
        return fail("the canvas shows " + std::to_string(scene->edgeItems().size())
            + " connections, the model has " + std::to_string(graph().edges().size()));
    for (const Node& node : graph().nodes()) {
        const NodeItem* item = scene->nodeItem(QString::fromStdString(node.id));
        if (!item)
            return fail("layer '" + node.id + "' is not on the canvas");
        if (item->pos() != QPointF(node.x, node.y))
            return fail("layer '" + node.id + "' is drawn away from its position");
    }
    for (const Edge& edge : graph().edges()) {
        if (!scene->edgeItem(QString::fromStdString(edge.from), QString::fromStdString(edge.to)))
            return fail("connection " + edge.from + " -> " + edge.to + " is not on the canvas");
    }
    return true;
}

// The graph is the one this history recorded at the undo stack's index; the unsaved mark follows the stack.
bool Soak::checkHistory()
{
    ++m_checks;
    const QUndoStack* stack = m_editor->undoStack();
    const auto it = m_history.find(stack->index());
    if (it == m_history.end())
        return fail("undo stack index " + std::to_string(stack->index()) + " was never recorded");
    if (it->second != graphJson(graph()))
        return fail("at undo stack index " + std::to_string(stack->index())
            + " the graph differs from the one recorded there");
    if (m_doc->isModified() == stack->isClean())
        return fail("the document's unsaved mark disagrees with the undo stack");
    return true;
}

// After an edit: the new graph is recorded at the stack's index; undo gives back the graph before it and
// redo the graph after it, exactly. A refused edit leaves graph and stack as they were.
bool Soak::afterEdit(const std::string& before, int indexBefore)
{
    ++m_checks;
    QUndoStack* stack = m_editor->undoStack();
    const std::string after = graphJson(graph());
    const int index = stack->index();
    if (index == indexBefore && after == before) {
        ++m_refused;
        return true;
    }
    ++m_edits;
    if (index < indexBefore) {
        // A merge that made the top command obsolete (a parameter set back to its old value) drops it.
        const auto it = m_history.find(index);
        if (it == m_history.end() || it->second != after)
            return fail("an edit that undid itself left a graph that differs from the history's");
        for (auto k = m_history.upper_bound(index); k != m_history.end();)
            k = m_history.erase(k);
        return true;
    }
    m_history.erase(m_history.upper_bound(index), m_history.end());
    m_history[index] = after;
    const auto previous = m_history.find(index - 1);
    if (previous == m_history.end())
        return fail("the edit's previous state was never recorded");
    stack->undo();
    if (graphJson(graph()) != previous->second)
        return fail("undo does not give back the graph before the edit");
    if (!checkScene())
        return false;
    stack->redo();
    if (graphJson(graph()) != after)
        return fail("redo does not give back the graph after the edit");
    return true;
}

bool Soak::checkAll()
{
    return checkProblems() && checkScene() && checkHistory();
}

void Soak::report(double seconds)
{
    const qint64 rss = residentKiB();
    m_rssPeak = std::max(m_rssPeak, rss);
    std::printf("  %6.1f s  %7ld steps  %8ld checks  %6ld edits  %4ld runs  %4zu layers  RSS %7.1f MiB\n",
        seconds, m_steps, m_checks, m_edits, m_runsStarted, graph().nodes().size(), double(rss) / 1024.0);
    std::fflush(stdout);
}

bool Soak::run(double seconds, long maxSteps, double reportSeconds)
{
    const std::vector<Op> ops = operations();
    std::vector<int> weights;
    for (const Op& op : ops)
        weights.push_back(op.weight);
    std::discrete_distribution<int> choose(weights.begin(), weights.end());
    RunScheduler* scheduler = m_window->trainingWorkspace()->scheduler();

    // A modal dialog would stop the window: in this window (not interactive) none may open.
    QTimer watchdog;
    watchdog.setInterval(500);
    QObject::connect(&watchdog, &QTimer::timeout, [this] {
        if (QWidget* modal = QApplication::activeModalWidget()) {
            std::fprintf(stderr,
                "soak_workbench: a modal dialog '%s' opened at step %ld (%s); replay with --seed %llu "
                "--steps %ld\n",
                qPrintable(modal->windowTitle()), m_steps, m_op.c_str(), (unsigned long long)m_seed, m_steps);
            std::exit(1);
        }
    });
    watchdog.start();

    m_doc->newFromTemplate("xor_mlp");
    QCoreApplication::processEvents();
    resetHistory();
    m_rssStart = residentKiB();
    m_rssPeak = m_rssStart;
    QElapsedTimer clock;
    clock.start();
    double nextReport = 0;
    while (clock.elapsed() < seconds * 1000 && (maxSteps <= 0 || m_steps < maxSteps)) {
        if (clock.elapsed() >= nextReport * 1000) {
            report(clock.elapsed() / 1000.0);
            nextReport += reportSeconds;
        }
        const Op& op = ops[std::size_t(choose(m_rng))];
        m_op = op.name;
        ++m_steps;
        ++m_counts[op.name];
        const std::string before = graphJson(graph());
        const int indexBefore = m_editor->undoStack()->index();
        const bool edit = op.step();
        QCoreApplication::processEvents();
        const bool ok = m_failure.empty() && (!edit || afterEdit(before, indexBefore)) && checkAll();
        if (!ok) {
            std::printf("soak_workbench: FAILED at step %ld (%s): %s\n  replay: soak_workbench --seed %llu "
                        "--steps %ld\n",
                m_steps, m_op.c_str(), m_failure.c_str(), (unsigned long long)m_seed, m_steps);
            scheduler->stopAll();
            scheduler->waitForIdle(60 * 1000);
            return false;
        }
    }
    const double elapsed = clock.elapsed() / 1000.0;
    report(elapsed);
    scheduler->stopAll();
    scheduler->waitForIdle(60 * 1000);
    const qint64 rssEnd = residentKiB();
    m_rssPeak = std::max(m_rssPeak, rssEnd);
    std::printf("steps:");
    for (const auto& [name, count] : m_counts)
        std::printf(" %s %ld,", name.c_str(), count);
    std::printf(
        "\nsoak_workbench: seed %llu, %.1f s, %ld steps (%.0f steps/s), %ld invariant checks, %ld edits "
        "(%ld refused or no-op), %ld training runs (%zu in the run list)\n",
        (unsigned long long)m_seed, elapsed, m_steps, double(m_steps) / std::max(elapsed, 1e-3), m_checks,
        m_edits, m_refused, m_runsStarted, scheduler->runs().size());
    std::printf("  RSS start %.1f MiB, end %.1f MiB, peak %.1f MiB (end / start %.2f)\n",
        double(m_rssStart) / 1024.0, double(rssEnd) / 1024.0, double(m_rssPeak) / 1024.0,
        double(rssEnd) / std::max<double>(1, double(m_rssStart)));
    std::printf("  all invariants held\n");
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    double seconds = 60, reportSeconds = 10;
    long maxSteps = 0;
    std::uint64_t seed = std::random_device {}();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--seconds"))
            seconds = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--seed"))
            seed = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--steps"))
            maxSteps = std::atol(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--report"))
            reportSeconds = std::atof(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: soak_workbench [--seconds S] [--seed N] [--steps N] [--report S]\n");
            return 2;
        }
    }
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Settings, autosaves, run folders and leaderboards go to a folder of the soak's own, never the user's.
    QTemporaryDir home;
    if (!home.isValid()) {
        std::fprintf(stderr, "soak_workbench: cannot make a temporary folder\n");
        return 2;
    }
    for (const char* variable : { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "NEURINO_DATA_DIR" })
        qputenv(variable, QFile::encodeName(home.filePath(variable)));
    QApplication app(argc, argv);
    QApplication::setOrganizationName("NeurinoSoak");
    QApplication::setApplicationName("NeurinoSoak");

    std::printf("soak_workbench: seed %llu, %.0f s (replay with --seed %llu)\n", (unsigned long long)seed,
        seconds, (unsigned long long)seed);
    std::fflush(stdout);
    MainWindow::Options options;
    options.interactive = false;
    options.restoreSettings = false;
    MainWindow window(options);
    window.resize(1366, 768);
    window.show();
    Soak soak(&window, seed, home.path());
    return soak.run(seconds, maxSteps, reportSeconds) ? 0 : 1;
}
