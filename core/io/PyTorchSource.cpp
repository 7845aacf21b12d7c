#include "core/io/PyTorchSource.h"

#include "core/graph/ConvGeometry.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <functional>
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

std::string join(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string text;
    for (std::size_t i = 0; i < parts.size(); ++i)
        text += (i ? separator : "") + parts[i];
    return text;
}

std::string ints(const std::vector<std::int64_t>& values)
{
    std::vector<std::string> parts;
    for (std::int64_t v : values)
        parts.push_back(std::to_string(v));
    return join(parts, ", ");
}

// "(3, 3)" for two or more values, "3" for one.
std::string intArg(const std::vector<std::int64_t>& values)
{
    return values.size() == 1 ? std::to_string(values[0]) : "(" + ints(values) + ")";
}

std::string intList(const std::vector<std::int64_t>& values)
{
    return "[" + ints(values) + "]";
}

// A float as Python reads it back: the shortest text that gives the same double, with a decimal point.
// `rounded` prints 15 digits instead, for values computed here (1 - 0.99 is 0.010000000000000009).
std::string pyFloat(double value, bool rounded = false)
{
    char buffer[64];
    if (rounded) {
        std::snprintf(buffer, sizeof buffer, "%.15g", value);
    } else {
        const auto result = std::to_chars(buffer, buffer + sizeof buffer - 1, value);
        *result.ptr = '\0';
    }
    std::string text = buffer;
    if (text.find_first_of(".eni") == std::string::npos)
        text += ".0";
    return text;
}

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
    return "(N" + (shape.empty() ? std::string() : ", " + ints(shape)) + ")";
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

// What one node contributes to model.py.
struct NodeCode {
    std::vector<std::string> init; // statements of __init__
    std::vector<std::string> forward; // statements of forward()
    std::vector<std::string> params; // the state-dict names of its submodule's tensors
};

// A node as its writer sees it.
struct NodeContext {
    const Node& node;
    const nlohmann::json& p; // canonical parameters
    std::vector<Shape> in; // input shapes, without the batch
    Shape out;
    std::vector<std::string> args; // the Python variables of its inputs, in port order
    std::string name; // its attribute and variable

    const std::string& x() const { return args.at(0); }
    std::string self() const { return "self." + name; }
    std::string assign(const std::string& expression) const { return name + " = " + expression; }
};

using KindWriter = std::function<void(const NodeContext&, NodeCode&)>;

// GraphModule's activations (core/nn/GraphModule.cpp), by the names of the 'activation' parameter.
std::string activation(const std::string& name, const std::string& x)
{
    if (name == "linear")
        return x;
    if (name == "relu" || name == "tanh" || name == "sigmoid")
        return "torch." + name + "(" + x + ")";
    if (name == "leaky_relu")
        return "F.leaky_relu(" + x + ", 0.3)";
    if (name == "elu")
        return "F.elu(" + x + ")";
    if (name == "softmax")
        return "torch.softmax(" + x + ", dim=1)";
    throw ModelError("unknown activation '" + name + "'");
}

// A sample axis (no batch, negative from the end) as a tensor dimension (batch first), as LayerBuilders.
std::int64_t tensorDim(const NodeContext& c, std::int64_t axis)
{
    const auto rank = static_cast<std::int64_t>(c.in.at(0).size());
    return axis < 0 ? axis + rank + 1 : axis + 1;
}

// A convolution's or pool's window along each spatial axis, and Keras's padding of each.
struct Window {
    std::vector<std::int64_t> kernel, stride;
    std::vector<AxisGeometry> axes;
    std::vector<std::int64_t> pads; // F.pad order: last axis first, before and after
    bool symmetric = true;
    bool padded = false;
};

