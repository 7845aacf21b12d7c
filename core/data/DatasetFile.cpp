#include "core/data/DatasetFile.h"

#include "core/io/Hdf5.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

namespace neurino {

namespace {

// Marks files Neurino wrote, so readers can tell them from foreign files with similar names.
constexpr const char* kFormatName = "neurino-dataset";
// Version of the layout written below.
constexpr int kFormatVersion = 1;

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::ostringstream out;
    for (std::size_t i = 0; i < shape.size(); ++i)
        out << (i ? "x" : "") << shape[i];
    return shape.empty() ? "scalar" : out.str();
}

bool isNumeric(const H5::DataType& type)
{
    return type.getClass() == H5T_INTEGER || type.getClass() == H5T_FLOAT;
}

void collectDatasets(const H5::Group& group, const std::string& prefix, std::vector<DatasetEntryInfo>& out)
{
    for (const std::string& name : hdf5::childNames(group)) {
        const std::string full = prefix.empty() ? name : prefix + "/" + name;
        switch (group.childObjType(name)) {
        case H5O_TYPE_GROUP:
            collectDatasets(group.openGroup(name), full, out);
            break;
        case H5O_TYPE_DATASET: {
            const H5::DataSet dataset = group.openDataSet(name);
            out.push_back({ full, hdf5::shapeOf(dataset), hdf5::typeName(dataset.getDataType()) });
            break;
        }
        default:
            break;
        }
    }
}

std::string describeContents(const std::vector<DatasetEntryInfo>& entries)
{
    if (entries.empty())
        return "the file contains no datasets";
    std::ostringstream out;
    out << "the file contains: ";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        out << (i ? ", " : "") << entries[i].name << " (" << shapeText(entries[i].shape) << " "
            << entries[i].dtype << ")";
    }
    return out.str();
}

H5::H5File openFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError("dataset file '" + path
            + "' does not exist; check the path or generate it with "
              "'neurino-batch generate NAME --out "
            + path + "'");
    return hdf5::openForReading(path, "dataset file");
}

std::string stripSlash(const std::string& path)
{
    return !path.empty() && path.front() == '/' ? path.substr(1) : path;
}

bool allBinary(const torch::Tensor& values)
{
    if (values.numel() == 0)
        return true;
    const torch::Tensor v = values.to(torch::kFloat64);
    return ((v == 0) | (v == 1)).all().item<bool>();
}

} // namespace

struct DatasetFile::Impl {
    enum class TargetMode { None, Classes, Values };

    std::string path;
    H5::H5File file;
    H5::DataSet features;
    H5::DataSet targets;
    std::string featuresPath;
    std::string targetsPath;
    TargetMode targetMode = TargetMode::None;
    std::int64_t n = 0;
    std::vector<std::int64_t> featureDims; // full shape as stored
    std::vector<std::int64_t> targetDims; // full shape as stored
    bool addChannelAxis = false;
    DatasetInfo info;
    std::map<std::string, H5::DataSet> extras;

    [[noreturn]] void missingPath(const std::string& what, const std::string& name) const
    {
        std::vector<DatasetEntryInfo> entries;
        collectDatasets(file.openGroup("/"), "", entries);
        throw DataError("'" + path + "' has no " + what + " dataset '" + name + "'; "
            + describeContents(entries) + ". Name the " + what
            + " path of this file (e.g. the dataset dialog's " + what + " field)");
    }

    H5::DataSet openNumeric(const std::string& what, const std::string& name)
    {
        if (!hdf5::datasetExists(file, name))
            missingPath(what, name);
        H5::DataSet dataset = file.openDataSet(name);
        const H5::DataType type = dataset.getDataType();
        if (!isNumeric(type))
            throw DataError("'" + path + "': " + what + " dataset '" + stripSlash(name) + "' holds "
                + hdf5::typeName(type) + " values; " + what + " must be numbers (integer or float)");
        return dataset;
    }

    // The features dataset at `name` and its shape; throws DataError for a scalar.
    void openFeatures(const std::string& name)
    {
        featuresPath = name;
        features = openNumeric("features", featuresPath);
        featureDims = hdf5::shapeOf(features);
        if (featureDims.empty())
            throw DataError("'" + path + "': features dataset '" + stripSlash(featuresPath)
                + "' is a scalar; features need one row per sample (N x ...)");
        n = featureDims[0];
    }

