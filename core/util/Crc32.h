#pragma once

#include <cstddef>
#include <cstdint>

namespace neurino {

// zlib's CRC-32 of `size` bytes continuing `crc` (0 to begin), for any size (zlib takes at most 4 GiB a
// call). The file seal and a checkpoint's weights checksum take it.
std::uint32_t crc32(std::uint32_t crc, const void* bytes, std::size_t size);

} // namespace neurino
