#include "core/io/Hdf5.h"

#include "core/io/FileSeal.h"
#include "core/io/Hdf5Probe.h"
#include "core/io/ReadLimits.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

// libhdf5's metadata checksum (Jenkins' lookup3): exported by the library, though not in its public headers.
extern "C" std::uint32_t H5_checksum_metadata(const void* data, std::size_t length, std::uint32_t initial);

namespace neurino::hdf5 {

namespace {

// Target size of one chunk of a compressed dataset.
constexpr std::int64_t kChunkBytes = 1 << 20;

bool isNumeric(const H5::DataType& type)
{
    return type.getClass() == H5T_INTEGER || type.getClass() == H5T_FLOAT;
}

// The memory type a tensor of `type` is read into or written from.
const H5::PredType& memoryType(at::ScalarType type)
{
    switch (type) {
    case at::kFloat:
        return H5::PredType::NATIVE_FLOAT;
    case at::kDouble:
        return H5::PredType::NATIVE_DOUBLE;
    case at::kLong:
        return H5::PredType::NATIVE_INT64;
    case at::kInt:
        return H5::PredType::NATIVE_INT32;
    case at::kShort:
        return H5::PredType::NATIVE_INT16;
    case at::kChar:
        return H5::PredType::NATIVE_INT8;
    case at::kByte:
        return H5::PredType::NATIVE_UINT8;
    default:
        break;
    }
    throw IoError(std::string("cannot store tensors of type ") + c10::toString(type)
        + " in an HDF5 file; convert them to float32, float64 or an integer type");
}

H5::Attribute createScalar(H5::H5Object& object, const std::string& name, const H5::DataType& type)
{
    if (object.attrExists(name))
        object.removeAttr(name);
    return object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
}

// A numeric attribute holding exactly one value, or nothing.
std::optional<H5::Attribute> numericScalar(const H5::H5Object& object, const std::string& name)
{
    if (!object.attrExists(name))
        return std::nullopt;
    H5::Attribute attribute = object.openAttribute(name);
    if (!isNumeric(attribute.getDataType()) || attribute.getSpace().getSimpleExtentNpoints() != 1)
        return std::nullopt;
    return attribute;
}

// Strings of `width` bytes with their terminating null (HDF5 takes no zero-length string type).
H5::StrType fixedString(std::size_t width)
{
    H5::StrType type(H5::PredType::C_S1, std::max<std::size_t>(width, 1));
    type.setCset(H5T_CSET_UTF8);
    type.setStrpad(H5T_STR_NULLTERM);
    return type;
}

H5::DSetCreatPropList chunkedLayout(const at::Tensor& data, std::vector<hsize_t> dims, int gzipLevel)
{
    H5::DSetCreatPropList props;
    if (gzipLevel <= 0 || dims.empty() || dims[0] == 0)
        return props;
    std::int64_t rowBytes = static_cast<std::int64_t>(data.element_size());
    for (std::size_t i = 1; i < dims.size(); ++i)
        rowBytes *= static_cast<std::int64_t>(dims[i]);
    dims[0] = static_cast<hsize_t>(std::clamp<std::int64_t>(
        kChunkBytes / std::max<std::int64_t>(rowBytes, 1), 1, static_cast<std::int64_t>(dims[0])));
    props.setChunk(static_cast<int>(dims.size()), dims.data());
    props.setShuffle();
    props.setDeflate(static_cast<unsigned>(std::min(gzipLevel, 9)));
    return props;
}

// "'file.h5': dataset '/features'", for messages about a declared size.
std::string describe(const H5::H5Object& object, const std::string& what)
{
    return "'" + object.getFileName() + "': " + what + " '" + object.getObjName() + "'";
}

// Refuses a string attribute whose declared size is absurd or inconsistent, before the library reads it:
// reading a damaged variable-length string follows heap references that are not there (a crash inside
// libhdf5, H5HG_read). Returns the number of strings.
hssize_t checkedStringCount(
    const H5::H5Object& object, const std::string& name, const H5::StrType& type, const H5::DataSpace& space)
{
    const std::string what
        = "'" + object.getFileName() + "': string attribute '" + name + "' of '" + object.getObjName() + "'";
    const H5S_class_t spaceClass = space.getSimpleExtentType();
    if (spaceClass == H5S_NULL)
        return 0;
    if (spaceClass != H5S_SCALAR && spaceClass != H5S_SIMPLE)
        throw IoError(what + " has an unknown dataspace; the file is damaged");
    const hssize_t count = space.getSimpleExtentNpoints();
    const bool variable = type.isVariableStr();
    // Characters are bytes: a damaged character size makes the library allocate that many bytes per
    // character while reading (a 704 MB "character" turned a 2-byte string into gigabytes).
    if (variable) {
        const hid_t character = H5Tget_super(type.getId());
        const size_t characterBytes = character >= 0 ? H5Tget_size(character) : 0;
        if (character >= 0)
            H5Tclose(character);
        if (characterBytes != 1)
            throw IoError(what + " declares characters of " + std::to_string(characterBytes)
                + " bytes instead of 1; the file is damaged");
    }
    // A variable-length string is stored as a 16-byte heap reference; its text is counted when read.
    const std::int64_t elementBytes = variable ? 16 : static_cast<std::int64_t>(type.getSize());
    if (count < 0 || elementBytes <= 0)
        throw IoError(what + " declares a negative size; the file is damaged");
    // Saturated rather than overflowing: 10^18 strings of 2^31 bytes must not wrap into a small size.
    const bool overflow = count > 0 && elementBytes > std::numeric_limits<std::int64_t>::max() / count;
    const std::int64_t declared = overflow ? std::numeric_limits<std::int64_t>::max() : count * elementBytes;
    checkStringBytes(declared,
        count == 1 ? what
                   : what + " (" + std::to_string(count) + " strings of " + std::to_string(elementBytes)
                + " bytes)");
    // The attribute's data lives in its object's header (or, for many attributes, in the object's attribute
    // heap): a declared size larger than both means a damaged dataspace or type.
    H5O_info_t info;
    if (H5Oget_info2(object.getId(), &info, H5O_INFO_HDR | H5O_INFO_META_SIZE) >= 0) {
        const std::uint64_t room = info.hdr.space.total + info.meta_size.attr.heap_size;
        H5F_info2_t fileInfo;
        // Shared messages (rare, never written by Neurino) store attributes elsewhere: no bound to check.
        const bool shared = H5Fget_info2(object.getId(), &fileInfo) >= 0 && fileInfo.sohm.hdr_size > 0;
        const std::uint64_t stored = static_cast<std::uint64_t>(declared);
        if (!shared && stored > room)
            throw IoError(what + " declares " + std::to_string(count) + " strings of "
                + std::to_string(elementBytes) + " bytes, more than the " + std::to_string(room)
                + " bytes its object holds; the file is damaged");
    }
    return count;
}

std::string bytesText(double bytes)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(0) << bytes;
    return out.str();
}

// The most a filter shrinks data: deflate of constant data reaches about 1:1030, the library's other
// filters less.
constexpr double kMaxCompression = 4096;
// Below this, a dataset whose data was never written (fill values only) is not worth refusing.
constexpr double kUnstoredSlack = 1 << 20;

// Refuses a dataset that declares far more data than its file stores: a chunked or contiguous dataset of
// 2^31 elements whose chunks were never written costs a few bytes of file and 8 GiB of memory to read.
void checkStored(const H5::DataSet& dataset, const std::vector<std::int64_t>& dims)
{
    const H5::DSetCreatPropList props = dataset.getCreatePlist();
    const H5D_layout_t layout = props.getLayout();
    // External and virtual datasets keep their data in other files; compact ones are small by construction.
    if ((layout != H5D_CHUNKED && layout != H5D_CONTIGUOUS) || props.getExternalCount() > 0)
        return;
    // In floating point: 10^15 x 10^15 elements must not wrap.
    double declared = static_cast<double>(dataset.getDataType().getSize());
    for (const std::int64_t d : dims)
        declared *= static_cast<double>(d);
    const hsize_t stored = dataset.getStorageSize();
    if (declared > kUnstoredSlack && declared / kMaxCompression > static_cast<double>(stored))
        throw IoError(describe(dataset, "dataset") + " declares " + bytesText(declared)
            + " bytes of data but the file stores " + std::to_string(stored)
            + " bytes of it; the file is damaged or was never completely written");
}

// libhdf5 1.10's file image of a file with a user block carries a superblock checksum made before the
// superblock's base address was set: the rest is byte for byte what a file on disk holds, so recomputing the
// checksum (superblock versions 2 and 3: signature, 4 bytes, 4 addresses, then the checksum) makes it that.
void fixSuperblockChecksum(unsigned char* superblock, std::size_t size)
{
    if (size < 12 || (superblock[8] != 2 && superblock[8] != 3))
        return;
    const std::size_t covered = 12 + 4 * static_cast<std::size_t>(superblock[9]);
    if (covered + 4 > size)
        return;
    const std::uint32_t checksum = H5_checksum_metadata(superblock, covered, 0);
    for (int i = 0; i < 4; ++i) // little-endian, as HDF5 stores it
        superblock[covered + static_cast<std::size_t>(i)] = static_cast<unsigned char>(checksum >> (8 * i));
}

} // namespace

