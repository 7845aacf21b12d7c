#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace neurino::tsne {

// The thread count a t-SNE step uses: the one asked for, or every core for 0.
inline int threadCount(int requested)
{
    if (requested > 0)
        return requested;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Runs body(begin, end) over [0, n) split across threads; ranges below 64 items stay on the calling thread,
// where starting a thread would cost more than the work.
template <typename Body> void parallelFor(std::int64_t n, int threads, Body body)
{
    const int t = static_cast<int>(std::min<std::int64_t>(threads, std::max<std::int64_t>(n / 64, 1)));
    if (t <= 1) {
        body(std::int64_t(0), n);
        return;
    }
    std::vector<std::thread> workers;
    for (int k = 0; k < t; ++k) {
        const std::int64_t begin = n * k / t, end = n * (k + 1) / t;
        workers.emplace_back([=] { body(begin, end); });
    }
    for (auto& w : workers)
        w.join();
}

} // namespace neurino::tsne