    // The file's own attributes (class and feature names, generator, options, seed, origin); returns the
    // task it states, if any.
    std::string readInfo(const H5::Group& root)
    {
        const std::string storedTask = hdf5::readString(root, "task").value_or("");
        info.classNames = hdf5::readStrings(root, "class_names");
        info.featureNames = hdf5::readStrings(root, "feature_names");
        info.generator = hdf5::readString(root, "generator").value_or("");
        info.optionsJson = hdf5::readString(root, "options").value_or("");
        info.seed = hdf5::readUInt64(root, "seed").value_or(0);
        info.origin = hdf5::readString(root, "origin").value_or("");
        if (info.origin.empty())
            info.origin = path;
        return storedTask;
    }

    // The targets at paths.targets and the task; an unlabelled task without them.
    void openTargets(const DatasetPaths& paths, const std::string& storedTask)
    {
        // An autoencoder's targets are its inputs: whatever the file holds as targets is not read.
        if (paths.task == Task::Reconstruction) {
            info.task = Task::Reconstruction;
            return;
        }
        const bool targetsStored = !paths.targets.empty() && hdf5::datasetExists(file, paths.targets);
        // Neurino's unlabelled files simply have no /targets; anywhere else a missing path is an error.
        // So have reconstruction files, whose targets are their features.
        const bool reconstruction = storedTask == taskName(Task::Reconstruction);
        const bool unlabelledOwnFile
            = (storedTask == taskName(Task::Unlabelled) || reconstruction) && paths.targets == "targets";
        if (targetsStored) {
            targetsPath = paths.targets;
            targets = openNumeric("targets", targetsPath);
            targetDims = hdf5::shapeOf(targets);
            if (targetDims.empty() || targetDims[0] != n)
                throw DataError("'" + path + "': features '" + stripSlash(featuresPath) + "' have "
                    + std::to_string(n) + " rows but targets '" + stripSlash(targetsPath) + "' have shape "
                    + shapeText(targetDims) + "; both need one row per sample. Check the dataset paths");
            decideTargets(paths.task, storedTask);
        } else if (!paths.targets.empty() && !unlabelledOwnFile) {
            missingPath("targets", paths.targets);
        } else {
            info.task = paths.task.value_or(reconstruction ? Task::Reconstruction : Task::Unlabelled);
            if (info.task != Task::Unlabelled && info.task != Task::Reconstruction)
                throw DataError("'" + path + "': the " + taskName(info.task)
                    + " task needs targets; name the targets dataset");
        }
    }

    // The other numeric datasets at the root with one row per sample.
    void findExtras(const H5::Group& root)
    {
        const std::string fName = stripSlash(featuresPath), tName = stripSlash(targetsPath);
        for (const std::string& name : hdf5::childNames(root)) {
            if (name == fName || name == tName || root.childObjType(name) != H5O_TYPE_DATASET)
                continue;
            H5::DataSet dataset = root.openDataSet(name);
            const auto shape = hdf5::shapeOf(dataset);
            if (isNumeric(dataset.getDataType()) && !shape.empty() && shape[0] == n)
                extras.emplace(name, dataset);
        }
    }

    void decideTargets(const std::optional<Task>& taskOverride, const std::string& storedTask)
    {
        const H5::DataType type = targets.getDataType();
        const bool integral = type.getClass() == H5T_INTEGER;
        const std::string name = stripSlash(targetsPath);
        if (targetDims.size() > 2)
            throw DataError("'" + path + "': targets dataset '" + name + "' has shape "
                + shapeText(targetDims) + "; targets must be N (class indices) or N x k (values)");
        const bool singleColumn = targetDims.size() == 1 || targetDims[1] == 1;

        if (taskOverride) {
            info.task = *taskOverride;
        } else if (!storedTask.empty()) {
            info.task = parseTask(storedTask);
        } else {
            // A foreign file: integer targets are classes; float targets that only hold 0 and 1 (Keras
            // tutorials store labels as N x 1 floats) are binary labels; anything else is a regression.
            const torch::Tensor all = hdf5::readRows(targets, 0, n, torch::kFloat64);
            if (singleColumn && (integral || allBinary(all)))
                info.task = allBinary(all) ? Task::Binary : Task::Classification;
            else
                info.task = Task::Regression;
        }
        if (info.task == Task::Unlabelled) {
            targetMode = TargetMode::None;
        } else if (info.task == Task::Classification || info.task == Task::Binary) {
            if (!singleColumn)
                throw DataError("'" + path + "': targets dataset '" + name + "' has shape "
                    + shapeText(targetDims) + "; a " + taskName(info.task)
                    + " task needs one class index per sample (N or N x 1)");
            if (!integral) {
                const torch::Tensor all = hdf5::readRows(targets, 0, n, torch::kFloat64);
                const torch::Tensor bad = (all != all.round()).flatten().nonzero();
                if (bad.numel() > 0) {
                    const std::int64_t row = bad[0].item<std::int64_t>();
                    throw DataError("'" + path + "': targets dataset '" + name
                        + "' holds non-integer values (" + std::to_string(all.flatten()[row].item<double>())
                        + " at row " + std::to_string(row) + "); a " + taskName(info.task)
                        + " task needs class indices, choose the regression task instead");
                }
            }
            targetMode = TargetMode::Classes;
        } else {
            targetMode = TargetMode::Values;
        }
    }

