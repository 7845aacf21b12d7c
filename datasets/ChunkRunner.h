#pragma once

#include "core/util/Error.h"

#include <atomic>
#include <cstdint>
#include <functional>

namespace neurino::datasets {

// Thrown when a GenerateControl's cancel flag is raised; nothing is returned then.
class GenerationCancelled : public Error {
public:
    GenerationCancelled()
        : Error("data generation cancelled")
    {
    }
};

// How a generation runs: on how many threads, whom it tells about progress, and how it is stopped.
struct GenerateControl {
    int threads = 0; // 0: one per hardware thread
    // Called after every finished chunk, from the worker that finished it, never concurrently.
    std::function<void(std::int64_t done, std::int64_t total)> progress;
    const std::atomic<bool>* cancel = nullptr; // checked between chunks
};

// Events are made in chunks of a fixed size; threads pull chunk indices from a shared counter, so which
// thread makes a chunk does not matter as long as each chunk seeds its own Rng from its index.
class ChunkRunner {
public:
    ChunkRunner(std::int64_t total, std::int64_t chunkSize, const GenerateControl& control);

    std::int64_t chunkCount() const { return m_chunks; }
    int threadCount() const { return m_threads; }

    // Calls work(chunk, begin, end) for every chunk; rethrows the first exception a chunk threw.
    void run(const std::function<void(std::int64_t chunk, std::int64_t begin, std::int64_t end)>& work) const;

    // The thread count `control` asks for, resolved against the hardware.
    static int resolveThreads(int requested);

private:
    std::int64_t m_total;
    std::int64_t m_chunkSize;
    std::int64_t m_chunks;
    int m_threads;
    const GenerateControl& m_control;
};

} // namespace neurino::datasets
