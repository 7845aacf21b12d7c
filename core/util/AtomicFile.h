#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace neurino {

// Writes `path` atomically and durably: `write` fills a temporary file beside it, which is flushed to disk
// (fsync), renamed over `path`, and the folder flushed so that the rename itself survives a power cut. A
// crash, a full disk or an exception in `write` leaves any existing file untouched and no partial file
// behind. Throws IoError naming the file and, for a full disk or a read-only folder, the folder.
void writeFileAtomically(
    const std::string& path, const std::function<void(const std::string& tmpPath)>& write);

// Writes `size` bytes to a new file `path` (a temporary file of writeFileAtomically, usually), checking every
// write and the close; a failure throws IoError as writeFailure says.
void writeBytes(const std::string& path, const void* data, std::size_t size);

// Writes a whole text file atomically.
void writeTextFileAtomically(const std::string& path, const std::string& text);

// Reads a whole text file; throws IoError naming the file when it cannot.
std::string readTextFile(const std::string& path);

// Flushes the file `path`, or the folder `dir`, to disk. Throws IoError naming it.
void syncFile(const std::string& path);
void syncFolder(const std::string& dir);

// "cannot write 'path': ..." for a write that failed with `error` (an errno): a full disk, a read-only or
// unwritable folder and the file-size limit name the folder and say what to do. A temporary file of
// writeFileAtomically is named as the file it was to become.
std::string writeFailure(const std::string& path, int error);

} // namespace neurino
