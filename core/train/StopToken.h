#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace neurino {

// Lets another thread (the GUI's Stop and Pause buttons, a signal handler's flag) stop or pause a run.
// The trainer looks at it between batches, so a stop takes effect within one batch.
class StopToken {
public:
    void requestStop();
    bool stopRequested() const { return m_stop.load(std::memory_order_relaxed); }

    void pause();
    void resume();
    bool paused() const { return m_paused.load(std::memory_order_relaxed); }

    // Blocks while paused; returns at once when not paused or when a stop is requested.
    void waitWhilePaused() const;

    // Clears stop and pause, so the token can serve the next run.
    void reset();

private:
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_paused { false };
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_wake;
};

} // namespace neurino