// Strides of 0 mean the window's size (pools allow it).
Window windowOf(const NodeContext& c, const std::string& sizeName)
{
    Window w;
    std::vector<std::string> padding;
    if (c.in.at(0).size() == 3) {
        const auto k = paramIntPair(c.p, sizeName);
        const auto s = paramIntPair(c.p, "strides");
        const auto pd = paramChoicePair(c.p, "padding");
        w.kernel = { k[0], k[1] };
        w.stride = { s[0] ? s[0] : k[0], s[1] ? s[1] : k[1] };
        padding = { pd[0], pd[1] };
    } else {
        const std::int64_t k = paramInt(c.p, sizeName);
        const std::int64_t s = paramInt(c.p, "strides");
        w.kernel = { k };
        w.stride = { s ? s : k };
        padding = { paramString(c.p, "padding") };
    }
    for (std::size_t i = 0; i < w.kernel.size(); ++i)
        w.axes.push_back(windowAxis(c.in[0][1 + i], w.kernel[i], w.stride[i], padding[i] == "same"));
    for (std::size_t i = w.axes.size(); i-- > 0;) {
        w.pads.push_back(w.axes[i].padBefore);
        w.pads.push_back(w.axes[i].padAfter);
        w.symmetric = w.symmetric && w.axes[i].padBefore == w.axes[i].padAfter;
        w.padded = w.padded || w.axes[i].padBefore || w.axes[i].padAfter;
    }
    return w;
}

std::vector<std::string> weightNames(const NodeContext& c)
{
    if (paramBool(c.p, "use_bias"))
        return { "weight", "bias" };
    return { "weight" };
}

std::string biasArg(const NodeContext& c)
{
    return paramBool(c.p, "use_bias") ? "" : ", bias=False";
}

void writeDense(const NodeContext& c, NodeCode& code)
{
    code.init.push_back(c.self() + " = nn.Linear(" + std::to_string(c.in[0][0]) + ", "
        + std::to_string(paramInt(c.p, "units")) + biasArg(c) + ")");
    code.forward.push_back(
        c.assign(activation(paramString(c.p, "activation"), c.self() + "(" + c.x() + ")")));
    code.params = weightNames(c);
}

// Symmetric padding is the convolution's own; Keras's asymmetric "same" padding comes first, with F.pad.
void writeConv(const NodeContext& c, NodeCode& code)
{
    const Window w = windowOf(c, "kernel_size");
    const bool twoD = w.kernel.size() == 2;
    std::string args = std::to_string(c.in[0][0]) + ", " + std::to_string(paramInt(c.p, "filters"))
        + ", kernel_size=" + intArg(w.kernel);
    if (std::any_of(w.stride.begin(), w.stride.end(), [](std::int64_t s) { return s != 1; }))
        args += ", stride=" + intArg(w.stride);
    std::string x = c.x();
    if (w.padded && w.symmetric) {
        std::vector<std::int64_t> padding;
        for (const AxisGeometry& g : w.axes)
            padding.push_back(g.padBefore);
        args += ", padding=" + intArg(padding);
    } else if (w.padded) {
        x = "F.pad(" + x + ", " + intList(w.pads) + ")";
    }
    code.init.push_back(c.self() + " = nn.Conv" + (twoD ? "2d(" : "1d(") + args + biasArg(c) + ")");
    code.forward.push_back(c.assign(activation(paramString(c.p, "activation"), c.self() + "(" + x + ")")));
    code.params = weightNames(c);
}

// Keras's "same" output size: LibTorch's output_padding adds cells after, a crop takes the extra ones off.
void writeConvTranspose(const NodeContext& c, NodeCode& code)
{
    const auto k = paramIntPair(c.p, "kernel_size");
    const auto s = paramIntPair(c.p, "strides");
    const bool same = paramString(c.p, "padding") == "same";
    const TransposedAxisGeometry gh = transposedAxis(c.in[0][1], k[0], s[0], same);
    const TransposedAxisGeometry gw = transposedAxis(c.in[0][2], k[1], s[1], same);
    std::string args = std::to_string(c.in[0][0]) + ", " + std::to_string(paramInt(c.p, "filters"))
        + ", kernel_size=" + intArg({ k[0], k[1] });
    if (s[0] != 1 || s[1] != 1)
        args += ", stride=" + intArg({ s[0], s[1] });
    if (gh.extraAfter || gw.extraAfter)
        args += ", output_padding=" + intArg({ gh.extraAfter, gw.extraAfter });
    code.init.push_back(c.self() + " = nn.ConvTranspose2d(" + args + biasArg(c) + ")");
    std::string y = c.self() + "(" + c.x() + ")";
    const std::int64_t fullH = (c.in[0][1] - 1) * s[0] + k[0] + gh.extraAfter;
    const std::int64_t fullW = (c.in[0][2] - 1) * s[1] + k[1] + gw.extraAfter;
    if (fullH != gh.out || fullW != gw.out)
        y += "[:, :, " + std::to_string(gh.cropBefore) + ":" + std::to_string(gh.cropBefore + gh.out) + ", "
            + std::to_string(gw.cropBefore) + ":" + std::to_string(gw.cropBefore + gw.out) + "]";
    code.forward.push_back(c.assign(activation(paramString(c.p, "activation"), y)));
    code.params = weightNames(c);
}

