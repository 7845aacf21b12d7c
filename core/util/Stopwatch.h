#pragma once

#include <chrono>

namespace neurino {

// The clock the trainers time their batches, epochs and runs with.
using SteadyClock = std::chrono::steady_clock;

// Seconds from `start` to now. Inline, so that the trainers' sources share it in one unity translation unit.
inline double secondsSince(SteadyClock::time_point start)
{
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

} // namespace neurino
