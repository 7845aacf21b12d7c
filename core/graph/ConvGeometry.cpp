#include "core/graph/ConvGeometry.h"

#include <algorithm>

namespace neurino {

AxisGeometry windowAxis(std::int64_t in, std::int64_t kernel, std::int64_t stride, bool same)
{
    AxisGeometry g;
    if (!same) {
        g.out = in >= kernel ? (in - kernel) / stride + 1 : 0;
        return g;
    }
    g.out = (in + stride - 1) / stride;
    const std::int64_t total = std::max<std::int64_t>((g.out - 1) * stride + kernel - in, 0);
    g.padBefore = total / 2;
    g.padAfter = total - g.padBefore;
    return g;
}

TransposedAxisGeometry transposedAxis(std::int64_t in, std::int64_t kernel, std::int64_t stride, bool same)
{
    TransposedAxisGeometry g;
    const std::int64_t full = (in - 1) * stride + kernel;
    if (!same) {
        g.out = full;
        return g;
    }
    g.out = in * stride;
    if (full >= g.out) {
        const std::int64_t crop = full - g.out;
        g.cropBefore = crop / 2;
        g.cropAfter = crop - g.cropBefore;
    } else {
        g.extraAfter = g.out - full;
    }
    return g;
}

} // namespace neurino
