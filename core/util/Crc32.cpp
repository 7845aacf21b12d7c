#include "core/util/Crc32.h"

#include <zlib.h>

#include <algorithm>

namespace neurino {

std::uint32_t crc32(std::uint32_t crc, const void* bytes, std::size_t size)
{
    const auto* p = static_cast<const Bytef*>(bytes);
    uLong value = crc;
    for (std::size_t done = 0; done < size;) {
        const auto part = static_cast<uInt>(std::min<std::size_t>(size - done, std::size_t(1) << 30));
        value = ::crc32(value, p + done, part);
        done += part;
    }
    return static_cast<std::uint32_t>(value);
}

} // namespace neurino
