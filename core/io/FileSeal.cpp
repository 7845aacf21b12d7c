#include "core/io/FileSeal.h"

#include "core/util/Crc32.h"
#include "core/util/Error.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace neurino::seal {

namespace {

constexpr char kMagic[] = "NEURINO-H5\n";
constexpr std::size_t kMagicBytes = sizeof(kMagic) - 1;
// A magic with this many bytes changed is still taken as a seal (and then found damaged), so that a flipped
// byte in the magic does not hand a damaged file to libhdf5 as a foreign one.
constexpr int kMagicTolerance = 3;
constexpr int kVersion = 1;

// Closes a descriptor on every path out.
struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

struct Seal {
    int version = 0;
    std::string algorithm;
    std::uint64_t size = 0;
    std::uint32_t checksum = 0;
};

// CRC-32 of the bytes of `fd` after the block; false when they cannot be read.
bool checksumAfterBlock(int fd, std::uint64_t& size, std::uint32_t& crc)
{
    std::vector<unsigned char> buffer(1 << 20);
    crc = 0;
    size = 0;
    auto offset = static_cast<off_t>(kBlockBytes);
    for (;;) {
        const ssize_t got = ::pread(fd, buffer.data(), buffer.size(), offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return false;
        if (got == 0)
            return true;
        crc = neurino::crc32(crc, buffer.data(), static_cast<std::size_t>(got));
        size += static_cast<std::uint64_t>(got);
        offset += got;
    }
}

bool looksSealed(const std::array<char, kBlockBytes>& block)
{
    int differences = 0;
    for (std::size_t i = 0; i < kMagicBytes; ++i)
        differences += block[i] != kMagic[i];
    return differences <= kMagicTolerance;
}

// The seal's fields; false when the header does not parse as one.
bool parse(const std::array<char, kBlockBytes>& block, Seal& seal)
{
    if (std::memcmp(block.data(), kMagic, kMagicBytes) != 0)
        return false;
    std::istringstream in(
        std::string(block.data() + kMagicBytes, strnlen(block.data(), kBlockBytes) - kMagicBytes));
    std::string key;
    std::string checksum;
    if (!(in >> key >> seal.version) || key != "version")
        return false;
    if (!(in >> key >> seal.algorithm) || key != "algorithm")
        return false;
    if (!(in >> key >> seal.size) || key != "size")
        return false;
    if (!(in >> key >> checksum) || key != "checksum" || checksum.size() != 8)
        return false;
    char* end = nullptr;
    seal.checksum = static_cast<std::uint32_t>(std::strtoul(checksum.c_str(), &end, 16));
    return end && *end == '\0';
}

// Large files already checked, by identity and modification, so that a big dataset opened several times is
// read through once. Small ones are checked every time: file times are coarse (a few ms), and a file
// changed within that would keep its key.
constexpr off_t kCachedBytes = 16 << 20;
using FileKey = std::tuple<dev_t, ino_t, off_t, std::int64_t, std::int64_t>;
std::mutex g_verifiedMutex;
std::map<FileKey, bool> g_verified;

FileKey keyOf(const struct stat& st)
{
    return { st.st_dev, st.st_ino, st.st_size, static_cast<std::int64_t>(st.st_mtim.tv_sec),
        static_cast<std::int64_t>(st.st_mtim.tv_nsec) };
}

} // namespace

void stamp(std::vector<unsigned char>& file)
{
    const std::size_t size = file.size() - kBlockBytes;
    const std::uint32_t crc = neurino::crc32(0, file.data() + kBlockBytes, size);
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc));
    const std::string header = std::string(kMagic) + "version " + std::to_string(kVersion)
        + "\nalgorithm crc32\nsize " + std::to_string(size) + "\nchecksum " + hex + "\n";
    std::fill(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(kBlockBytes), 0);
    std::copy(header.begin(), header.end(), file.begin());
}

bool verify(const std::string& path, const std::string& what, const std::string& hint)
{
    Fd file { ::open(path.c_str(), O_RDONLY | O_CLOEXEC) };
    if (file.fd < 0)
        return false; // the caller's open says why
    struct stat st { };
    if (::fstat(file.fd, &st) != 0)
        return false;
    const bool cached = st.st_size >= kCachedBytes;
    if (cached) {
        std::lock_guard<std::mutex> held(g_verifiedMutex);
        const auto known = g_verified.find(keyOf(st));
        if (known != g_verified.end())
            return known->second;
    }
    std::array<char, kBlockBytes> block {};
    const ssize_t got = ::pread(file.fd, block.data(), block.size(), 0);
    if (got < static_cast<ssize_t>(kMagicBytes) || !looksSealed(block))
        return false;
    const std::string damaged = what + " '" + path + "' is damaged: ";
    const std::string advice = hint.empty() ? "; Neurino will not read it" : "; " + hint;
    Seal seal;
    if (got < static_cast<ssize_t>(kBlockBytes) || !parse(block, seal))
        throw IoError(damaged + "its Neurino header (the first 512 bytes) is garbled, so it cannot be checked"
            + advice);
    if (seal.version > kVersion || seal.algorithm != "crc32")
        throw IoError(what + " '" + path + "' has a checksum of version " + std::to_string(seal.version)
            + " (" + seal.algorithm + "), newer than this Neurino reads; update Neurino");
    std::uint64_t size = 0;
    std::uint32_t crc = 0;
    if (!checksumAfterBlock(file.fd, size, crc))
        throw IoError("cannot read " + what + " '" + path + "': " + std::strerror(errno));
    if (size != seal.size)
        throw IoError(damaged + "it holds " + std::to_string(size + kBlockBytes)
            + " bytes where Neurino wrote " + std::to_string(seal.size + kBlockBytes)
            + " (truncated or extended after writing)" + advice);
    if (crc != seal.checksum)
        throw IoError(damaged
            + "its checksum does not match its contents (bytes changed after Neurino wrote it; a copy may "
              "have been truncated or corrupted)"
            + advice);
    if (cached) {
        std::lock_guard<std::mutex> held(g_verifiedMutex);
        g_verified[keyOf(st)] = true;
    }
    return true;
}

} // namespace neurino::seal
