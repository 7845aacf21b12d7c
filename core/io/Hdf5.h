#pragma once

#include <ATen/core/Tensor.h>
#include <H5Cpp.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

// The one place Neurino talks to the HDF5 library: its process-wide lock, opening files with messages a user
// can act on, attributes, and the codec between tensors and HDF5 datasets. Datasets, checkpoints, predictions
// and run folders all go through it.
namespace neurino::hdf5 {

// Debian's HDF5 is not built thread-safe, and the window reads files on worker threads while a run writes its
// checkpoint on another: every call into the library holds this lock (recursive, so helpers may nest). Taking
// it also turns off the library's own printing of error stacks; Neurino reports errors itself.
std::unique_lock<std::recursive_mutex> lock();

// True when `path` starts like an HDF5 file (its signature, after any user block).
bool isHdf5File(const std::string& path);

// Opens an existing HDF5 file for reading. Throws IoError naming the file when it is missing, not a regular
// file or not HDF5; `what` says what the file was meant to be ("dataset file", "checkpoint"). A file Neurino
// wrote is checked against its seal (FileSeal.h) from the raw bytes first, so that a damaged one is refused
// with a message, `hint` saying what to do instead, before libhdf5 parses it; any other HDF5 file is first
// walked in a child process when a probe program is set (Hdf5Probe.h). Every reader of HDF5 files opens
// them here.
H5::H5File openForReading(const std::string& path, const std::string& what, const std::string& hint = {});

// Makes an HDF5 file to write, in memory: libhdf5 itself then never writes to disk. A write of its own that
// fails (a full disk, the file-size limit) would surface only in destructors and leave the library with a
// file it cannot close (libhdf5 1.10 then crashes at exit). The file has the user block for the seal
// (FileSeal.h) and dense attribute storage (a large model's JSON may exceed the 64 KiB of compact
// attributes). `name` is for messages.
H5::H5File createFile(const std::string& name);
// Closes a file made by createFile and writes its bytes, sealed, to `path` (a writer's temporary file of
// writeFileAtomically), checking every write. Throws IoError naming the file, or H5::Exception.
void saveFile(H5::H5File& file, const std::string& path);

// "cannot write <what> '<path>': ..." for a failed write: a full disk, a read-only folder or the file-size
// limit (errno after the failure) named with the folder, else HDF5's detail.
std::string writeFailure(const std::string& path, const std::string& what, const H5::Exception& e);

// True when every component of `path` exists in `file` and the last one is a dataset.
bool datasetExists(const H5::H5File& file, const std::string& path);
// The extent of a dataset, outermost first ({} for a scalar).
std::vector<std::int64_t> shapeOf(const H5::DataSet& dataset);
// "float32", "int64", "uint8", "string", ... for messages.
std::string typeName(const H5::DataType& type);
// The names of a group's members, in the file's order.
std::vector<std::string> childNames(const H5::Group& group);

// Attributes. Strings are written as fixed-length, null-terminated UTF-8 (no global heap to damage); readers
// take variable-length ones too, as foreign files and older Neurino versions have them.
void writeString(H5::H5Object& object, const std::string& name, const std::string& value);
void writeStrings(H5::H5Object& object, const std::string& name, const std::vector<std::string>& values);
void writeInt64(H5::H5Object& object, const std::string& name, std::int64_t value);
void writeUInt64(H5::H5Object& object, const std::string& name, std::uint64_t value);
void writeDouble(H5::H5Object& object, const std::string& name, double value);
// Every string of a string attribute; empty when it is missing or not a string.
std::vector<std::string> readStrings(const H5::H5Object& object, const std::string& name);
// The first string of a string attribute; nothing when it is missing or not a string.
std::optional<std::string> readString(const H5::H5Object& object, const std::string& name);
// A numeric scalar attribute; nothing when it is missing, not numeric or not one value.
std::optional<std::int64_t> readInt64(const H5::H5Object& object, const std::string& name);
std::optional<std::uint64_t> readUInt64(const H5::H5Object& object, const std::string& name);
std::optional<double> readDouble(const H5::H5Object& object, const std::string& name);

// How writeTensor lays a dataset out.
struct TensorLayout {
    int gzipLevel = 0; // 0: contiguous; 1-9: chunks of about a megabyte, shuffled and deflated
    bool scalarAsVector = false; // a 0-d tensor as a one-element vector rather than an HDF5 scalar
};

// Writes a tensor (any device; bool as uint8) as dataset `name` of `parent`. Throws IoError for a type HDF5
// files do not hold (complex, half), saying what to convert it to.
void writeTensor(
    H5::Group& parent, const std::string& name, const at::Tensor& tensor, TensorLayout layout = {});
// Reads dataset `name` of `parent` whole, into the tensor type that keeps its values: float32 or float64,
// integers as the narrowest signed type that holds them. Throws IoError for a non-numeric dataset.
at::Tensor readTensor(const H5::Group& parent, const std::string& name);
// Reads `count` rows from `begin` of a numeric dataset (the outermost axis), as readTensor does or, with
// `as`, converted to that type by the library while reading (a float64 file read as float32 takes no float64
// copy).
at::Tensor readRows(const H5::DataSet& dataset, std::int64_t begin, std::int64_t count,
    std::optional<at::ScalarType> as = std::nullopt);
// The tensor type readTensor gives a dataset of this HDF5 type; throws IoError when it is not numeric.
at::ScalarType scalarTypeOf(const H5::DataType& type);

} // namespace neurino::hdf5
