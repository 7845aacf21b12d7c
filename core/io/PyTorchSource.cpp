#include "core/io/PyTorchSource.h"

#include "core/io/PyTorchLayers.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace neurino {

namespace {

namespace pysrc {

// Names a generated attribute or local variable must not take: Python's keywords, what model.py imports
// and defines, and the attributes of nn.Module (PyTorch 1.13 and 2.x), which a submodule would shadow.
const std::set<std::string> kReserved = { "False", "None", "True", "and", "as", "assert", "async", "await",
    "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "self", "torch", "nn", "F", "BatchNormAxis", "input_mean", "input_std", "T_destination",
    "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile", "cpu", "cuda",
    "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer", "get_extra_state",
    "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers",
    "named_children", "named_modules", "named_parameters", "parameters", "register_backward_hook",
    "register_buffer", "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook", "register_module", "register_parameter",
    "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
    "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu", "zero_grad" };

// Four spaces per level, as PEP 8 asks.
const std::string kIndent1 = "    ";
const std::string kIndent2 = "        ";

// A node id inside a comment: 'dense_1', or as an escaped string literal when it has quotes or odd
// characters.
std::string quoted(const std::string& text)
{
    const bool plain = std::all_of(text.begin(), text.end(),
        [](char c) { return c >= ' ' && c <= '~' && c != '\'' && c != '\\' && c != '"'; });
    return plain ? "'" + text + "'" : nlohmann::json(text).dump(-1, ' ', /*ensure_ascii=*/true);
}

// One line of comment or docstring text: control characters become spaces, and a docstring's quotes and
// backslashes are escaped.
std::string lineText(const std::string& text, bool docstring)
{
    std::string out;
    for (char c : text) {
        if (static_cast<unsigned char>(c) < ' ')
            out += ' ';
        else if (docstring && (c == '\\' || c == '"'))
            out += std::string("\\") + c;
        else
            out += c;
    }
    return out;
}

std::string batchShape(const Shape& shape)
{
    return "(N" + (shape.empty() ? std::string() : ", " + pyInts(shape)) + ")";
}

// The class name from the model's name: its words capitalised and joined.
std::string className(const std::string& modelName)
{
    std::string name;
    bool wordStart = true;
    for (char c : modelName) {
        if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128) {
            name += wordStart ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            wordStart = false;
        } else {
            wordStart = true;
        }
    }
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
        name = "Model" + name;
    return kReserved.count(name) ? name + "Model" : name;
}

// The nodes the output depends on, in topological order.
std::vector<std::string> neededNodes(const ModelGraph& graph, const std::vector<std::string>& order)
{
    std::set<std::string> needed { graph.outputNode() };
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        if (needed.count(*it)) {
            for (const auto& in : graph.inputsOf(*it))
                needed.insert(in);
        }
    }
    std::vector<std::string> out;
    for (const auto& id : order) {
        if (needed.count(id))
            out.push_back(id);
    }
    return out;
}

// Every node's attribute and variable name: its id as an identifier, made unique.
std::map<std::string, std::string> pythonNames(const std::vector<std::string>& nodes)
{
    std::map<std::string, std::string> names;
    std::set<std::string> used;
    for (const auto& id : nodes) {
        const std::string base = pythonIdentifier(id);
        std::string name = base;
        for (int i = 2; used.count(name); ++i)
            name = base + "_" + std::to_string(i);
        used.insert(name);
        names[id] = name;
    }
    return names;
}

std::string nodeComment(const Node& node)
{
    std::string text = "# node " + quoted(node.id) + " (" + node.layer.kind + ")";
    if (node.name != node.id)
        text += ", " + lineText(quoted(node.name), false);
    return text;
}

} // namespace pysrc

} // namespace

std::string pythonIdentifier(const std::string& text)
{
    std::string name;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        name += u < 128 && (std::isalnum(u) || c == '_') ? c : '_';
    }
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '_')
        name = "n" + (name.empty() || name[0] == '_' ? name : "_" + name);
    return pysrc::kReserved.count(name) ? name + "_" : name;
}

std::vector<std::string> pyTorchExportKinds()
{
    std::vector<std::string> kinds { "Input", "Output" };
    for (const auto& [kind, writer] : pyTorchLayerWriters())
        kinds.push_back(kind);
    return kinds;
}

