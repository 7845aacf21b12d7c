#include "core/io/ReadLimits.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>

namespace neurino {

namespace {

std::mutex& limitsMutex()
{
    static std::mutex mutex;
    return mutex;
}

// Nothing while the variable is unset; a variable set to something else than a positive number is the
// user's mistake, said rather than ignored.
std::optional<std::int64_t> fromEnvironment(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value)
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long parsed = std::strtoll(value, &end, 10);
    if (errno != 0 || *end != '\0' || parsed <= 0)
        throw IoError(std::string("environment variable ") + name + "='" + value
            + "' is not a positive whole number; unset it or give a limit such as " + name + "=1000000");
    return parsed;
}

} // namespace

ReadLimits readLimitsFromEnvironment()
{
    ReadLimits limits;
    limits.maxElements = fromEnvironment("NEURINO_MAX_ELEMENTS").value_or(limits.maxElements);
    limits.maxStringBytes = fromEnvironment("NEURINO_MAX_STRING_BYTES").value_or(limits.maxStringBytes);
    limits.maxGraphNodes = fromEnvironment("NEURINO_MAX_GRAPH_NODES").value_or(limits.maxGraphNodes);
    limits.maxJsonDepth = fromEnvironment("NEURINO_MAX_JSON_DEPTH").value_or(limits.maxJsonDepth);
    limits.maxTextFileBytes
        = fromEnvironment("NEURINO_MAX_TEXT_FILE_BYTES").value_or(limits.maxTextFileBytes);
    return limits;
}

namespace {

std::optional<ReadLimits>& current()
{
    static std::optional<ReadLimits> limits;
    return limits;
}

// `claim` says what the file declares, e.g. "'a.h5': dataset '/features' declares 10x3 elements".
[[noreturn]] void refuse(
    const std::string& claim, std::int64_t limit, const std::string& unit, const char* variable)
{
    throw IoError(claim + ", more than the " + std::to_string(limit) + " " + unit
        + " Neurino reads; the file may be damaged. If it is not, raise the limit with the environment "
          "variable "
        + variable);
}

std::string extentText(const std::vector<std::int64_t>& dims)
{
    std::ostringstream out;
    for (std::size_t i = 0; i < dims.size(); ++i)
        out << (i ? "x" : "") << dims[i];
    return out.str();
}

} // namespace

ReadLimits readLimits()
{
    std::lock_guard<std::mutex> held(limitsMutex());
    if (!current())
        current() = readLimitsFromEnvironment();
    return *current();
}

void setReadLimits(const ReadLimits& limits)
{
    std::lock_guard<std::mutex> held(limitsMutex());
    current() = limits;
}

std::int64_t checkedElementCount(const std::vector<std::int64_t>& dims, const std::string& what)
{
    const std::int64_t limit = readLimits().maxElements;
    std::int64_t count = 1;
    bool over = false;
    for (const std::int64_t d : dims) {
        if (d < 0)
            throw IoError(
                what + " declares a negative extent (" + extentText(dims) + "); the file is damaged");
        if (d == 0)
            return 0;
        // Division rather than multiplication, so that 10^15 x 10^15 cannot overflow into a small number.
        if (over || count > limit / d)
            over = true;
        else
            count *= d;
    }
    if (over || count > limit)
        refuse(
            what + " declares " + extentText(dims) + " elements", limit, "elements", "NEURINO_MAX_ELEMENTS");
    return count;
}

void checkStringBytes(std::int64_t bytes, const std::string& what)
{
    const std::int64_t limit = readLimits().maxStringBytes;
    if (bytes < 0 || bytes > limit)
        refuse(what + " declares " + std::to_string(bytes) + " bytes", limit, "bytes of a string",
            "NEURINO_MAX_STRING_BYTES");
}

void checkGraphNodes(std::int64_t count, const std::string& what)
{
    const std::int64_t limit = readLimits().maxGraphNodes;
    if (count > limit)
        refuse(what + " declares " + std::to_string(count) + " nodes", limit, "nodes of a graph",
            "NEURINO_MAX_GRAPH_NODES");
}

void checkJsonDepth(const std::string& text, const std::string& what)
{
    const std::int64_t limit = readLimits().maxJsonDepth;
    std::int64_t depth = 0;
    bool inString = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                throw IoError(what + " nests JSON arrays and objects more than " + std::to_string(limit)
                    + " deep (at byte " + std::to_string(i)
                    + "); the file may be damaged. If it is not, raise the limit with the environment "
                      "variable NEURINO_MAX_JSON_DEPTH");
        } else if (c == ']' || c == '}') {
            --depth; // unbalanced text is the parser's to report
        }
    }
}

std::string readBoundedTextFile(const std::string& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    // A file whose size cannot be taken (missing, a pipe) is left to readTextFile's own message.
    if (!ec) {
        const std::int64_t limit = readLimits().maxTextFileBytes;
        if (size > static_cast<std::uintmax_t>(limit))
            refuse("'" + path + "' is " + std::to_string(size) + " bytes long", limit, "bytes of a text file",
                "NEURINO_MAX_TEXT_FILE_BYTES");
    }
    return readTextFile(path);
}

std::string readBoundedJsonText(const std::string& path)
{
    std::string text = readBoundedTextFile(path);
    checkJsonDepth(text, "'" + path + "'");
    return text;
}

} // namespace neurino