std::unique_lock<std::recursive_mutex> lock()
{
    static std::recursive_mutex mutex;
    static std::once_flag quiet;
    std::call_once(quiet, [] { H5::Exception::dontPrint(); });
    return std::unique_lock<std::recursive_mutex>(mutex);
}

bool isHdf5File(const std::string& path)
{
    auto held = lock();
    try {
        return H5::H5File::isHdf5(path.c_str());
    } catch (const H5::Exception&) {
        return false;
    }
}

H5::H5File openForReading(const std::string& path, const std::string& what, const std::string& hint)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError(what + " '" + path + "' does not exist; check the path");
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError("'" + path + "' is not a regular file; choose an HDF5 " + what + " (.h5)");
    // A file without Neurino's seal is walked in a child process first: a crash of libhdf5 on it must not
    // take this process, and the user's work, with it.
    if (!seal::verify(path, what, hint))
        checkInChildProcess(path, what);
    if (!isHdf5File(path))
        throw IoError("'" + path + "' is not an HDF5 file; a " + what + " is an HDF5 (.h5) file");
    auto held = lock();
    try {
        return H5::H5File(path, H5F_ACC_RDONLY);
    } catch (const H5::Exception& e) {
        // It starts as an HDF5 file: the rest is missing or damaged.
        throw IoError("cannot open " + what + " '" + path + "': " + e.getDetailMsg()
            + "; it starts as an HDF5 file but is damaged or cut short (an interrupted copy or download?): "
              "save or copy it again");
    }
}

