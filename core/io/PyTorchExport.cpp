#include "core/io/PyTorchExport.h"

#include "core/data/Task.h"
#include "core/io/PyTorchSource.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <filesystem>
#include <system_error>

namespace neurino {

namespace {

namespace pyexport {

// Feature names are listed up to this many; beyond, they are left out.
constexpr std::size_t kMostListedFeatures = 40;
// The longest line of README.txt and of the docstring's text.
constexpr std::size_t kLineWidth = 100;

std::string joined(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string text;
    for (std::size_t i = 0; i < parts.size(); ++i)
        text += (i ? separator : "") + parts[i];
    return text;
}

// `text` broken at spaces into lines of at most `width` characters (a longer word stays whole); `indent`
// starts every line after the first.
std::vector<std::string> wrapped(const std::string& text, const std::string& indent = {})
{
    std::vector<std::string> lines;
    std::string line;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        std::size_t end = text.find(' ', begin);
        if (end == std::string::npos)
            end = text.size();
        const std::string word = text.substr(begin, end - begin);
        const std::string start = lines.empty() ? std::string() : indent;
        if (!line.empty() && start.size() + line.size() + 1 + word.size() > kLineWidth) {
            lines.push_back(start + line);
            line = word;
        } else {
            line += (line.empty() ? "" : " ") + word;
        }
        begin = end + 1;
    }
    lines.push_back((lines.empty() ? std::string() : indent) + line);
    return lines;
}

std::string batchShape(const Shape& shape)
{
    std::string text = "(N";
    for (std::int64_t size : shape)
        text += ", " + std::to_string(size);
    return text + ")";
}

std::string quotedNames(const std::vector<std::string>& names)
{
    std::vector<std::string> quoted;
    for (const auto& n : names)
        quoted.push_back("'" + n + "'");
    return joined(quoted, ", ");
}

// What goes in: one line per Input node.
std::vector<std::string> inputText(const Checkpoint& checkpoint, const std::map<std::string, Shape>& shapes,
    const std::vector<std::string>& parameters)
{
    const std::vector<std::string> inputs = checkpoint.graph.inputNodes();
    std::vector<std::string> lines;
    if (inputs.size() != 1) {
        for (std::size_t i = 0; i < inputs.size(); ++i)
            lines.push_back(parameters.at(i) + ": float32 of shape " + batchShape(shapes.at(inputs[i]))
                + " (the model's Input '" + inputs[i] + "').");
        return lines;
    }
    const std::string path = checkpoint.data.featuresPath.empty() ? "features" : checkpoint.data.featuresPath;
    lines.push_back("float32 of shape " + batchShape(shapes.at(inputs[0]))
        + ": the raw features, as `neurino-batch predict` reads them from a dataset's '" + path + "'.");
    const auto& names = checkpoint.data.featureNames;
    if (!names.empty() && names.size() <= kMostListedFeatures)
        lines.push_back("Features in order: " + joined(names, ", ") + ".");
    if (checkpoint.standardizer.fitted())
        lines.push_back("The model standardises them itself with the mean and standard deviation the run "
                        "learned (buffers input_mean and input_std).");
    else
        lines.push_back("The run learned no input standardisation; the model takes them as they are.");
    return lines;
}

// What comes out, and the final activation that makes it probabilities.
std::string outputText(const Checkpoint& checkpoint, const Shape& shape, const std::string& finalActivation)
{
    const auto& names = checkpoint.data.classNames;
    const std::string task = checkpoint.data.task;
    std::string text = "float32 of shape " + batchShape(shape) + ": ";
    if (finalActivation == "sigmoid") {
        text += "the probability of "
            + (task == "binary" && names.size() == 2 ? "class '" + names[1] + "'" : std::string("class 1"))
            + " (the final sigmoid included)";
    } else if (finalActivation == "softmax") {
        text += "the probability of each class (the final softmax included)";
        if (!names.empty())
            text += "; columns " + quotedNames(names);
    } else if (task == "regression" || task == "images") {
        text += "the predicted values";
    } else {
        text += "the model's outputs (it ends in no sigmoid or softmax)";
    }
    return text + ", as `neurino-batch predict` gives them.";
}

std::string loadSnippet(const std::string& className, const std::vector<std::string>& parameters)
{
    const std::string args = parameters.size() == 1 ? "x" : joined(parameters, ", ");
    return "    import torch\n"
           "    from model import "
        + className
        + "\n"
          "    model = "
        + className
        + "()\n"
          "    model.load_state_dict(torch.load(\"weights.pt\", weights_only=False))\n"
          "    model.eval()\n"
          "    with torch.no_grad():\n"
          "        y = model("
        + args + ")\n";
}

std::string readmeText(const Checkpoint& checkpoint, const std::string& source, const PyTorchSource& py,
    const std::vector<std::string>& input, const std::string& output)
{
    const std::string& name = checkpoint.graph.name();
    std::string text = name + ", exported by Neurino " + NEURINO_VERSION + " from " + source + " (epoch "
        + std::to_string(checkpoint.epoch) + ")\n\n";
    text += "model.py    the network as a torch.nn.Module, class " + py.className
        + ": each submodule is named after\n"
          "            its Neurino node, and forward() runs the nodes in the graph's order\n"
          "weights.pt  its state dict (parameters and buffers), written by LibTorch; torch.load reads it\n"
          "            (weights_only=False: LibTorch's pickler tags the dict with\n"
          "            torch.jit._pickle.restore_type_tag, which PyTorch 2.6's default weights_only=True "
          "refuses)\n\n"
          "Load and run it (Python 3 with PyTorch, in this folder):\n\n"
        + loadSnippet(py.className, py.inputNames) + "\n";
    const bool one = py.inputNames.size() == 1;
    std::vector<std::string> lines
        = wrapped(one ? "Input x: " + joined(input, " ") : "Inputs, in this order:");
    if (!one) {
        for (const auto& in : input) {
            for (const auto& line : wrapped("  " + in, "    "))
                lines.push_back(line);
        }
    }
    for (const auto& line : wrapped("Output y: " + output))
        lines.push_back(line);
    lines.push_back("");
    for (const auto& line : wrapped("model.train() trains it as Neurino does: Dropout active, BatchNorm "
                                    "with the same epsilon and momentum."))
        lines.push_back(line);
    return text + joined(lines, "\n") + "\n";
}

// The state dict, keyed as model.py names its parameters and buffers.
std::vector<char> pickledWeights(
    const Checkpoint& checkpoint, GraphModule& module, const std::vector<PyTorchStateEntry>& entries)
{
    const auto tensors = module->nodeTensors();
    c10::Dict<std::string, at::Tensor> dict;
    std::map<std::string, std::size_t> exported;
    for (const PyTorchStateEntry& e : entries) {
        torch::Tensor t;
        if (e.node.empty()) {
            t = e.param == "mean" ? checkpoint.standardizer.mean() : checkpoint.standardizer.scale();
        } else if (e.param == "num_batches_tracked" && !tensors.at(e.node).count(e.param)) {
            t = torch::zeros({}, torch::kInt64); // Neurino does not count batches; PyTorch's BatchNorm does
        } else {
            const auto node = tensors.find(e.node);
            if (node == tensors.end() || !node->second.count(e.param))
                throw IoError("node '" + e.node + "': the checkpoint has no tensor '" + e.param
                    + "' that model.py's " + e.key + " needs");
            t = node->second.at(e.param);
            ++exported[e.node];
        }
        dict.insert(e.key, t.detach().to(torch::kCPU).contiguous().clone());
    }
    // Every tensor of an exported node is in the state dict: nothing the model computes with is lost.
    for (const auto& [node, count] : exported) {
        if (count != tensors.at(node).size())
            throw IoError("node '" + node + "' (" + checkpoint.graph.node(node).layer.kind
                + "): model.py takes " + std::to_string(count) + " of its "
                + std::to_string(tensors.at(node).size()) + " tensors");
    }
    return torch::pickle_save(c10::IValue(dict));
}

} // namespace pyexport

} // namespace

