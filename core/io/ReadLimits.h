#pragma once

#include <cstdint>
#include <string>
#include <vector>

// How much Neurino agrees to read from one file, so that a damaged or hostile file that declares absurd
// sizes is refused with a message before anything is allocated. Every reader of datasets, checkpoints,
// model and run files checks against these. Each limit can be raised by an environment variable (read once,
// at the first check) or by setReadLimits() for programs that embed the core.
namespace neurino {

struct ReadLimits {
    // Elements of one dataset or tensor read at once (NEURINO_MAX_ELEMENTS): 2^31, 8 GiB of float32.
    std::int64_t maxElements = std::int64_t(1) << 31;
    // Bytes of one string attribute (NEURINO_MAX_STRING_BYTES): 64 MiB, room for a 100,000-node model.
    std::int64_t maxStringBytes = std::int64_t(64) << 20;
    // Nodes of one model graph, in a model file or a checkpoint (NEURINO_MAX_GRAPH_NODES).
    std::int64_t maxGraphNodes = 100000;
    // Nesting of JSON arrays and objects (NEURINO_MAX_JSON_DEPTH); a model file needs about 5.
    std::int64_t maxJsonDepth = 256;
    // Bytes of one JSON text file: model, run configuration, leaderboard (NEURINO_MAX_TEXT_FILE_BYTES).
    std::int64_t maxTextFileBytes = std::int64_t(64) << 20;
};

// The limits in force: the defaults above, overridden by the environment variables. Throws IoError for a
// variable that is set but not a positive whole number.
ReadLimits readLimits();
// Replaces the limits in force (environment variables are then no longer consulted).
void setReadLimits(const ReadLimits& limits);
// The defaults overridden by the environment variables as they are now; throws as readLimits() does.
ReadLimits readLimitsFromEnvironment();

// The number of elements of an extent, checked against maxElements without overflowing. Throws IoError
// naming `what` (e.g. "'file.h5': dataset '/features'"), the declared extent and how to raise the limit.
std::int64_t checkedElementCount(const std::vector<std::int64_t>& dims, const std::string& what);
// Throws IoError when `bytes` of string attribute `what` exceed maxStringBytes.
void checkStringBytes(std::int64_t bytes, const std::string& what);
// Throws IoError when `count` nodes of graph `what` exceed maxGraphNodes.
void checkGraphNodes(std::int64_t count, const std::string& what);
// Throws IoError when `text` nests arrays and objects deeper than maxJsonDepth. A scan without allocation,
// run before a JSON parser builds anything.
void checkJsonDepth(const std::string& text, const std::string& what);
// Reads a whole text file after checking its size against maxTextFileBytes; throws IoError naming it.
std::string readBoundedTextFile(const std::string& path);
// Reads a JSON text file for a parser: its size and its nesting checked, as above.
std::string readBoundedJsonText(const std::string& path);

} // namespace neurino
