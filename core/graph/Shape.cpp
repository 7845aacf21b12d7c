#include "core/graph/Shape.h"

namespace neurino {

std::string formatShape(const Shape& shape, bool withBatch)
{
    std::string text = withBatch ? "(None" : "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (withBatch || i > 0)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    if (!withBatch && shape.size() == 1)
        text += ",";
    return text + ")";
}

std::int64_t shapeVolume(const Shape& shape)
{
    std::int64_t volume = 1;
    for (auto d : shape)
        volume *= d;
    return volume;
}

std::string formatCount(std::int64_t count)
{
    std::string digits = std::to_string(count < 0 ? -count : count);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return count < 0 ? "-" + out : out;
}

} // namespace neurino
