#include "core/data/DatasetFile.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <H5Cpp.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

namespace neurino {

namespace {

// Marks files Neurino wrote, so readers can tell them from foreign files with similar names.
constexpr const char* kFormatName = "neurino-dataset";
// Version of the layout written below.
constexpr int kFormatVersion = 1;
// Target size of one chunk when writing compressed datasets.
constexpr std::int64_t kChunkBytes = 1 << 20;

// The HDF5 library prints its own error stack on stderr by default; we report errors ourselves.
void silenceHdf5()
{
    static std::once_flag once;
    std::call_once(once, [] { H5::Exception::dontPrint(); });
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::ostringstream out;
    for (std::size_t i = 0; i < shape.size(); ++i)
        out << (i ? "x" : "") << shape[i];
    return shape.empty() ? "scalar" : out.str();
}

std::string dtypeName(const H5::DataType& type)
{
    switch (type.getClass()) {
    case H5T_INTEGER: {
        const H5::IntType intType(type.getId());
        const bool isSigned = intType.getSign() != H5T_SGN_NONE;
        return std::string(isSigned ? "int" : "uint") + std::to_string(8 * type.getSize());
    }
    case H5T_FLOAT:
        return "float" + std::to_string(8 * type.getSize());
    case H5T_STRING:
        return "string";
    case H5T_ENUM:
        return "enum";
    case H5T_COMPOUND:
        return "compound";
    default:
        return "other";
    }
}

bool isNumeric(const H5::DataType& type)
{
    return type.getClass() == H5T_INTEGER || type.getClass() == H5T_FLOAT;
}

std::vector<std::int64_t> datasetShape(const H5::DataSet& dataset)
{
    const H5::DataSpace space = dataset.getSpace();
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0)
        space.getSimpleExtentDims(dims.data());
    return std::vector<std::int64_t>(dims.begin(), dims.end());
}

void collectDatasets(const H5::Group& group, const std::string& prefix, std::vector<DatasetEntryInfo>& out)
{
    const hsize_t count = group.getNumObjs();
    for (hsize_t i = 0; i < count; ++i) {
        const std::string name = group.getObjnameByIdx(i);
        const std::string full = prefix.empty() ? name : prefix + "/" + name;
        switch (group.childObjType(name)) {
        case H5O_TYPE_GROUP:
            collectDatasets(group.openGroup(name), full, out);
            break;
        case H5O_TYPE_DATASET: {
            const H5::DataSet dataset = group.openDataSet(name);
            out.push_back({ full, datasetShape(dataset), dtypeName(dataset.getDataType()) });
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

void checkReadableFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError("dataset file '" + path
            + "' does not exist; check the path or generate it with "
              "'neurino-batch generate NAME --out "
            + path + "'");
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError("'" + path + "' is not a regular file; choose an HDF5 dataset file (.h5)");
    silenceHdf5();
    bool hdf5 = false;
    try {
        hdf5 = H5::H5File::isHdf5(path.c_str());
    } catch (const H5::Exception&) {
        hdf5 = false;
    }
    if (!hdf5)
        throw IoError("'" + path
            + "' is not an HDF5 file; Neurino reads datasets from HDF5 (.h5) files, "
              "other formats (IDX, CSV) through their own importers");
}

H5::H5File openFile(const std::string& path)
{
    checkReadableFile(path);
    try {
        return H5::H5File(path, H5F_ACC_RDONLY);
    } catch (const H5::Exception& e) {
        throw IoError("cannot open HDF5 file '" + path + "': " + e.getDetailMsg());
    }
}

// True when every component of `path` exists and the last one is a dataset.
bool datasetExists(const H5::H5File& file, const std::string& path)
{
    std::string prefix;
    std::stringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '/')) {
        if (part.empty())
            continue;
        prefix += "/" + part;
        if (H5Lexists(file.getId(), prefix.c_str(), H5P_DEFAULT) <= 0)
            return false;
    }
    if (prefix.empty())
        return false;
    return file.childObjType(prefix) == H5O_TYPE_DATASET;
}

std::string stripSlash(const std::string& path)
{
    return !path.empty() && path.front() == '/' ? path.substr(1) : path;
}

// --- attributes -------------------------------------------------------------------------------------

std::vector<std::string> readStringAttribute(const H5::H5Object& object, const std::string& name)
{
    if (!object.attrExists(name))
        return {};
    const H5::Attribute attr = object.openAttribute(name);
    const H5::DataType type = attr.getDataType();
    if (type.getClass() != H5T_STRING)
        return {};
    const H5::StrType strType = attr.getStrType();
    const H5::DataSpace space = attr.getSpace();
    const hssize_t count = space.getSimpleExtentType() == H5S_NULL ? 0 : space.getSimpleExtentNpoints();
    std::vector<std::string> values;
    if (count <= 0)
        return values;
    if (strType.isVariableStr()) {
        std::vector<char*> raw(static_cast<std::size_t>(count), nullptr);
        attr.read(strType, raw.data());
        for (char* s : raw)
            values.emplace_back(s ? s : "");
        H5Dvlen_reclaim(strType.getId(), space.getId(), H5P_DEFAULT, raw.data());
    } else {
        const std::size_t width = strType.getSize();
        std::vector<char> raw(width * static_cast<std::size_t>(count));
        attr.read(strType, raw.data());
        for (hssize_t i = 0; i < count; ++i) {
            const char* begin = raw.data() + static_cast<std::size_t>(i) * width;
            values.emplace_back(begin, strnlen(begin, width));
        }
    }
    return values;
}

std::string readScalarString(const H5::H5Object& object, const std::string& name)
{
    const auto values = readStringAttribute(object, name);
    return values.empty() ? std::string() : values.front();
}

std::optional<std::uint64_t> readUInt64Attribute(const H5::H5Object& object, const std::string& name)
{
    if (!object.attrExists(name))
        return std::nullopt;
    const H5::Attribute attr = object.openAttribute(name);
    if (!isNumeric(attr.getDataType()) || attr.getSpace().getSimpleExtentNpoints() != 1)
        return std::nullopt;
    std::uint64_t value = 0;
    attr.read(H5::PredType::NATIVE_UINT64, &value);
    return value;
}

void writeStringAttribute(H5::H5Object& object, const std::string& name, const std::string& value)
{
    const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    H5::Attribute attr = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
    const char* raw = value.c_str();
    attr.write(type, &raw);
}

void writeStringListAttribute(
    H5::H5Object& object, const std::string& name, const std::vector<std::string>& values)
{
    const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    const hsize_t dims[1] = { values.size() };
    H5::Attribute attr = object.createAttribute(name, type, H5::DataSpace(1, dims));
    if (values.empty())
        return;
    std::vector<const char*> raw;
    raw.reserve(values.size());
    for (const auto& v : values)
        raw.push_back(v.c_str());
    attr.write(type, raw.data());
}

// --- tensors <-> HDF5 types -------------------------------------------------------------------------

const H5::PredType& memTypeFor(torch::ScalarType type)
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
    case torch::kInt16:
        return H5::PredType::NATIVE_INT16;
    case torch::kInt8:
        return H5::PredType::NATIVE_INT8;
    case torch::kUInt8:
        return H5::PredType::NATIVE_UINT8;
    default:
        break;
    }
    throw DataError(std::string("cannot store tensors of type ") + c10::toString(type)
        + " in a dataset file; convert them to float32, float64 or an integer type");
}

