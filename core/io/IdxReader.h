#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

// The header of an IDX file (the MNIST / Fashion-MNIST format): element type and dimensions.
struct IdxHeader {
    std::uint8_t typeCode = 0; // 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    std::vector<std::int64_t> shape; // e.g. {60000, 28, 28}
};

// Reads IDX files, plain or gzip-compressed (zlib tells them apart by their first bytes, so the file name
// does not matter). Values keep their stored type: uint8 images stay uint8.
class IdxReader {
public:
    // Reads the header only; cheap, for previews and size checks.
    static IdxHeader readHeader(const std::string& path);
    // Reads the first `maxItems` items (all when negative) of the file as a tensor of shape
    // {items, dims...}. Throws IoError naming the file when it is missing, truncated or not IDX.
    static torch::Tensor read(const std::string& path, std::int64_t maxItems = -1);
};

} // namespace neurino
