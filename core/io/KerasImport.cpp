#include "core/io/KerasImport.h"

#include "core/graph/ModelGraph.h"
#include "core/io/Hdf5.h"
#include "core/io/Hdf5Model.h"
#include "core/io/KerasModel.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <filesystem>
#include <set>

namespace neurino {

namespace {

using keras::KerasWeights;
using keras::WeightPlan;

// Keras splits an attribute longer than HDF5's object header limit into name0, name1, ...
std::vector<std::string> chunkedStrings(const H5::H5Object& object, const std::string& name)
{
    if (object.attrExists(name))
        return hdf5::readStrings(object, name);
    std::vector<std::string> all;
    for (int i = 0; object.attrExists(name + std::to_string(i)); ++i)
        for (auto& s : hdf5::readStrings(object, name + std::to_string(i)))
            all.push_back(std::move(s));
    return all;
}

// The weights of every layer that layer_names lists, in the file's order.
struct FileWeights {
    std::vector<std::string> layers;
    std::map<std::string, KerasWeights> weights;
    std::int64_t count = 0;
};

FileWeights readWeights(const H5::Group& group, const std::string& where, const std::string& source)
{
    const bool listed = group.attrExists("layer_names") || group.attrExists("layer_names0");
    if (!listed)
        throw IoError(source + ": " + where
            + " has no layer_names attribute, which Keras writes; it is not a " + "Keras weights file");
    FileWeights file;
    file.layers = chunkedStrings(group, "layer_names");
    const std::vector<std::string> members = hdf5::childNames(group);
    for (const auto& layer : file.layers) {
        if (std::find(members.begin(), members.end(), layer) == members.end())
            throw IoError(source + ": layer_names lists '" + layer + "' but " + where + " has no group '"
                + layer + "'; the file is damaged or was not written by Keras");
        const H5::Group g = group.openGroup(layer);
        KerasWeights& weights = file.weights[layer];
        for (const auto& name : chunkedStrings(g, "weight_names")) {
            torch::Tensor value;
            try {
                value = hdf5::readTensor(g, name);
            } catch (const H5::Exception&) {
                throw IoError(source + ": Keras layer '" + layer + "' lacks its weight '" + name
                    + "' (its weight_names lists it but there is no such dataset)");
            } catch (const IoError& e) {
                throw IoError(source + ": Keras layer '" + layer + "' weight '" + name + "': " + e.what());
            }
            file.count += value.numel();
            weights.emplace_back(name, value);
        }
    }
    return file;
}

// Fills the checkpoint's weights from the plans, each checked against the module built from the graph.
void fillWeights(Checkpoint& checkpoint, const std::vector<WeightPlan>& plans,
    const std::vector<const KerasWeights*>& weights, const std::string& source)
{
    const GraphModule module(checkpoint.graph);
    const auto expected = module->nodeTensors();
    std::set<std::string> filled;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        const WeightPlan& plan = plans[i];
        checkpoint.weights[plan.node]
            = keras::convertWeights(plan, *weights[i], expected.at(plan.node), source);
        filled.insert(plan.node);
    }
    for (const auto& [node, tensors] : expected)
        if (!tensors.empty() && !filled.count(node))
            throw IoError(source + ": no Keras weights for node '" + node + "'");
}

// What predict and evaluate check a data file against: the one input's sample shape.
void describeData(Checkpoint& checkpoint, const std::string& path)
{
    const std::vector<std::string> inputs = checkpoint.graph.inputNodes();
    if (inputs.size() == 1)
        checkpoint.data.sampleShape = checkpoint.graph.inferShapes().at(inputs[0]);
    checkpoint.data.origin = "Keras file " + path;
}

void checkCount(const Checkpoint& checkpoint, std::int64_t kerasParams, const std::string& source)
{
    const std::int64_t neurino = checkpoint.graph.parameterCount().total();
    if (neurino != kerasParams)
        throw ModelError(source + ": the Keras file holds " + std::to_string(kerasParams)
            + " weights but Neurino's graph counts " + std::to_string(neurino));
}

} // namespace

