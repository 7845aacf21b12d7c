#include "core/train/Checkpoint.h"

#include "core/graph/ModelJson.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <H5Cpp.h>
#include <torch/torch.h>

#include <filesystem>
#include <mutex>

namespace neurino {

using nlohmann::json;

namespace {

// The HDF5 library is not built thread-safe; checkpoints may be written from a training thread.
std::mutex& hdf5Mutex()
{
    static std::mutex mutex;
    return mutex;
}

const H5::PredType& h5TypeOf(torch::ScalarType type)
{
    switch (type) {
    case torch::kFloat32:
        return H5::PredType::NATIVE_FLOAT;
    case torch::kFloat64:
        return H5::PredType::NATIVE_DOUBLE;
    case torch::kInt64:
        return H5::PredType::NATIVE_INT64;
    case torch::kInt32:
        return H5::PredType::NATIVE_INT32;
    case torch::kUInt8:
        return H5::PredType::NATIVE_UINT8;
    default:
        throw IoError(
            std::string("cannot store tensors of type ") + c10::toString(type) + " in a checkpoint");
    }
}

torch::ScalarType torchTypeOf(const H5::DataType& type)
{
    if (type.getClass() == H5T_FLOAT)
        return type.getSize() == 8 ? torch::kFloat64 : torch::kFloat32;
    if (type.getClass() == H5T_INTEGER) {
        if (type.getSize() == 1)
            return torch::kUInt8;
        return type.getSize() == 4 ? torch::kInt32 : torch::kInt64;
    }
    throw IoError("a checkpoint tensor has a type that is neither integer nor float");
}

void writeTensor(H5::Group& group, const std::string& name, const torch::Tensor& tensor)
{
    torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
    if (t.scalar_type() == torch::kBool)
        t = t.to(torch::kUInt8);
    std::vector<hsize_t> dims(t.sizes().begin(), t.sizes().end());
    const H5::DataSpace space = dims.empty() ? H5::DataSpace(H5S_SCALAR)
                                             : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
    const H5::PredType& type = h5TypeOf(t.scalar_type());
    H5::DataSet dataset = group.createDataSet(name, type, space);
    if (t.numel() > 0)
        dataset.write(t.data_ptr(), type);
}

torch::Tensor readTensor(const H5::Group& group, const std::string& name)
{
    const H5::DataSet dataset = group.openDataSet(name);
    const H5::DataSpace space = dataset.getSpace();
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0)
        space.getSimpleExtentDims(dims.data());
    const torch::ScalarType type = torchTypeOf(dataset.getDataType());
    torch::Tensor t = torch::empty(std::vector<std::int64_t>(dims.begin(), dims.end()), type);
    if (t.numel() > 0)
        dataset.read(t.data_ptr(), h5TypeOf(type));
    return t;
}

void writeString(H5::H5Object& object, const std::string& name, const std::string& value)
{
    const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR)).write(type, value);
}

std::string readString(const H5::H5Object& object, const std::string& name)
{
    const H5::Attribute attribute = object.openAttribute(name);
    std::string value;
    attribute.read(attribute.getStrType(), value);
    return value;
}

template <typename T>
void writeScalar(H5::H5Object& object, const std::string& name, const H5::PredType& type, T value)
{
    object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR)).write(type, &value);
}

template <typename T>
T readScalar(const H5::H5Object& object, const std::string& name, const H5::PredType& type)
{
    T value {};
    object.openAttribute(name).read(type, &value);
    return value;
}

void writeNodeTensors(H5::Group& parent, const std::string& name, const NodeTensors& tensors)
{
    H5::Group group = parent.createGroup(name);
    for (const auto& [node, params] : tensors) {
        H5::Group nodeGroup = group.createGroup(node);
        for (const auto& [param, tensor] : params)
            writeTensor(nodeGroup, param, tensor);
    }
}

std::vector<std::string> children(const H5::Group& group)
{
    std::vector<std::string> names;
    for (hsize_t i = 0; i < group.getNumObjs(); ++i)
        names.push_back(group.getObjnameByIdx(i));
    return names;
}

NodeTensors readNodeTensors(const H5::Group& group)
{
    NodeTensors out;
    for (const auto& node : children(group)) {
        const H5::Group nodeGroup = group.openGroup(node);
        for (const auto& param : children(nodeGroup))
            out[node][param] = readTensor(nodeGroup, param);
    }
    return out;
}

