#include "core/io/IdxReader.h"

#include "core/util/Error.h"

#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

namespace neurino {

namespace {

// IDX allows at most this many dimensions (the fourth header byte); real files use 1 to 4.
constexpr int kMaxDims = 16;
// gzread takes an unsigned count; read large files in pieces of this size.
constexpr std::size_t kReadPiece = 1u << 28;

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile openIdx(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError("IDX file '" + path + "' does not exist");
    // gzopen reads uncompressed files transparently, so plain and .gz files share one path.
    GzFile file(gzopen(path.c_str(), "rb"));
    if (!file)
        throw IoError("cannot open IDX file '" + path + "': " + std::strerror(errno));
    gzbuffer(file.get(), 1 << 17);
    return file;
}

void readExactly(gzFile_s* file, void* buffer, std::size_t bytes, const std::string& path, const char* what)
{
    auto* out = static_cast<unsigned char*>(buffer);
    std::size_t done = 0;
    while (done < bytes) {
        const auto piece = static_cast<unsigned>(std::min(bytes - done, kReadPiece));
        const int got = gzread(file, out + done, piece);
        if (got <= 0) {
            int zerr = Z_OK;
            const char* message = gzerror(file, &zerr);
            const std::string reason
                = zerr != Z_OK && zerr != Z_STREAM_END && message ? message : "unexpected end";
            throw IoError("IDX file '" + path + "' is truncated or damaged while reading the " + what + " ("
                + reason + " after " + std::to_string(done) + " of " + std::to_string(bytes)
                + " bytes); download or reinstall it");
        }
        done += static_cast<std::size_t>(got);
    }
}

std::size_t elementSize(std::uint8_t typeCode)
{
    switch (typeCode) {
    case 0x08:
    case 0x09:
        return 1;
    case 0x0B:
        return 2;
    case 0x0C:
    case 0x0D:
        return 4;
    case 0x0E:
        return 8;
    default:
        return 0;
    }
}

torch::ScalarType tensorType(std::uint8_t typeCode)
{
    switch (typeCode) {
    case 0x08:
        return torch::kUInt8;
    case 0x09:
        return torch::kInt8;
    case 0x0B:
        return torch::kInt16;
    case 0x0C:
        return torch::kInt32;
    case 0x0D:
        return torch::kFloat32;
    default:
        return torch::kFloat64;
    }
}

IdxHeader parseHeader(gzFile_s* file, const std::string& path)
{
    unsigned char magic[4];
    readExactly(file, magic, 4, path, "header");
    IdxHeader header;
    header.typeCode = magic[2];
    const int dims = magic[3];
    if (magic[0] != 0 || magic[1] != 0 || elementSize(header.typeCode) == 0 || dims < 1 || dims > kMaxDims)
        throw IoError("'" + path
            + "' is not an IDX file (its magic number is wrong); expected MNIST-style "
              "files such as train-images-idx3-ubyte[.gz]");
    for (int i = 0; i < dims; ++i) {
        unsigned char raw[4];
        readExactly(file, raw, 4, path, "header");
        // IDX stores sizes big-endian.
        const std::uint32_t size = (std::uint32_t(raw[0]) << 24) | (std::uint32_t(raw[1]) << 16)
            | (std::uint32_t(raw[2]) << 8) | std::uint32_t(raw[3]);
        header.shape.push_back(static_cast<std::int64_t>(size));
    }
    return header;
}

void swapToHostOrder(torch::Tensor& data, std::size_t elementBytes)
{
    const std::uint16_t probe = 1;
    const bool littleEndian = *reinterpret_cast<const unsigned char*>(&probe) == 1;
    if (elementBytes == 1 || !littleEndian)
        return;
    auto* bytes = static_cast<unsigned char*>(data.data_ptr());
    const std::size_t count = static_cast<std::size_t>(data.numel());
    for (std::size_t i = 0; i < count; ++i)
        std::reverse(bytes + i * elementBytes, bytes + (i + 1) * elementBytes);
}

} // namespace

IdxHeader IdxReader::readHeader(const std::string& path)
{
    GzFile file = openIdx(path);
    return parseHeader(file.get(), path);
}

torch::Tensor IdxReader::read(const std::string& path, std::int64_t maxItems)
{
    GzFile file = openIdx(path);
    const IdxHeader header = parseHeader(file.get(), path);
    std::vector<std::int64_t> shape = header.shape;
    if (maxItems >= 0)
        shape[0] = std::min(shape[0], maxItems);
    torch::Tensor data = torch::empty(shape, torch::TensorOptions().dtype(tensorType(header.typeCode)));
    const std::size_t elementBytes = elementSize(header.typeCode);
    readExactly(
        file.get(), data.data_ptr(), static_cast<std::size_t>(data.numel()) * elementBytes, path, "data");
    // Every IDX multi-byte value is big-endian.
    swapToHostOrder(data, elementBytes);
    return data;
}

} // namespace neurino
