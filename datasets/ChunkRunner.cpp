#include "datasets/ChunkRunner.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace neurino::datasets {

ChunkRunner::ChunkRunner(std::int64_t total, std::int64_t chunkSize, const GenerateControl& control)
    : m_total(std::max<std::int64_t>(total, 0))
    , m_chunkSize(std::max<std::int64_t>(chunkSize, 1))
    , m_chunks((m_total + m_chunkSize - 1) / m_chunkSize)
    , m_threads(static_cast<int>(
          std::min<std::int64_t>(resolveThreads(control.threads), std::max<std::int64_t>(m_chunks, 1))))
    , m_control(control)
{
}

int ChunkRunner::resolveThreads(int requested)
{
    if (requested > 0)
        return requested;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void ChunkRunner::run(const std::function<void(std::int64_t, std::int64_t, std::int64_t)>& work) const
{
    std::atomic<std::int64_t> nextChunk { 0 };
    std::atomic<bool> failed { false };
    std::exception_ptr firstError;
    std::mutex mutex; // guards firstError, doneEvents and the progress callback
    std::int64_t doneEvents = 0;

    auto worker = [&] {
        for (;;) {
            if (failed.load())
                return;
            if (m_control.cancel && m_control.cancel->load()) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!firstError)
                    firstError = std::make_exception_ptr(GenerationCancelled());
                failed = true;
                return;
            }
            const std::int64_t chunk = nextChunk.fetch_add(1);
            if (chunk >= m_chunks)
                return;
            const std::int64_t begin = chunk * m_chunkSize;
            const std::int64_t end = std::min(m_total, begin + m_chunkSize);
            try {
                work(chunk, begin, end);
                std::lock_guard<std::mutex> lock(mutex);
                doneEvents += end - begin;
                if (m_control.progress)
                    m_control.progress(doneEvents, m_total);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!firstError)
                    firstError = std::current_exception();
                failed = true;
                return;
            }
        }
    };

    if (m_threads <= 1) {
        worker();
    } else {
        std::vector<std::thread> pool;
        pool.reserve(static_cast<std::size_t>(m_threads - 1));
        for (int i = 1; i < m_threads; ++i)
            pool.emplace_back(worker);
        worker();
        for (auto& t : pool)
            t.join();
    }
    if (firstError)
        std::rethrow_exception(firstError);
}

} // namespace neurino::datasets
