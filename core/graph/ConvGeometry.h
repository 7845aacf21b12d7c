#pragma once

#include <cstdint>

namespace neurino {

// The size and zero padding of one spatial axis of a convolution or pooling window, by Keras's rules:
// "valid" uses no padding; "same" keeps ceil(in / stride) outputs and pads the extra cell after.
struct AxisGeometry {
    std::int64_t out = 0;
    std::int64_t padBefore = 0;
    std::int64_t padAfter = 0;
};

AxisGeometry windowAxis(std::int64_t in, std::int64_t kernel, std::int64_t stride, bool same);

// A transposed convolution's axis: "valid" gives (in - 1) * stride + kernel, "same" gives in * stride.
// `cropBefore`/`cropAfter` are taken off the full transposed output; `extraAfter` zero cells are added
// when the kernel is smaller than the stride.
struct TransposedAxisGeometry {
    std::int64_t out = 0;
    std::int64_t cropBefore = 0;
    std::int64_t cropAfter = 0;
    std::int64_t extraAfter = 0;
};

TransposedAxisGeometry transposedAxis(std::int64_t in, std::int64_t kernel, std::int64_t stride, bool same);

} // namespace neurino