H5::H5File createFile(const std::string& name)
{
    auto held = lock();
    H5::FileCreatPropList create;
    create.setUserblock(seal::kBlockBytes);
    H5::FileAccPropList access;
    access.setCore(/*increment=*/1 << 20, /*backing_store=*/false);
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    errno = 0; // so that writeFailure does not blame an earlier error on this file
    return H5::H5File(name, H5F_ACC_TRUNC, create, access);
}

void saveFile(H5::H5File& file, const std::string& path)
{
    auto held = lock();
    file.flush(H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(file.getId(), nullptr, 0);
    if (size <= 0)
        throw H5::FileIException("H5Fget_file_image", "cannot take the bytes of the file in memory");
    // The image starts at the superblock; the user block goes in front of it.
    std::vector<unsigned char> bytes(seal::kBlockBytes + static_cast<std::size_t>(size));
    if (H5Fget_file_image(file.getId(), bytes.data() + seal::kBlockBytes, static_cast<std::size_t>(size))
        != size)
        throw H5::FileIException("H5Fget_file_image", "cannot take the bytes of the file in memory");
    file.close();
    fixSuperblockChecksum(bytes.data() + seal::kBlockBytes, static_cast<std::size_t>(size));
    seal::stamp(bytes);
    neurino::writeBytes(path, bytes.data(), bytes.size());
}

std::string writeFailure(const std::string& path, const std::string& what, const H5::Exception& e)
{
    const int error = errno;
    for (const int known : { ENOSPC, EDQUOT, EROFS, EACCES, EPERM, EFBIG })
        if (error == known)
            return "cannot write " + what + " " + neurino::writeFailure(path, error).substr(13);
    return "cannot write " + what + " '" + path + "': " + e.getDetailMsg()
        + "; check that the folder exists, is writable and the disk has space";
}

bool datasetExists(const H5::H5File& file, const std::string& path)
{
    auto held = lock();
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
    return !prefix.empty() && file.childObjType(prefix) == H5O_TYPE_DATASET;
}

std::vector<std::int64_t> shapeOf(const H5::DataSet& dataset)
{
    auto held = lock();
    const H5::DataSpace space = dataset.getSpace();
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0)
        space.getSimpleExtentDims(dims.data());
    return std::vector<std::int64_t>(dims.begin(), dims.end());
}