// The tensor type an HDF5 numeric type is read into, keeping integers integral and widening where torch
// has no unsigned type.
torch::ScalarType tensorTypeFor(const H5::DataType& type)
{
    if (type.getClass() == H5T_FLOAT)
        return type.getSize() > 4 ? torch::kFloat64 : torch::kFloat32;
    const H5::IntType intType(type.getId());
    const bool isSigned = intType.getSign() != H5T_SGN_NONE;
    switch (type.getSize()) {
    case 1:
        return isSigned ? torch::kInt8 : torch::kUInt8;
    case 2:
        return isSigned ? torch::kInt16 : torch::kInt32;
    case 4:
        return isSigned ? torch::kInt32 : torch::kInt64;
    default:
        return torch::kInt64;
    }
}

void writeTensor(H5::H5File& file, const std::string& name, const torch::Tensor& tensor, int gzipLevel)
{
    const torch::Tensor data = tensor.contiguous().cpu();
    std::vector<hsize_t> dims(data.sizes().begin(), data.sizes().end());
    if (dims.empty())
        dims.push_back(1);
    const H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    const H5::PredType& type = memTypeFor(data.scalar_type());
    H5::DSetCreatPropList props;
    if (gzipLevel > 0 && dims[0] > 0) {
        std::int64_t rowBytes = static_cast<std::int64_t>(data.element_size());
        for (std::size_t i = 1; i < dims.size(); ++i)
            rowBytes *= static_cast<std::int64_t>(dims[i]);
        std::vector<hsize_t> chunk = dims;
        chunk[0] = static_cast<hsize_t>(std::clamp<std::int64_t>(
            kChunkBytes / std::max<std::int64_t>(rowBytes, 1), 1, static_cast<std::int64_t>(dims[0])));
        props.setChunk(static_cast<int>(chunk.size()), chunk.data());
        props.setShuffle();
        props.setDeflate(static_cast<unsigned>(std::min(gzipLevel, 9)));
    }
    H5::DataSet dataset = file.createDataSet(name, type, space, props);
    if (data.numel() > 0)
        dataset.write(data.data_ptr(), type);
}