KerasImport importKerasModel(const std::string& path)
{
    auto held = hdf5::lock();
    const H5::H5File file = hdf5::openForReading(path, "Keras model file");
    KerasImport result;
    result.kerasVersion = hdf5::readString(file, "keras_version").value_or("");
    const auto text = hdf5::readString(file, "model_config");
    if (!text) {
        const bool weightsOnly = file.attrExists("layer_names");
        throw IoError("'" + path + "' has no model_config attribute, so it holds no Keras model"
            + (weightsOnly ? std::string("; it is a weights-only file (save_weights): import it with --model "
                                         "and the Neurino model it belongs to")
                           : std::string("; save the model with Keras's model.save('model.h5')")));
    }
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        throw IoError("'" + path + "': model_config is not valid JSON (" + e.what() + ")");
    }
    keras::ModelPlan plan;
    try {
        plan = keras::planModel(config);
    } catch (const ModelError& e) {
        throw ModelError("'" + path + "': " + e.what());
    }
    if (!file.nameExists("model_weights"))
        throw IoError("'" + path + "' has no model_weights group, which Keras's model.save writes");
    const FileWeights weights
        = readWeights(file.openGroup("model_weights"), "model_weights", "'" + path + "'");

    std::vector<const KerasWeights*> found;
    std::set<std::string> used;
    for (const auto& p : plan.weights) {
        const auto it = weights.weights.find(p.layer);
        if (it == weights.weights.end())
            throw IoError("'" + path + "': Keras layer '" + p.layer + "' (" + p.kerasClass
                + ") has no weights in model_weights (its layer_names does not list it)");
        found.push_back(&it->second);
        used.insert(p.layer);
    }
    for (const auto& [layer, w] : weights.weights)
        if (!w.empty() && !used.count(layer))
            throw IoError("'" + path + "': model_weights holds weights of layer '" + layer
                + "', which the model_config has not or Neurino does not give weights");
    result.checkpoint.graph = plan.graph;
    // Keras 2.0 and 2.1 kept no name in a Sequential's config: the file's name serves.
    if (!config.at("config").is_object() || !config.at("config").contains("name"))
        result.checkpoint.graph.setName(std::filesystem::path(path).stem().string());
    result.checkpoint.graph.setDescription("Imported from the Keras model " + path);
    fillWeights(result.checkpoint, plan.weights, found, "'" + path + "'");
    result.kerasParams = weights.count;
    checkCount(result.checkpoint, weights.count, "'" + path + "'");
    describeData(result.checkpoint, path);
    return result;
}

KerasImport importKerasWeights(const std::string& path, const ModelGraph& model, KerasDataFormat format)
{
    auto held = hdf5::lock();
    const H5::H5File file = hdf5::openForReading(path, "Keras weights file");
    KerasImport result;
    result.kerasVersion = hdf5::readString(file, "keras_version").value_or("");
    // A full model file holds the same layout under model_weights.
    const bool full = !file.attrExists("layer_names") && !file.attrExists("layer_names0")
        && file.nameExists("model_weights");
    const FileWeights weights = full
        ? readWeights(file.openGroup("model_weights"), "model_weights", "'" + path + "'")
        : readWeights(file.openGroup("/"), "the file's root", "'" + path + "'");
    const std::vector<WeightPlan> plans = keras::planWeights(model, format == KerasDataFormat::ChannelsLast);
    std::vector<const KerasWeights*> found;
    std::vector<std::string> layers;
    for (const auto& layer : weights.layers)
        if (!weights.weights.at(layer).empty())
            layers.push_back(layer);
    if (layers.size() != plans.size()) {
        std::string nodes;
        for (const auto& p : plans)
            nodes += (nodes.empty() ? "" : ", ") + p.node;
        throw IoError("'" + path + "' holds weights of " + std::to_string(layers.size())
            + " Keras layers but the model '" + model.name() + "' has " + std::to_string(plans.size())
            + " nodes with weights (" + nodes + "); they are matched in order");
    }
    std::vector<WeightPlan> named = plans;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        named[i].layer = layers[i];
        found.push_back(&weights.weights.at(layers[i]));
    }
    result.checkpoint.graph = model;
    fillWeights(result.checkpoint, named, found, "'" + path + "'");
    result.kerasParams = weights.count;
    checkCount(result.checkpoint, weights.count, "'" + path + "'");
    describeData(result.checkpoint, path);
    return result;
}

bool isKerasModelFile(const std::string& path)
{
    auto held = hdf5::lock();
    return hdf5::openForReading(path, "model file").attrExists("model_config");
}

Hdf5Model modelOfHdf5File(const std::string& path)
{
    Hdf5Model model;
    if (isKerasModelFile(path)) {
        KerasImport imported = importKerasModel(path);
        model.graph = std::move(imported.checkpoint.graph);
        model.keras = true;
        model.kerasVersion = imported.kerasVersion;
        model.parameters = imported.kerasParams;
    } else {
        model.graph = loadCheckpoint(path).graph;
        model.parameters = model.graph.parameterCount().total();
    }
    return model;
}

} // namespace neurino