void writeFile(const std::string& tmp, const Checkpoint& c)
{
    H5::FileAccPropList access;
    // Dense attribute storage: a large model's JSON may exceed the 64 KiB of compact attributes.
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    H5::H5File file(tmp, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);
    H5::Group root = file.openGroup("/");
    writeString(root, "format", kCheckpointFormat);
    writeScalar<int>(root, "format_version", H5::PredType::NATIVE_INT, kCheckpointVersion);
    writeString(root, "neurino_version", NEURINO_VERSION);
    writeScalar<int>(root, "epoch", H5::PredType::NATIVE_INT, c.epoch);
    writeScalar<std::uint64_t>(root, "seed", H5::PredType::NATIVE_UINT64, c.seed);
    writeString(root, "config", c.config.toJson().dump());
    writeString(root, "data", c.data.toJson().dump());
    writeString(root, "trainer_state", c.trainerState.dump());

    H5::Group graph = file.createGroup("graph");
    writeString(graph, "json", modelToString(c.graph));
    writeNodeTensors(root, "weights", c.weights);
    if (!c.bestWeights.empty())
        writeNodeTensors(root, "best_weights", c.bestWeights);

    H5::Group optimizer = file.createGroup("optimizer");
    writeString(optimizer, "name", c.optimizerName);
    writeScalar<double>(optimizer, "learning_rate", H5::PredType::NATIVE_DOUBLE, c.learningRate);
    for (const auto& [param, states] : c.optimizerState) {
        // "node/param" becomes nested groups /optimizer/node/param.
        const auto slash = param.find('/');
        const std::string node = param.substr(0, slash);
        H5::Group nodeGroup
            = optimizer.exists(node) ? optimizer.openGroup(node) : optimizer.createGroup(node);
        H5::Group paramGroup = nodeGroup.createGroup(param.substr(slash + 1));
        for (const auto& [name, tensor] : states)
            writeTensor(paramGroup, name, tensor);
    }

    if (c.standardizer.fitted()) {
        H5::Group standardizer = file.createGroup("standardizer");
        writeTensor(standardizer, "mean", c.standardizer.mean());
        writeTensor(standardizer, "scale", c.standardizer.scale());
    }

    H5::Group history = file.createGroup("history");
    writeScalar<int>(history, "epochs", H5::PredType::NATIVE_INT, static_cast<int>(c.history.size()));
    for (const auto& name : c.history.names())
        writeTensor(history, name, torch::tensor(c.history.series(name), torch::kFloat64));

    if (c.rngState.defined()) {
        H5::Group rng = file.createGroup("rng");
        writeTensor(rng, "cpu", c.rngState);
    }
    file.close();
}

Checkpoint readFile(const std::string& path, H5::H5File& file)
{
    Checkpoint c;
    const H5::Group root = file.openGroup("/");
    const int version = readScalar<int>(root, "format_version", H5::PredType::NATIVE_INT);
    if (version > kCheckpointVersion)
        throw IoError("'" + path + "' is a checkpoint of format version " + std::to_string(version)
            + ", newer than this Neurino reads (" + std::to_string(kCheckpointVersion) + "); update Neurino");
    c.neurinoVersion = readString(root, "neurino_version");
    c.epoch = readScalar<int>(root, "epoch", H5::PredType::NATIVE_INT);
    c.seed = readScalar<std::uint64_t>(root, "seed", H5::PredType::NATIVE_UINT64);
    c.config = TrainConfig::fromJson(json::parse(readString(root, "config")), "'" + path + "' config");
    c.data = DataSignature::fromJson(json::parse(readString(root, "data")));
    c.trainerState = json::parse(readString(root, "trainer_state"));
    c.graph = modelFromString(readString(file.openGroup("graph"), "json"), "'" + path + "' /graph");
    c.weights = readNodeTensors(file.openGroup("weights"));
    if (root.nameExists("best_weights"))
        c.bestWeights = readNodeTensors(file.openGroup("best_weights"));

    const H5::Group optimizer = file.openGroup("optimizer");
    c.optimizerName = readString(optimizer, "name");
    c.learningRate = readScalar<double>(optimizer, "learning_rate", H5::PredType::NATIVE_DOUBLE);
    for (const auto& node : children(optimizer)) {
        const H5::Group nodeGroup = optimizer.openGroup(node);
        for (const auto& param : children(nodeGroup)) {
            const H5::Group paramGroup = nodeGroup.openGroup(param);
            for (const auto& name : children(paramGroup))
                c.optimizerState[node + "/" + param][name] = readTensor(paramGroup, name);
        }
    }

    if (root.nameExists("standardizer")) {
        const H5::Group s = file.openGroup("standardizer");
        c.standardizer = Standardizer(readTensor(s, "mean"), readTensor(s, "scale"));
    }

    const H5::Group history = file.openGroup("history");
    const int epochs = readScalar<int>(history, "epochs", H5::PredType::NATIVE_INT);
    std::vector<std::map<std::string, double>> rows(static_cast<std::size_t>(epochs));
    for (const auto& name : children(history)) {
        const torch::Tensor series = readTensor(history, name).to(torch::kFloat64).contiguous();
        for (std::int64_t i = 0; i < std::min<std::int64_t>(series.numel(), epochs); ++i)
            if (!std::isnan(series[i].item<double>()))
                rows[static_cast<std::size_t>(i)][name] = series[i].item<double>();
    }
    for (auto& row : rows)
        c.history.append(std::move(row));

    if (root.nameExists("rng"))
        c.rngState = readTensor(file.openGroup("rng"), "cpu");
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
    std::lock_guard<std::mutex> lock(hdf5Mutex());
    H5::Exception::dontPrint();
    writeFileAtomically(path, [&](const std::string& tmp) {
        try {
            writeFile(tmp, checkpoint);
        } catch (const H5::Exception& e) {
            throw IoError("cannot write checkpoint '" + path + "': " + e.getDetailMsg()
                + "; check that the folder is writable and the disk has space");
        }
    });
}

Checkpoint loadCheckpoint(const std::string& path)
{
    std::lock_guard<std::mutex> lock(hdf5Mutex());
    H5::Exception::dontPrint();
    if (!std::filesystem::exists(path))
        throw IoError("checkpoint '" + path + "' does not exist");
    H5::H5File file;
    try {
        file.openFile(path, H5F_ACC_RDONLY);
    } catch (const H5::Exception& e) {
        throw IoError("'" + path + "' is not a readable HDF5 file (" + e.getDetailMsg()
            + "); it may be truncated or damaged — use best.h5 or an earlier checkpoint");
    }
    std::string format;
    try {
        const H5::Group root = file.openGroup("/");
        if (root.attrExists("format"))
            format = readString(root, "format");
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