bool allBinary(const torch::Tensor& values)
{
    if (values.numel() == 0)
        return true;
    const torch::Tensor v = values.to(torch::kFloat64);
    return ((v == 0) | (v == 1)).all().item<bool>();
}

// --- reading -----------------------------------------------------------------------------------------

enum class TargetMode { None, Classes, Values };

} // namespace

struct DatasetFile::Impl {
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
        if (!datasetExists(file, name))
            missingPath(what, name);
        H5::DataSet dataset = file.openDataSet(name);
        const H5::DataType type = dataset.getDataType();
        if (!isNumeric(type))
            throw DataError("'" + path + "': " + what + " dataset '" + stripSlash(name) + "' holds "
                + dtypeName(type) + " values; " + what + " must be numbers (integer or float)");
        return dataset;
    }

    torch::Tensor readSlab(const H5::DataSet& dataset, const std::vector<std::int64_t>& dims,
        torch::ScalarType type, std::int64_t begin, std::int64_t count) const
    {
        std::vector<std::int64_t> outShape = dims;
        outShape[0] = count;
        torch::Tensor out = torch::empty(outShape, torch::TensorOptions().dtype(type));
        if (count == 0)
            return out;
        const H5::DataSpace fileSpace = dataset.getSpace();
        std::vector<hsize_t> offset(dims.size(), 0), extent(dims.begin(), dims.end());
        offset[0] = static_cast<hsize_t>(begin);
        extent[0] = static_cast<hsize_t>(count);
        fileSpace.selectHyperslab(H5S_SELECT_SET, extent.data(), offset.data());
        const H5::DataSpace memSpace(static_cast<int>(extent.size()), extent.data());
        dataset.read(out.data_ptr(), memTypeFor(type), memSpace, fileSpace);
        return out;
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
            const torch::Tensor all = readSlab(targets, targetDims, torch::kFloat64, 0, n);
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
                const torch::Tensor all = readSlab(targets, targetDims, torch::kFloat64, 0, n);
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
                = readSlab(targets, targetDims, integral ? torch::kInt64 : torch::kFloat64, begin, count);
            return t.reshape({ count }).to(torch::kInt64);
        }
        case TargetMode::Values: {
            torch::Tensor t = readSlab(targets, targetDims, torch::kFloat32, begin, count);
            return targetDims.size() == 1 ? t.reshape({ count, 1 }) : t;
        }
        }
        return {};
    }
};

DatasetFile::DatasetFile(const std::string& path, const DatasetPaths& paths)
    : m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    d.path = path;
    d.file = openFile(path);
    try {
        d.featuresPath = paths.features.empty() ? std::string("features") : paths.features;
        d.features = d.openNumeric("features", d.featuresPath);
        d.featureDims = datasetShape(d.features);
        if (d.featureDims.empty())
            throw DataError("'" + path + "': features dataset '" + stripSlash(d.featuresPath)
                + "' is a scalar; features need one row per sample (N x ...)");
        d.n = d.featureDims[0];

        const H5::Group root = d.file.openGroup("/");
        const std::string storedTask = readScalarString(root, "task");
        d.info.classNames = readStringAttribute(root, "class_names");
        d.info.featureNames = readStringAttribute(root, "feature_names");
        d.info.generator = readScalarString(root, "generator");
        d.info.optionsJson = readScalarString(root, "options");
        d.info.seed = readUInt64Attribute(root, "seed").value_or(0);
        d.info.origin = readScalarString(root, "origin");
        if (d.info.origin.empty())
            d.info.origin = path;

        const bool targetsStored = !paths.targets.empty() && datasetExists(d.file, paths.targets);
        // Neurino's unlabelled files simply have no /targets; anywhere else a missing path is an error.
        const bool unlabelledOwnFile = storedTask == taskName(Task::Unlabelled) && paths.targets == "targets";
        if (targetsStored) {
            d.targetsPath = paths.targets;
            d.targets = d.openNumeric("targets", d.targetsPath);
            d.targetDims = datasetShape(d.targets);
            if (d.targetDims.empty() || d.targetDims[0] != d.n)
                throw DataError("'" + path + "': features '" + stripSlash(d.featuresPath) + "' have "
                    + std::to_string(d.n) + " rows but targets '" + stripSlash(d.targetsPath)
                    + "' have shape " + shapeText(d.targetDims)
                    + "; both need one row per sample. Check the dataset paths");
            d.decideTargets(paths.task, storedTask);
        } else if (!paths.targets.empty() && !unlabelledOwnFile) {
            d.missingPath("targets", paths.targets);
        } else {
            d.info.task = paths.task.value_or(Task::Unlabelled);
            if (d.info.task != Task::Unlabelled)
                throw DataError("'" + path + "': the " + taskName(d.info.task)
                    + " task needs targets; name the targets dataset");
        }
        // Channels-first images: a foreign stack of N x H x W images gets its single channel.
        d.addChannelAxis = d.info.task == Task::Images && d.featureDims.size() == 3;

        if (paths.readExtras) {
            const std::string fName = stripSlash(d.featuresPath), tName = stripSlash(d.targetsPath);
            for (hsize_t i = 0; i < root.getNumObjs(); ++i) {
                const std::string name = root.getObjnameByIdx(i);
                if (name == fName || name == tName || root.childObjType(name) != H5O_TYPE_DATASET)
                    continue;
                H5::DataSet dataset = root.openDataSet(name);
                const auto shape = datasetShape(dataset);
                if (isNumeric(dataset.getDataType()) && !shape.empty() && shape[0] == d.n)
                    d.extras.emplace(name, dataset);
            }
        }
    } catch (const H5::Exception& e) {
        throw IoError("cannot read '" + path + "': " + e.getDetailMsg() + "; the file may be damaged");
    }
}

