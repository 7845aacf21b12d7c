#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace neurino {

// A JSON number as the integer type T, or nothing when it is not a whole number T can hold. nlohmann's
// get<T>() converts 1e300 to an int with a plain cast, which is undefined behaviour, and wraps 2^32 + 1 to 1;
// readers of files use this and name the field in their message instead.
template <typename T> std::optional<T> jsonInteger(const nlohmann::json& value)
{
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    using Limits = std::numeric_limits<T>;
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(Limits::max()))
            return std::nullopt;
        return static_cast<T>(v);
    }
    if (value.is_number_integer()) {
        const auto v = value.get<std::int64_t>();
        if constexpr (std::is_unsigned_v<T>) {
            if (v < 0 || static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(Limits::max()))
                return std::nullopt;
        } else {
            if (v < static_cast<std::int64_t>(Limits::lowest())
                || v > static_cast<std::int64_t>(Limits::max()))
                return std::nullopt;
        }
        return static_cast<T>(v);
    }
    if (!value.is_number_float())
        return std::nullopt;
    const double d = value.get<double>();
    // Limits::max() + 1 is a power of two, exact as a double (Limits::max() itself may round up past it).
    const double end = std::ldexp(1.0, Limits::digits);
    if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(Limits::lowest()) || d >= end)
        return std::nullopt;
    return static_cast<T>(d);
}

} // namespace neurino
