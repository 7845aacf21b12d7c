#pragma once

#include <cstddef>
#include <string>
#include <vector>

// A checksum for the HDF5 files Neurino writes, checked from the raw bytes before libhdf5 parses them: a
// damaged file could otherwise crash the library (a segfault inside H5HG_read was seen reading a damaged
// variable-length string). The files start with a user block, which HDF5 skips and h5py ignores; the seal is
// a short text header written there once the file is complete:
//   NEURINO-H5\nversion 1\nalgorithm crc32\nsize <bytes after the block>\nchecksum <8 hex digits>\n
namespace neurino::seal {

// Bytes of the user block that holds the seal (HDF5 wants a power of two, at least 512).
constexpr std::size_t kBlockBytes = 512;

// Writes the seal into the first kBlockBytes of `file`, the bytes of a whole HDF5 file with a user block of
// that size.
void stamp(std::vector<unsigned char>& file);

// Checks the seal of `path` when it has one: its size and CRC-32 must match the bytes after the block.
// Returns false for a file without a seal (foreign HDF5, files of older Neurino versions), which are read as
// before. Throws IoError naming the file and saying it is damaged; `what` names it ("checkpoint") and `hint`
// says what to do instead. A file checked once is not read again while its size and time stay the same.
bool verify(const std::string& path, const std::string& what, const std::string& hint = {});

} // namespace neurino::seal