DatasetFile::~DatasetFile() = default;
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
    Impl& d = *m_impl;
    if (begin < 0 || begin > d.n || count < 0)
        throw DataError("'" + d.path + "': cannot read rows " + std::to_string(begin) + "+"
            + std::to_string(count) + " of a dataset with " + std::to_string(d.n) + " rows");
    count = std::min(count, d.n - begin);
    Dataset out;
    out.info = d.info;
    try {
        torch::Tensor features = d.readSlab(d.features, d.featureDims, torch::kFloat32, begin, count);
        std::vector<std::int64_t> shape = featureShape();
        shape.insert(shape.begin(), count);
        out.features = features.reshape(shape);
        out.targets = d.readTargets(begin, count);
        for (const auto& [name, dataset] : d.extras)
            out.extras[name] = d.readSlab(
                dataset, datasetShape(dataset), tensorTypeFor(dataset.getDataType()), begin, count);
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
    if (task != Task::Unlabelled) {
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

    silenceHdf5();
    writeFileAtomically(path, [&](const std::string& tmp) {
        try {
            H5::H5File file(tmp, H5F_ACC_TRUNC);
            writeTensor(file, "features", dataset.features.to(torch::kFloat32), options.gzipLevel);
            if (targets.defined())
                writeTensor(file, "targets", targets, options.gzipLevel);
            for (const auto& [name, extra] : dataset.extras) {
                torch::Tensor data = extra;
                if (data.scalar_type() == torch::kBool)
                    data = data.to(torch::kUInt8);
                writeTensor(file, name, data, options.gzipLevel);
            }
            H5::Group root = file.openGroup("/");
            writeStringAttribute(root, "format", kFormatName);
            const hsize_t one = 1;
            const int version = kFormatVersion;
            root.createAttribute("format_version", H5::PredType::NATIVE_INT, H5::DataSpace(1, &one))
                .write(H5::PredType::NATIVE_INT, &version);
            writeStringAttribute(root, "task", taskName(task));
            writeStringListAttribute(root, "class_names", dataset.info.classNames);
            writeStringListAttribute(root, "feature_names", dataset.info.featureNames);
            writeStringAttribute(root, "generator", dataset.info.generator);
            const std::uint64_t seed = dataset.info.seed;
            root.createAttribute("seed", H5::PredType::NATIVE_UINT64, H5::DataSpace(H5S_SCALAR))
                .write(H5::PredType::NATIVE_UINT64, &seed);
            writeStringAttribute(
                root, "options", dataset.info.optionsJson.empty() ? "{}" : dataset.info.optionsJson);
            writeStringAttribute(root, "origin", dataset.info.origin);
            file.close();
        } catch (const H5::Exception& e) {
            throw IoError("cannot write dataset file '" + path + "': " + e.getDetailMsg()
                + "; check that the folder exists, is writable and the disk has space");
        }
    });
}

std::vector<DatasetEntryInfo> listDatasets(const std::string& path)
{
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