    torch::Tensor readTargets(std::int64_t begin, std::int64_t count) const
    {
        switch (targetMode) {
        case TargetMode::None:
            return {};
        case TargetMode::Classes: {
            const bool integral = targets.getDataType().getClass() == H5T_INTEGER;
            torch::Tensor t
                = hdf5::readRows(targets, begin, count, integral ? torch::kInt64 : torch::kFloat64);
            return t.reshape({ count }).to(torch::kInt64);
        }
        case TargetMode::Values: {
            torch::Tensor t = hdf5::readRows(targets, begin, count, torch::kFloat32);
            return targetDims.size() == 1 ? t.reshape({ count, 1 }) : t;
        }
        }
        return {};
    }
};

DatasetFile::DatasetFile(const std::string& path, const DatasetPaths& paths)
    : m_impl(std::make_unique<Impl>())
{
    auto held = hdf5::lock();
    Impl& d = *m_impl;
    d.path = path;
    d.file = openFile(path);
    try {
        d.openFeatures(paths.features.empty() ? std::string("features") : paths.features);
        const H5::Group root = d.file.openGroup("/");
        const std::string storedTask = d.readInfo(root);
        d.openTargets(paths, storedTask);
        // Channels-first images: a foreign stack of N x H x W images gets its single channel.
        d.addChannelAxis = d.info.task == Task::Images && d.featureDims.size() == 3;
        if (paths.readExtras)
            d.findExtras(root);
    } catch (const H5::Exception& e) {
        throw IoError("cannot read '" + path + "': " + e.getDetailMsg() + "; the file may be damaged");
    }
}

DatasetFile::~DatasetFile()
{
    // Closing the file's handles calls into HDF5 too.
    auto held = hdf5::lock();
    m_impl.reset();
}
DatasetFile::DatasetFile(DatasetFile&&) noexcept = default;
DatasetFile& DatasetFile::operator=(DatasetFile&&) noexcept = default;

const std::string& DatasetFile::path() const
{
    return m_impl->path;
}
std::int64_t DatasetFile::size() const
{
    return m_impl->n;
}
const DatasetInfo& DatasetFile::info() const
{
    return m_impl->info;
}

std::vector<std::int64_t> DatasetFile::featureShape() const
{
    std::vector<std::int64_t> shape(m_impl->featureDims.begin() + 1, m_impl->featureDims.end());
    if (m_impl->addChannelAxis)
        shape.insert(shape.begin(), 1);
    if (shape.empty())
        shape.push_back(1);
    return shape;
}

std::vector<std::string> DatasetFile::extraNames() const
{
    std::vector<std::string> names;
    for (const auto& [name, dataset] : m_impl->extras)
        names.push_back(name);
    return names;
}

Dataset DatasetFile::readAll()
{
    return readRows(0, m_impl->n);
}

