#include "core/train/Checkpoint.h"

#include "core/graph/ModelJson.h"
#include "core/io/Hdf5.h"
#include "core/io/ReadLimits.h"
#include "core/util/AtomicFile.h"
#include "core/util/Crc32.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <filesystem>
#include <sstream>
#include <type_traits>

namespace neurino {

using nlohmann::json;

namespace {

// A missing attribute of a checkpoint is damage: name it, as HDF5's own exceptions would not.
template <typename T> T required(std::optional<T> value, const H5::H5Object& object, const std::string& name)
{
    if (!value)
        throw IoError("attribute '" + name + "' of '" + object.getObjName() + "' is missing or not a "
            + (std::is_same_v<T, std::string> ? "string" : "number"));
    return *value;
}

// The attribute of /weights and /best_weights that holds weightsChecksum.
constexpr char kWeightsChecksum[] = "weights_crc32";

// CRC-32 of every tensor of `tensors` in the order of their names: each one's "node/param" name, shape and
// bytes as a checkpoint stores them. Loading recomputes it from what libhdf5 read, so damaged weights are
// refused even where the file's seal cannot speak for them (a file another program rewrote has none).
std::uint32_t weightsChecksum(const NodeTensors& tensors)
{
    std::uint32_t crc = 0;
    const auto add = [&crc](const void* bytes, std::size_t size) { crc = crc32(crc, bytes, size); };
    for (const auto& [node, params] : tensors) {
        for (const auto& [param, tensor] : params) {
            const std::string name = node + "/" + param;
            add(name.c_str(), name.size() + 1);
            const at::Tensor data = tensor.detach().cpu().contiguous();
            const std::vector<std::int64_t> shape(data.sizes().begin(), data.sizes().end());
            add(shape.data(), shape.size() * sizeof(std::int64_t));
            add(data.data_ptr(), static_cast<std::size_t>(data.numel()) * data.element_size());
        }
    }
    return crc;
}

void writeNodeTensors(H5::Group& parent, const std::string& name, const NodeTensors& tensors)
{
    H5::Group group = parent.createGroup(name);
    for (const auto& [node, params] : tensors) {
        H5::Group nodeGroup = group.createGroup(node);
        for (const auto& [param, tensor] : params)
            hdf5::writeTensor(nodeGroup, param, tensor);
    }
    hdf5::writeUInt64(group, kWeightsChecksum, weightsChecksum(tensors));
}

// Checkpoints written before weights had a checksum have none and are read as they are.
NodeTensors readNodeTensors(const H5::Group& group)
{
    NodeTensors out;
    // One group per node: a damaged link count must not start a loop over a billion names.
    checkGraphNodes(static_cast<std::int64_t>(group.getNumObjs()),
        "'" + group.getFileName() + "': group '" + group.getObjName() + "'");
    for (const auto& node : hdf5::childNames(group)) {
        const H5::Group nodeGroup = group.openGroup(node);
        for (const auto& param : hdf5::childNames(nodeGroup))
            out[node][param] = hdf5::readTensor(nodeGroup, param);
    }
    if (const auto stored = hdf5::readUInt64(group, kWeightsChecksum)) {
        const std::uint32_t computed = weightsChecksum(out);
        if (*stored != computed) {
            std::ostringstream message;
            message << "the checksum of its weights in '" << group.getObjName()
                    << "' does not match them (stored " << std::hex << *stored << ", computed " << computed
                    << ")";
            throw IoError(message.str());
        }
    }
    return out;
}

void writeFile(const std::string& tmp, const Checkpoint& c)
{
    H5::H5File file = hdf5::createFile(tmp);
    H5::Group root = file.openGroup("/");
    hdf5::writeString(root, "format", kCheckpointFormat);
    hdf5::writeInt64(root, "format_version", kCheckpointVersion);
    hdf5::writeString(root, "neurino_version", NEURINO_VERSION);
    hdf5::writeInt64(root, "epoch", c.epoch);
    hdf5::writeUInt64(root, "seed", c.seed);
    hdf5::writeString(root, "config", c.config.toJson().dump());
    hdf5::writeString(root, "data", c.data.toJson().dump());
    hdf5::writeString(root, "trainer_state", c.trainerState.dump());

    H5::Group graph = file.createGroup("graph");
    hdf5::writeString(graph, "json", modelToString(c.graph));
    writeNodeTensors(root, "weights", c.weights);
    if (!c.bestWeights.empty())
        writeNodeTensors(root, "best_weights", c.bestWeights);

    H5::Group optimizer = file.createGroup("optimizer");
    hdf5::writeString(optimizer, "name", c.optimizerName);
    hdf5::writeDouble(optimizer, "learning_rate", c.learningRate);
    for (const auto& [param, states] : c.optimizerState) {
        // "node/param" becomes nested groups /optimizer/node/param.
        const auto slash = param.find('/');
        const std::string node = param.substr(0, slash);
        H5::Group nodeGroup
            = optimizer.exists(node) ? optimizer.openGroup(node) : optimizer.createGroup(node);
        H5::Group paramGroup = nodeGroup.createGroup(param.substr(slash + 1));
        for (const auto& [name, tensor] : states)
            hdf5::writeTensor(paramGroup, name, tensor);
    }

    if (c.standardizer.fitted()) {
        H5::Group standardizer = file.createGroup("standardizer");
        hdf5::writeTensor(standardizer, "mean", c.standardizer.mean());
        hdf5::writeTensor(standardizer, "scale", c.standardizer.scale());
    }

    H5::Group history = file.createGroup("history");
    hdf5::writeInt64(history, "epochs", static_cast<std::int64_t>(c.history.size()));
    for (const auto& name : c.history.names())
        hdf5::writeTensor(history, name, torch::tensor(c.history.series(name), torch::kFloat64));

    if (c.rngState.defined()) {
        H5::Group rng = file.createGroup("rng");
        hdf5::writeTensor(rng, "cpu", c.rngState);
    }
    hdf5::saveFile(file, tmp);
}

Checkpoint readFile(const std::string& path, H5::H5File& file)
{
    Checkpoint c;
    const H5::Group root = file.openGroup("/");
    const auto version = required(hdf5::readInt64(root, "format_version"), root, "format_version");
    if (version > kCheckpointVersion)
        throw IoError("'" + path + "' is a checkpoint of format version " + std::to_string(version)
            + ", newer than this Neurino reads (" + std::to_string(kCheckpointVersion) + "); update Neurino");
    c.neurinoVersion = hdf5::readString(root, "neurino_version").value_or("");
    c.epoch = static_cast<int>(required(hdf5::readInt64(root, "epoch"), root, "epoch"));
    c.seed = required(hdf5::readUInt64(root, "seed"), root, "seed");
    const auto parsed = [&root, &path](const std::string& name) {
        const std::string text = required(hdf5::readString(root, name), root, name);
        checkJsonDepth(text, "'" + path + "' attribute '" + name + "'");
        return json::parse(text);
    };
    c.config = TrainConfig::fromJson(parsed("config"), "'" + path + "' config");
    c.data = DataSignature::fromJson(parsed("data"));
    c.trainerState = parsed("trainer_state");
    const H5::Group graph = file.openGroup("graph");
    c.graph
        = modelFromString(required(hdf5::readString(graph, "json"), graph, "json"), "'" + path + "' /graph");
    c.weights = readNodeTensors(file.openGroup("weights"));
    if (root.nameExists("best_weights"))
        c.bestWeights = readNodeTensors(file.openGroup("best_weights"));

    const H5::Group optimizer = file.openGroup("optimizer");
    c.optimizerName = required(hdf5::readString(optimizer, "name"), optimizer, "name");
    c.learningRate = required(hdf5::readDouble(optimizer, "learning_rate"), optimizer, "learning_rate");
    for (const auto& node : hdf5::childNames(optimizer)) {
        const H5::Group nodeGroup = optimizer.openGroup(node);
        for (const auto& param : hdf5::childNames(nodeGroup)) {
            const H5::Group paramGroup = nodeGroup.openGroup(param);
            for (const auto& name : hdf5::childNames(paramGroup))
                c.optimizerState[node + "/" + param][name] = hdf5::readTensor(paramGroup, name);
        }
    }

    if (root.nameExists("standardizer")) {
        const H5::Group s = file.openGroup("standardizer");
        c.standardizer = Standardizer(hdf5::readTensor(s, "mean"), hdf5::readTensor(s, "scale"));
    }

    const H5::Group history = file.openGroup("history");
    const auto epochs = required(hdf5::readInt64(history, "epochs"), history, "epochs");
    if (epochs < 0)
        throw IoError(
            "attribute 'epochs' of '/history' is " + std::to_string(epochs) + "; the file is damaged");
    std::map<std::string, torch::Tensor> series;
    std::int64_t longest = 0;
    for (const auto& name : hdf5::childNames(history)) {
        series[name] = hdf5::readTensor(history, name).to(torch::kFloat64).contiguous();
        longest = std::max(longest, series[name].numel());
    }
    // As many rows as the series hold: a damaged count of 10^15 epochs must not allocate 10^15 rows.
    std::vector<std::map<std::string, double>> rows(static_cast<std::size_t>(std::min(epochs, longest)));
    for (const auto& [name, values] : series) {
        for (std::int64_t i = 0; i < std::min<std::int64_t>(values.numel(), epochs); ++i)
            if (!std::isnan(values[i].item<double>()))
                rows[static_cast<std::size_t>(i)][name] = values[i].item<double>();
    }
    for (auto& row : rows)
        c.history.append(std::move(row));

    if (root.nameExists("rng"))
        c.rngState = hdf5::readTensor(file.openGroup("rng"), "cpu");
    return c;
}

} // namespace

json DataSignature::toJson() const
{
    return { { "size", size }, { "sample_shape", sampleShape }, { "task", task },
        { "class_names", classNames }, { "feature_names", featureNames }, { "origin", origin },
        { "features_path", featuresPath }, { "targets_path", targetsPath } };
}

DataSignature DataSignature::fromJson(const json& doc)
{
    DataSignature d;
    d.size = doc.value("size", std::int64_t(0));
    d.sampleShape = doc.value("sample_shape", std::vector<std::int64_t> {});
    d.task = doc.value("task", std::string());
    d.classNames = doc.value("class_names", std::vector<std::string> {});
    d.featureNames = doc.value("feature_names", std::vector<std::string> {});
    d.origin = doc.value("origin", std::string());
    d.featuresPath = doc.value("features_path", std::string());
    d.targetsPath = doc.value("targets_path", std::string());
    return d;
}

void saveCheckpoint(const std::string& path, const Checkpoint& checkpoint)
{
    auto held = hdf5::lock();
    writeFileAtomically(path, [&](const std::string& tmp) {
        try {
            writeFile(tmp, checkpoint);
        } catch (const H5::Exception& e) {
            throw IoError(hdf5::writeFailure(path, "checkpoint", e));
        }
    });
}

Checkpoint loadCheckpoint(const std::string& path)
{
    auto held = hdf5::lock();
    if (!std::filesystem::exists(path))
        throw IoError("checkpoint '" + path + "' does not exist");
    const std::string advice = "use best.h5 or an earlier checkpoint (a run folder keeps the one before as "
                               "checkpoint.prev.h5, which neurino-batch train --resume falls back to)";
    H5::H5File file;
    try {
        file = hdf5::openForReading(path, "checkpoint", advice);
    } catch (const IoError& e) {
        if (std::string(e.what()).find("is damaged") != std::string::npos)
            throw;
        throw IoError("'" + path + "' is not a readable HDF5 file (" + e.what()
            + "); it may be truncated or damaged — " + advice);
    }
    std::string format;
    try {
        const H5::Group root = file.openGroup("/");
        format = hdf5::readString(root, "format").value_or("");
    } catch (const H5::Exception&) {
    }
    if (format != kCheckpointFormat)
        throw IoError("'" + path
            + "' is an HDF5 file but not a Neurino checkpoint (its 'format' attribute is "
            + (format.empty() ? std::string("missing") : "'" + format + "'")
            + "); pass the checkpoint.h5 or best.h5 of a run directory");
    try {
        return readFile(path, file);
    } catch (const H5::Exception& e) {
        throw IoError("checkpoint '" + path + "' is damaged or incomplete (" + e.getDetailMsg()
            + "); it may be truncated — use best.h5 or an earlier checkpoint");
    } catch (const json::exception& e) {
        throw IoError("checkpoint '" + path + "' holds malformed JSON (" + e.what() + ")");
    } catch (const IoError& e) {
        throw IoError(std::string("checkpoint '") + path + "': " + e.what() + "; the file may be damaged");
    } catch (const ModelError& e) {
        throw IoError(std::string("checkpoint '") + path + "': " + e.what());
    } catch (const TrainError& e) {
        throw IoError(std::string("checkpoint '") + path + "': " + e.what());
    } catch (const DataError& e) {
        throw IoError(std::string("checkpoint '") + path + "': " + e.what());
    }
}

void loadWeights(GraphModule& module, const NodeTensors& weights, const std::string& source)
{
    torch::NoGradGuard noGrad;
    for (const auto& [node, params] : module->nodeTensors()) {
        const auto savedNode = weights.find(node);
        if (savedNode == weights.end())
            throw IoError(
                source + " has no weights for node '" + node + "'; it was saved from a different model");
        for (const auto& [param, tensor] : params) {
            const auto saved = savedNode->second.find(param);
            if (saved == savedNode->second.end())
                throw IoError(source + " has no '" + param + "' for node '" + node + "'");
            if (!saved->second.sizes().equals(tensor.sizes()))
                throw IoError(source + ": node '" + node + "' " + param + " has shape "
                    + c10::str(saved->second.sizes()) + " but the model's is " + c10::str(tensor.sizes())
                    + "; it was saved from a different model");
            tensor.copy_(saved->second.to(tensor.device(), tensor.scalar_type()));
        }
    }
}

NodeTensors copyWeights(const GraphModule& module)
{
    NodeTensors out;
    for (const auto& [node, params] : module->nodeTensors())
        for (const auto& [param, tensor] : params)
            out[node][param] = tensor.detach().to(torch::kCPU, /*non_blocking=*/false, /*copy=*/true);
    return out;
}

GraphModule moduleFromCheckpoint(const Checkpoint& checkpoint)
{
    GraphModule module(checkpoint.graph);
    loadWeights(module, checkpoint.weights);
    module->eval();
    return module;
}

} // namespace neurino
