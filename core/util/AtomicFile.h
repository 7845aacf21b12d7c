#pragma once

#include <functional>
#include <string>

namespace neurino {

// Writes `path` atomically: `write` fills a temporary file beside it, which then replaces `path` by a
// rename. A crash or an exception in `write` leaves any existing file untouched and no partial file behind.
void writeFileAtomically(
    const std::string& path, const std::function<void(const std::string& tmpPath)>& write);

// Writes a whole text file atomically.
void writeTextFileAtomically(const std::string& path, const std::string& text);

// Reads a whole text file; throws IoError naming the file when it cannot.
std::string readTextFile(const std::string& path);

} // namespace neurino