// Keras's "same" pooling ignores the padded cells: a max pool pads with -inf, an average pool divides by
// the share of real cells in each window.
void writePool(const NodeContext& c, NodeCode& code, bool max)
{
    const Window w = windowOf(c, "pool_size");
    const std::string function
        = std::string(max ? "F.max_pool" : "F.avg_pool") + (w.kernel.size() == 2 ? "2d(" : "1d(");
    const std::string window
        = ", " + intArg(w.kernel) + (w.stride == w.kernel ? "" : ", stride=" + intArg(w.stride)) + ")";
    if (!w.padded) {
        code.forward.push_back(c.assign(function + c.x() + window));
    } else if (max) {
        code.forward.push_back(c.assign(
            function + "F.pad(" + c.x() + ", " + intList(w.pads) + ", value=float(\"-inf\"))" + window));
    } else {
        code.forward.push_back(
            c.assign(function + "F.pad(" + c.x() + ", " + intList(w.pads) + ")" + window + " / " + function));
        code.forward.push_back(
            kIndent1 + "F.pad(torch.ones_like(" + c.x() + "[:1, :1]), " + intList(w.pads) + ")" + window);
    }
}

void writeUpSampling(const NodeContext& c, NodeCode& code)
{
    const auto f = paramIntPair(c.p, "size");
    std::string y = c.x();
    if (f[0] != 1)
        y += ".repeat_interleave(" + std::to_string(f[0]) + ", dim=2)";
    if (f[1] != 1)
        y += ".repeat_interleave(" + std::to_string(f[1]) + ", dim=3)";
    code.forward.push_back(c.assign(y));
}

void writeZeroPadding(const NodeContext& c, NodeCode& code)
{
    const auto pad = paramIntPair(c.p, "padding");
    code.forward.push_back(
        c.assign("F.pad(" + c.x() + ", " + intList({ pad[1], pad[1], pad[0], pad[0] }) + ")"));
}

// PyTorch's BatchNorm layers normalise dimension 1; another axis (Keras's axis=-1 of an image) takes
// BatchNormAxis, which model.py then defines. Neurino's momentum is Keras's (the old average's weight).
void writeBatchNorm(const NodeContext& c, NodeCode& code, bool& needsAxisClass)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.p, "axis"));
    const std::int64_t features = c.in[0].at(static_cast<std::size_t>(dim - 1));
    const std::size_t tensorRank = c.in[0].size() + 1;
    const std::string options = "eps=" + pyFloat(paramFloat(c.p, "epsilon"))
        + ", momentum=" + pyFloat(1.0 - paramFloat(c.p, "momentum"), /*rounded=*/true);
    std::string layer;
    if (dim == 1 && tensorRank <= 3)
        layer = "nn.BatchNorm1d(" + std::to_string(features) + ", " + options + ")";
    else if (dim == 1 && tensorRank <= 5)
        layer = "nn.BatchNorm" + std::to_string(tensorRank - 2) + "d(" + std::to_string(features) + ", "
            + options + ")";
    else {
        layer = "BatchNormAxis(" + std::to_string(features) + ", dim=" + std::to_string(dim) + ", " + options
            + ")";
        needsAxisClass = true;
    }
    code.init.push_back(c.self() + " = " + layer);
    code.forward.push_back(c.assign(c.self() + "(" + c.x() + ")"));
    code.params = { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" };
}

void writeDropout(const NodeContext& c, NodeCode& code)
{
    code.init.push_back(c.self() + " = nn.Dropout(p=" + pyFloat(paramFloat(c.p, "rate")) + ")");
    code.forward.push_back(c.assign(c.self() + "(" + c.x() + ")"));
}

void writeReshape(const NodeContext& c, NodeCode& code)
{
    code.forward.push_back(c.assign(c.x() + ".reshape(" + c.x() + ".shape[0], " + ints(c.out) + ")"));
}