PyTorchExport exportPyTorch(const Checkpoint& checkpoint, const std::string& source)
{
    const ModelGraph& graph = checkpoint.graph;
    // Checks the graph, and the checkpoint's weights against it, naming the node and parameter.
    GraphModule module(graph);
    loadWeights(module, checkpoint.weights, "'" + source + "'");
    module->eval();
    const std::vector<std::string> inputs = graph.inputNodes();
    const Standardizer& standardizer = checkpoint.standardizer;
    if (standardizer.fitted()) {
        if (inputs.size() != 1)
            throw ModelError("model '" + graph.name() + "' has " + std::to_string(inputs.size())
                + " Input nodes but the checkpoint standardises one input");
        const Shape& in = module->shapes().at(inputs[0]);
        if (standardizer.mean().sizes().vec() != in || standardizer.scale().sizes().vec() != in)
            throw IoError("the checkpoint's input standardisation is for samples of shape "
                + formatShape(standardizer.mean().sizes().vec()) + " but the model's input '" + inputs[0]
                + "' takes " + formatShape(in));
    }

    const PyTorchSource py = pyTorchSource(graph, standardizer.fitted());
    const std::vector<std::string> header = { graph.name() + ": generated by Neurino " + NEURINO_VERSION
            + " (neurino-batch export pytorch) from " + source + ", epoch " + std::to_string(checkpoint.epoch)
            + ".",
        "Load it with the weights beside it (README.txt says more):", "    model = " + py.className + "()",
        "    model.load_state_dict(torch.load(\"weights.pt\", weights_only=False))", "    model.eval()" };
    const std::vector<std::string> input = pyexport::inputText(checkpoint, module->shapes(), py.inputNames);
    const std::string output = pyexport::outputText(
        checkpoint, module->shapes().at(graph.outputNode()), module->outputActivation());
    const std::string& description = graph.description();
    std::vector<std::string> doc = pyexport::wrapped(
        "The Neurino model '" + graph.name() + "'." + (description.empty() ? "" : " " + description));
    doc.push_back("");
    for (const std::string& paragraph : { "Input: " + pyexport::joined(input, " "), "Output: " + output }) {
        for (const auto& line : pyexport::wrapped(paragraph))
            doc.push_back(line);
    }

    PyTorchExport files;
    files.className = py.className;
    files.modelPy = pyTorchFile(py, header, doc);
    files.weightsPt = pyexport::pickledWeights(checkpoint, module, py.stateDict);
    files.readme = pyexport::readmeText(checkpoint, source, py, input, output);
    return files;
}

void writePyTorchExport(const PyTorchExport& files, const std::string& dir)
{
    namespace fs = std::filesystem;
    std::error_code error;
    fs::create_directories(dir, error);
    if (error || !fs::is_directory(dir))
        throw IoError("cannot make the folder '" + dir
            + "': " + (error ? error.message() : std::string("a file of that name is in the way"))
            + "; choose another --out");
    const fs::path folder(dir);
    writeFileAtomically((folder / "weights.pt").string(),
        [&](const std::string& tmp) { writeBytes(tmp, files.weightsPt.data(), files.weightsPt.size()); });
    writeTextFileAtomically((folder / "model.py").string(), files.modelPy);
    writeTextFileAtomically((folder / "README.txt").string(), files.readme);
}

} // namespace neurino
