#include "core/train/StopToken.h"

namespace neurino {

void StopToken::requestStop()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
}

void StopToken::pause()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_paused = true;
}

void StopToken::resume()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_paused = false;
    }
    m_wake.notify_all();
}

void StopToken::waitWhilePaused() const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_paused || m_stop; });
}

void StopToken::reset()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = false;
    m_paused = false;
}

} // namespace neurino
