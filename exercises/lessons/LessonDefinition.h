#pragma once

#include "exercises/Exercise.h"

#include <string>

namespace neurino::exercises {

// Shorthands for the lessons' definitions.
inline Check makeCheck(std::string id, std::string name, Comparison comparison, double target,
    bool task = false, int decimals = 3)
{
    Check check;
    check.id = std::move(id);
    check.name = std::move(name);
    check.comparison = comparison;
    check.target = target;
    check.task = task;
    check.decimals = decimals;
    return check;
}

inline Check makeRangeCheck(std::string id, std::string name, double low, double high, bool task = false)
{
    Check check = makeCheck(std::move(id), std::move(name), Comparison::Between, low, task);
    check.upper = high;
    return check;
}

// The full-size value, or the reduced one in quick runs.
inline int sized(int full, int reduced, bool quick)
{
    return quick ? reduced : full;
}

} // namespace neurino::exercises
