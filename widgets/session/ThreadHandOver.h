#pragma once

#include <QMetaObject>
#include <QObject>

#include <utility>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace neurino {

#if defined(__SANITIZE_THREAD__)
// The work of one postTo, owned by the queued call alone. Each move releases it to ThreadSanitizer after
// the move, the last one being into the call that Qt queues; the thread where the call ends acquires it
// before it runs the work or deletes it (a call whose receiver went first is dropped unrun).
template <typename F> class HandedOver {
public:
    explicit HandedOver(F work)
        : m_work(new F(std::move(work)))
    {
        __tsan_release(m_work);
    }
    HandedOver(HandedOver&& other) noexcept
        : m_work(std::exchange(other.m_work, nullptr))
    {
        __tsan_release(m_work);
    }
    HandedOver& operator=(HandedOver&&) = delete;
    ~HandedOver()
    {
        if (m_work) {
            __tsan_acquire(m_work);
            delete m_work;
        }
    }
    void operator()()
    {
        __tsan_acquire(m_work);
        (*m_work)();
    }

private:
    F* m_work;
};
#endif

// Runs `work` on the thread of `receiver`, after what that thread is doing now, as QMetaObject::invokeMethod
// with a queued connection does; `work` is dropped unrun if `receiver` goes first. Every hand-over between
// a session's worker thread and the window goes through here: the work queued on a lane, and every report
// of a run or a lesson, which `work` carries by value.
//
// Qt guards its event queues with a QMutex that waits on a Linux futex, which ThreadSanitizer does not
// see, so to it everything `work` carries would be written on one thread and read on the other with
// nothing between. In a ThreadSanitizer build (`scripts/neurino sanitize thread`) the hand-over is
// therefore told to it: all the posting thread did before the release happens before `work` runs.
template <typename F> void postTo(QObject* receiver, F work)
{
#if defined(__SANITIZE_THREAD__)
    QMetaObject::invokeMethod(receiver, HandedOver<F>(std::move(work)), Qt::QueuedConnection);
#else
    QMetaObject::invokeMethod(receiver, std::move(work), Qt::QueuedConnection);
#endif
}

} // namespace neurino
