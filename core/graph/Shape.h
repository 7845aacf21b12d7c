#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {

// The shape of one sample, without the batch dimension; images are channels-first (C, H, W).
using Shape = std::vector<std::int64_t>;

// "(1, 32, 32)"; with `withBatch`, "(None, 1, 32, 32)" as Keras prints it.
std::string formatShape(const Shape& shape, bool withBatch = false);

// The number of values in one sample of this shape.
std::int64_t shapeVolume(const Shape& shape);

// "788,995": thousands separated as Keras's summary prints them.
std::string formatCount(std::int64_t count);

} // namespace neurino