Dataset DatasetFile::readRows(std::int64_t begin, std::int64_t count)
{
    auto held = hdf5::lock();
    Impl& d = *m_impl;
    if (begin < 0 || begin > d.n || count < 0)
        throw DataError("'" + d.path + "': cannot read rows " + std::to_string(begin) + "+"
            + std::to_string(count) + " of a dataset with " + std::to_string(d.n) + " rows");
    count = std::min(count, d.n - begin);
    Dataset out;
    out.info = d.info;
    try {
        torch::Tensor features = hdf5::readRows(d.features, begin, count, torch::kFloat32);
        std::vector<std::int64_t> shape = featureShape();
        shape.insert(shape.begin(), count);
        out.features = features.reshape(shape);
        out.targets = d.readTargets(begin, count);
        for (const auto& [name, dataset] : d.extras)
            out.extras[name] = hdf5::readRows(dataset, begin, count);
    } catch (const H5::Exception& e) {
        throw IoError("cannot read rows " + std::to_string(begin) + "-" + std::to_string(begin + count)
            + " of '" + d.path + "': " + e.getDetailMsg() + "; the file may be truncated");
    }
    return out;
}

Dataset readDataset(const std::string& path, const DatasetPaths& paths)
{
    DatasetFile file(path, paths);
    return file.readAll();
}

void writeDataset(const std::string& path, const Dataset& dataset, const DatasetWriteOptions& options)
{
    if (!dataset.features.defined())
        throw DataError("cannot write '" + path + "': the dataset has no features");
    const std::int64_t n = dataset.size();
    const Task task = dataset.info.task;
    torch::Tensor targets;
    if (task != Task::Unlabelled && task != Task::Reconstruction) {
        if (!dataset.targets.defined())
            throw DataError("cannot write '" + path + "': a " + taskName(task) + " dataset needs targets");
        if (dataset.targets.dim() == 0 || dataset.targets.size(0) != n)
            throw DataError("cannot write '" + path + "': " + std::to_string(n)
                + " feature rows but targets of shape " + shapeText(dataset.targets.sizes().vec()));
        const bool classes = task == Task::Classification || task == Task::Binary;
        targets = classes ? dataset.targets.reshape({ n }).to(torch::kInt64)
                          : dataset.targets.to(torch::kFloat32);
        if (!classes && targets.dim() == 1)
            targets = targets.reshape({ n, 1 });
    }
    for (const auto& [name, extra] : dataset.extras) {
        if (name.empty() || name.find('/') != std::string::npos || name == "features" || name == "targets")
            throw DataError("cannot write '" + path + "': extra dataset name '" + name
                + "' must be a plain name other than 'features' and 'targets'");
        if (!extra.defined() || extra.dim() == 0 || extra.size(0) != n)
            throw DataError("cannot write '" + path + "': extra dataset '" + name + "' needs "
                + std::to_string(n) + " rows");
    }

    writeFileAtomically(path, [&](const std::string& tmp) {
        auto held = hdf5::lock();
        try {
            H5::H5File file = hdf5::createFile(tmp);
            const hdf5::TensorLayout layout { options.gzipLevel, /*scalarAsVector=*/true };
            hdf5::writeTensor(file, "features", dataset.features.to(torch::kFloat32), layout);
            if (targets.defined())
                hdf5::writeTensor(file, "targets", targets, layout);
            for (const auto& [name, extra] : dataset.extras)
                hdf5::writeTensor(file, name, extra, layout);
            H5::Group root = file.openGroup("/");
            hdf5::writeString(root, "format", kFormatName);
            hdf5::writeInt64(root, "format_version", kFormatVersion);
            hdf5::writeString(root, "task", taskName(task));
            hdf5::writeStrings(root, "class_names", dataset.info.classNames);
            hdf5::writeStrings(root, "feature_names", dataset.info.featureNames);
            hdf5::writeString(root, "generator", dataset.info.generator);
            hdf5::writeUInt64(root, "seed", dataset.info.seed);
            hdf5::writeString(
                root, "options", dataset.info.optionsJson.empty() ? "{}" : dataset.info.optionsJson);
            hdf5::writeString(root, "origin", dataset.info.origin);
            hdf5::saveFile(file, tmp);
        } catch (const H5::Exception& e) {
            throw IoError(hdf5::writeFailure(path, "dataset file", e));
        }
    });
}

std::vector<DatasetEntryInfo> listDatasets(const std::string& path)
{
    auto held = hdf5::lock();
    H5::H5File file = openFile(path);
    std::vector<DatasetEntryInfo> entries;
    try {
        collectDatasets(file.openGroup("/"), "", entries);
    } catch (const H5::Exception& e) {
        throw IoError("cannot list the datasets of '" + path + "': " + e.getDetailMsg());
    }
    return entries;
}

} // namespace neurino