PyTorchSource pyTorchSource(const ModelGraph& graph, bool standardize)
{
    using namespace pysrc;
    const GraphAnalysis analysis = graph.analyze();
    if (!analysis.ok())
        throw ModelError(
            "model '" + graph.name() + "' cannot be exported:\n" + formatIssues(graph, analysis.issues));
    const std::vector<std::string> inputs = graph.inputNodes();
    if (standardize && inputs.size() != 1)
        throw ModelError("model '" + graph.name() + "' has " + std::to_string(inputs.size())
            + " Input nodes; a learned input standardisation needs exactly one");
    const std::string outputId = graph.outputNode();
    // forward() takes every Input, as GraphModule does, in the graph's order.
    std::vector<std::string> nodes = inputs;
    for (const auto& id : neededNodes(graph, analysis.order)) {
        if (graph.node(id).layer.kind != "Input")
            nodes.push_back(id);
    }
    const std::map<std::string, std::string> names = pythonNames(nodes);

    PyTorchSource result;
    result.className = className(graph.name());
    const std::map<std::string, PyTorchLayerWriter>& writers = pyTorchLayerWriters();
    bool needsAxisClass = false;
    std::map<std::string, std::string> values; // node id -> the variable holding its output
    if (standardize) {
        const std::string shape = pyInts(analysis.shapes.at(inputs[0]));
        result.init.push_back(
            "# The input standardisation the run learned: (x - input_mean) / input_std per feature.");
        result.init.push_back("self.register_buffer(\"input_mean\", torch.zeros(" + shape + "))");
        result.init.push_back("self.register_buffer(\"input_std\", torch.ones(" + shape + "))");
        result.stateDict.push_back({ "input_mean", "", "mean" });
        result.stateDict.push_back({ "input_std", "", "scale" });
    }
    std::string returned;
    for (const auto& id : nodes) {
        const Node& node = graph.node(id);
        const std::string& name = names.at(id);
        const std::string& kind = node.layer.kind;
        if (kind == "Input") {
            result.inputNames.push_back(name);
            values[id] = name;
            result.forward.push_back(nodeComment(node) + ": " + batchShape(analysis.shapes.at(id))
                + (standardize ? ", the raw features, standardised here" : ""));
            if (standardize)
                result.forward.push_back(name + " = (" + name + " - self.input_mean) / self.input_std");
            continue;
        }
        PyTorchLayer c { node, node.layer.params, {}, analysis.shapes.at(id), {}, name };
        for (const auto& in : graph.inputsOf(id)) {
            c.in.push_back(analysis.shapes.at(in));
            c.args.push_back(values.at(in));
        }
        if (kind == "Output") {
            values[id] = c.x();
            if (id == outputId)
                returned = nodeComment(node);
            continue;
        }
        const auto writer = writers.find(kind);
        if (writer == writers.end())
            throw ModelError("node '" + id + "' (" + kind
                + "): the PyTorch export has no form for layer kind '" + kind + "'; it writes "
                + pyJoin(pyTorchExportKinds(), ", "));
        PyTorchLayerCode code;
        writer->second(c, code);
        needsAxisClass = needsAxisClass || code.needsBatchNormAxis;
        if (!code.init.empty()) {
            result.init.push_back(nodeComment(node));
            result.init.insert(result.init.end(), code.init.begin(), code.init.end());
        }
        result.forward.push_back(nodeComment(node) + " -> " + batchShape(c.out));
        result.forward.insert(result.forward.end(), code.forward.begin(), code.forward.end());
        for (const auto& param : code.params)
            result.stateDict.push_back({ name + "." + param, id, param });
        values[id] = name;
    }
    if (!returned.empty())
        result.forward.push_back(returned);
    result.forward.push_back("return " + values.at(outputId));
    if (needsAxisClass)
        result.definitions = pyTorchBatchNormAxisClass();
    return result;
}

std::string pyTorchFile(
    const PyTorchSource& source, const std::vector<std::string>& header, const std::vector<std::string>& doc)
{
    using namespace pysrc;
    std::string py;
    for (const auto& line : header)
        py += line.empty() ? "#\n" : "# " + lineText(line, false) + "\n";
    py += "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n";
    py += source.definitions;
    py += "class " + source.className + "(nn.Module):\n";
    if (!doc.empty()) {
        py += kIndent1 + "\"\"\"";
        for (std::size_t i = 0; i < doc.size(); ++i) {
            const std::string line = lineText(doc[i], true);
            py += (i == 0 ? "" : line.empty() ? "\n" : "\n" + kIndent1) + line;
        }
        py += (doc.size() > 1 ? "\n" + kIndent1 : "") + "\"\"\"\n\n";
    }
    py += kIndent1 + "def __init__(self):\n" + kIndent2 + "super().__init__()\n";
    for (const auto& line : source.init)
        py += kIndent2 + line + "\n";
    py += "\n" + kIndent1 + "def forward(self, " + pyJoin(source.inputNames, ", ") + "):\n";
    for (const auto& line : source.forward)
        py += kIndent2 + line + "\n";
    return py;
}

} // namespace neurino