void writeSoftmax(const NodeContext& c, NodeCode& code)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.p, "axis"));
    code.forward.push_back(c.assign("torch.softmax(" + c.x() + ", dim=" + std::to_string(dim) + ")"));
}

void writeConcat(const NodeContext& c, NodeCode& code)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.p, "axis"));
    code.forward.push_back(
        c.assign("torch.cat([" + join(c.args, ", ") + "], dim=" + std::to_string(dim) + ")"));
}

// The writer of every kind but Input and Output, which forward() itself handles.
std::map<std::string, KindWriter> kindWriters(bool& needsAxisClass)
{
    std::map<std::string, KindWriter> w;
    w["Dense"] = writeDense;
    w["Conv1D"] = writeConv;
    w["Conv2D"] = writeConv;
    w["ConvTranspose2D"] = writeConvTranspose;
    w["MaxPool1D"] = w["MaxPool2D"] = [](const NodeContext& c, NodeCode& code) { writePool(c, code, true); };
    w["AvgPool1D"] = w["AvgPool2D"] = [](const NodeContext& c, NodeCode& code) { writePool(c, code, false); };
    w["UpSampling2D"] = writeUpSampling;
    w["ZeroPadding2D"] = writeZeroPadding;
    w["BatchNorm"] = [&needsAxisClass](
                         const NodeContext& c, NodeCode& code) { writeBatchNorm(c, code, needsAxisClass); };
    w["Dropout"] = writeDropout;
    w["Flatten"] = [](const NodeContext& c, NodeCode& code) {
        code.forward.push_back(c.assign("torch.flatten(" + c.x() + ", 1)"));
    };
    w["Reshape"] = writeReshape;
    for (const char* name : { "ReLU", "Tanh", "Sigmoid" }) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](char ch) { return std::tolower(ch); });
        w[name] = [lower](const NodeContext& c, NodeCode& code) {
            code.forward.push_back(c.assign(activation(lower, c.x())));
        };
    }
    w["LeakyReLU"] = [](const NodeContext& c, NodeCode& code) {
        code.forward.push_back(
            c.assign("F.leaky_relu(" + c.x() + ", " + pyFloat(paramFloat(c.p, "alpha")) + ")"));
    };
    w["ELU"] = [](const NodeContext& c, NodeCode& code) {
        code.forward.push_back(c.assign("F.elu(" + c.x() + ", " + pyFloat(paramFloat(c.p, "alpha")) + ")"));
    };
    w["Softmax"] = writeSoftmax;
    w["Add"]
        = [](const NodeContext& c, NodeCode& code) { code.forward.push_back(c.assign(join(c.args, " + "))); };
    w["Concat"] = writeConcat;
    return w;
}

// BatchNorm along any dimension, as core/nn/BatchNormAxis: PyTorch's own layer on the dimension moved to 1.
const char* const kBatchNormAxisClass = R"(class BatchNormAxis(nn.BatchNorm1d):
    """Batch normalisation of tensor dimension `dim` (Keras's BatchNormalization(axis=...)): PyTorch's
    BatchNorm layers normalise dimension 1, so `dim` is moved there and back."""

    def __init__(self, num_features, dim, eps, momentum):
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.dim = dim

    def _check_input_dim(self, input):
        pass

    def forward(self, input):
        return super().forward(input.movedim(self.dim, 1)).movedim(1, self.dim)


)";

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
    bool needsAxisClass = false;
    std::vector<std::string> kinds { "Input", "Output" };
    for (const auto& [kind, writer] : pysrc::kindWriters(needsAxisClass))
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
    bool needsAxisClass = false;
    const std::map<std::string, KindWriter> writers = kindWriters(needsAxisClass);
    std::map<std::string, std::string> values; // node id -> the variable holding its output
    if (standardize) {
        const std::string shape = ints(analysis.shapes.at(inputs[0]));
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
        NodeContext c { node, node.layer.params, {}, analysis.shapes.at(id), {}, name };
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
                + join(pyTorchExportKinds(), ", "));
        NodeCode code;
        writer->second(c, code);
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
        result.definitions = kBatchNormAxisClass;
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
    py += "\n" + kIndent1 + "def forward(self, " + join(source.inputNames, ", ") + "):\n";
    for (const auto& line : source.forward)
        py += kIndent2 + line + "\n";
    return py;
}

} // namespace neurino