std::string typeName(const H5::DataType& type)
{
    auto held = lock();
    switch (type.getClass()) {
    case H5T_INTEGER: {
        const bool isSigned = H5::IntType(type.getId()).getSign() != H5T_SGN_NONE;
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

std::vector<std::string> childNames(const H5::Group& group)
{
    auto held = lock();
    std::vector<std::string> names;
    const hsize_t count = group.getNumObjs();
    for (hsize_t i = 0; i < count; ++i)
        names.push_back(group.getObjnameByIdx(i));
    return names;
}

void writeString(H5::H5Object& object, const std::string& name, const std::string& value)
{
    auto held = lock();
    const H5::StrType type = fixedString(value.size() + 1);
    createScalar(object, name, type).write(type, value.c_str());
}

void writeStrings(H5::H5Object& object, const std::string& name, const std::vector<std::string>& values)
{
    auto held = lock();
    std::size_t width = 1;
    for (const auto& value : values)
        width = std::max(width, value.size() + 1);
    const H5::StrType type = fixedString(width);
    const hsize_t dims[1] = { values.size() };
    if (object.attrExists(name))
        object.removeAttr(name);
    H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(1, dims));
    std::vector<char> raw(width * values.size(), '\0');
    for (std::size_t i = 0; i < values.size(); ++i)
        std::copy(values[i].begin(), values[i].end(), raw.begin() + static_cast<std::ptrdiff_t>(i * width));
    if (!raw.empty())
        attribute.write(type, raw.data());
}

void writeInt64(H5::H5Object& object, const std::string& name, std::int64_t value)
{
    auto held = lock();
    createScalar(object, name, H5::PredType::NATIVE_INT64).write(H5::PredType::NATIVE_INT64, &value);
}

void writeUInt64(H5::H5Object& object, const std::string& name, std::uint64_t value)
{
    auto held = lock();
    createScalar(object, name, H5::PredType::NATIVE_UINT64).write(H5::PredType::NATIVE_UINT64, &value);
}

void writeDouble(H5::H5Object& object, const std::string& name, double value)
{
    auto held = lock();
    createScalar(object, name, H5::PredType::NATIVE_DOUBLE).write(H5::PredType::NATIVE_DOUBLE, &value);
}

std::vector<std::string> readStrings(const H5::H5Object& object, const std::string& name)
{
    auto held = lock();
    if (!object.attrExists(name))
        return {};
    const H5::Attribute attribute = object.openAttribute(name);
    if (attribute.getDataType().getClass() != H5T_STRING)
        return {};
    const H5::StrType type = attribute.getStrType();
    const H5::DataSpace space = attribute.getSpace();
    const hssize_t count = checkedStringCount(object, name, type, space);
    std::vector<std::string> values;
    if (count <= 0)
        return values;
    if (type.isVariableStr()) {
        std::vector<char*> raw(static_cast<std::size_t>(count), nullptr);
        attribute.read(type, raw.data());
        for (char* s : raw)
            values.emplace_back(s ? s : "");
        H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, raw.data());
        return values;
    }
    const std::size_t width = type.getSize();
    std::vector<char> raw(width * static_cast<std::size_t>(count));
    attribute.read(type, raw.data());
    for (hssize_t i = 0; i < count; ++i) {
        const char* begin = raw.data() + static_cast<std::size_t>(i) * width;
        values.emplace_back(begin, strnlen(begin, width));
    }
    return values;
}

std::optional<std::string> readString(const H5::H5Object& object, const std::string& name)
{
    std::vector<std::string> values = readStrings(object, name);
    if (values.empty())
        return std::nullopt;
    return std::move(values.front());
}

std::optional<std::int64_t> readInt64(const H5::H5Object& object, const std::string& name)
{
    auto held = lock();
    const auto attribute = numericScalar(object, name);
    std::int64_t value = 0;
    if (!attribute)
        return std::nullopt;
    attribute->read(H5::PredType::NATIVE_INT64, &value);
    return value;
}

std::optional<std::uint64_t> readUInt64(const H5::H5Object& object, const std::string& name)
{
    auto held = lock();
    const auto attribute = numericScalar(object, name);
    std::uint64_t value = 0;
    if (!attribute)
        return std::nullopt;
    attribute->read(H5::PredType::NATIVE_UINT64, &value);
    return value;
}

std::optional<double> readDouble(const H5::H5Object& object, const std::string& name)
{
    auto held = lock();
    const auto attribute = numericScalar(object, name);
    double value = 0;
    if (!attribute)
        return std::nullopt;
    attribute->read(H5::PredType::NATIVE_DOUBLE, &value);
    return value;
}

at::ScalarType scalarTypeOf(const H5::DataType& type)
{
    auto held = lock();
    if (type.getClass() == H5T_FLOAT)
        return type.getSize() > 4 ? at::kDouble : at::kFloat;
    if (type.getClass() != H5T_INTEGER)
        throw IoError("a dataset holds " + typeName(type) + " values where numbers were expected");
    const bool isSigned = H5::IntType(type.getId()).getSign() != H5T_SGN_NONE;
    switch (type.getSize()) {
    case 1:
        return isSigned ? at::kChar : at::kByte;
    case 2:
        return isSigned ? at::kShort : at::kInt;
    case 4:
        return isSigned ? at::kInt : at::kLong;
    default:
        return at::kLong;
    }
}

void writeTensor(H5::Group& parent, const std::string& name, const at::Tensor& tensor, TensorLayout layout)
{
    at::Tensor data = tensor.detach().cpu().contiguous();
    if (data.scalar_type() == at::kBool)
        data = data.to(at::kByte);
    const H5::PredType& type = memoryType(data.scalar_type());
    std::vector<hsize_t> dims(data.sizes().begin(), data.sizes().end());
    if (dims.empty() && layout.scalarAsVector)
        dims.push_back(1);
    auto held = lock();
    const H5::DataSpace space = dims.empty() ? H5::DataSpace(H5S_SCALAR)
                                             : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
    H5::DataSet dataset
        = parent.createDataSet(name, type, space, chunkedLayout(data, dims, layout.gzipLevel));
    if (data.numel() > 0)
        dataset.write(data.data_ptr(), type);
}

at::Tensor readTensor(const H5::Group& parent, const std::string& name)
{
    auto held = lock();
    const H5::DataSet dataset = parent.openDataSet(name);
    const std::vector<std::int64_t> shape = shapeOf(dataset);
    checkedElementCount(shape, describe(dataset, "dataset"));
    checkStored(dataset, shape);
    const at::ScalarType type = scalarTypeOf(dataset.getDataType());
    at::Tensor out = torch::empty(shape, torch::TensorOptions().dtype(type));
    if (out.numel() > 0)
        dataset.read(out.data_ptr(), memoryType(type));
    return out;
}

at::Tensor readRows(
    const H5::DataSet& dataset, std::int64_t begin, std::int64_t count, std::optional<at::ScalarType> as)
{
    auto held = lock();
    const std::vector<std::int64_t> dims = shapeOf(dataset);
    if (dims.empty())
        throw IoError("cannot read rows of a scalar dataset");
    if (begin < 0 || count < 0 || begin > dims[0] || count > dims[0] - begin)
        throw IoError(describe(dataset, "dataset") + " has " + std::to_string(dims[0])
            + " rows; cannot read rows " + std::to_string(begin) + "+" + std::to_string(count));
    const at::ScalarType type = as ? *as : scalarTypeOf(dataset.getDataType());
    std::vector<std::int64_t> outShape = dims;
    outShape[0] = count;
    checkedElementCount(outShape,
        describe(dataset, "dataset") + " (rows " + std::to_string(begin) + "+" + std::to_string(count) + ")");
    checkStored(dataset, dims);
    at::Tensor out = torch::empty(outShape, torch::TensorOptions().dtype(type));
    if (count == 0)
        return out;
    const H5::DataSpace fileSpace = dataset.getSpace();
    std::vector<hsize_t> offset(dims.size(), 0), extent(dims.begin(), dims.end());
    offset[0] = static_cast<hsize_t>(begin);
    extent[0] = static_cast<hsize_t>(count);
    fileSpace.selectHyperslab(H5S_SELECT_SET, extent.data(), offset.data());
    const H5::DataSpace memorySpace(static_cast<int>(extent.size()), extent.data());
    dataset.read(out.data_ptr(), memoryType(type), memorySpace, fileSpace);
    return out;
}

} // namespace neurino::hdf5
