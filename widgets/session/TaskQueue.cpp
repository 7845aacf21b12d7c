#include "widgets/session/TaskQueue.h"

#include "core/train/StopToken.h"
#include "widgets/session/ThreadHandOver.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QtDebug>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>

namespace neurino {

struct TaskQueue::Task {
    int id = 0;
    QString title;
    Work work;
    std::shared_ptr<StopToken> stop;
    Hooks hooks;
    std::mutex mutex;
    std::condition_variable ended;
    bool done = false;

    void run()
    {
        try {
            work(*stop);
        } catch (const std::exception& e) {
            qWarning("task '%s' failed: %s", qPrintable(title), e.what());
        } catch (...) {
            qWarning("task '%s' failed", qPrintable(title));
        }
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
        ended.notify_all();
    }
};

TaskQueue::TaskQueue(QObject* parent)
    : QObject(parent)
{
    const char* names[] = { "runs", "analysis" };
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        LaneState& lane = m_lanes[i];
        lane.thread = new QThread(this);
        lane.thread->setObjectName(names[i]);
        lane.context = new QObject;
        lane.context->moveToThread(lane.thread);
        connect(lane.thread, &QThread::finished, lane.context, &QObject::deleteLater);
        lane.thread->start(i == 0 ? QThread::NormalPriority : QThread::LowPriority);
    }
}

TaskQueue::~TaskQueue()
{
    for (LaneState& lane : m_lanes) {
        lane.waiting.clear();
        if (lane.running)
            lane.running->stop->requestStop();
        lane.thread->quit();
    }
    for (LaneState& lane : m_lanes)
        lane.thread->wait();
}

int TaskQueue::submit(
    Lane lane, const QString& title, Work work, std::shared_ptr<StopToken> stop, Hooks hooks)
{
    auto task = std::make_shared<Task>();
    task->id = m_nextId++;
    task->title = title;
    task->work = std::move(work);
    task->stop = stop ? std::move(stop) : std::make_shared<StopToken>();
    task->hooks = std::move(hooks);
    state(lane).waiting.push_back(task);
    emit changed();
    startNext(lane);
    return task->id;
}

void TaskQueue::startNext(Lane lane)
{
    LaneState& s = state(lane);
    if (s.running || s.waiting.empty())
        return;
    s.running = s.waiting.front();
    s.waiting.pop_front();
    std::shared_ptr<Task> task = s.running;
    if (task->hooks.started)
        task->hooks.started();
    emit started(task->id);
    emit changed();
    // The task goes back with its end: what its work and hooks hold is let go on this thread.
    postTo(s.context, [this, lane, task]() mutable {
        task->run();
        postTo(this, [this, lane, task = std::move(task)] { complete(lane, task); });
    });
}

void TaskQueue::complete(Lane lane, const std::shared_ptr<Task>& task)
{
    LaneState& s = state(lane);
    if (s.running == task)
        s.running.reset();
    if (task->hooks.finished)
        task->hooks.finished(true);
    emit finished(task->id, true);
    emit changed();
    startNext(lane);
}

std::shared_ptr<TaskQueue::Task> TaskQueue::find(int id) const
{
    for (const LaneState& lane : m_lanes) {
        if (lane.running && lane.running->id == id)
            return lane.running;
        for (const std::shared_ptr<Task>& task : lane.waiting) {
            if (task->id == id)
                return task;
        }
    }
    return nullptr;
}

void TaskQueue::drop(const std::shared_ptr<Task>& task)
{
    task->stop->requestStop();
    if (task->hooks.finished)
        task->hooks.finished(false);
    emit finished(task->id, false);
    emit changed();
}

bool TaskQueue::cancel(int id)
{
    for (LaneState& lane : m_lanes) {
        if (lane.running && lane.running->id == id) {
            lane.running->stop->requestStop();
            return true;
        }
        for (auto it = lane.waiting.begin(); it != lane.waiting.end(); ++it) {
            if ((*it)->id == id) {
                const std::shared_ptr<Task> task = *it;
                lane.waiting.erase(it);
                drop(task);
                return true;
            }
        }
    }
    return false;
}

void TaskQueue::wait(int id, bool cancelFirst)
{
    const std::shared_ptr<Task> task = find(id);
    if (!task)
        return;
    const bool running = std::any_of(
        m_lanes.begin(), m_lanes.end(), [&](const LaneState& lane) { return lane.running == task; });
    if (!running) {
        cancel(id);
        return;
    }
    if (cancelFirst)
        task->stop->requestStop();
    std::unique_lock<std::mutex> lock(task->mutex);
    task->ended.wait(lock, [&] { return task->done; });
}

bool TaskQueue::waitForIdle(Lane lane, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!isIdle(lane) && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return isIdle(lane);
}

QStringList TaskQueue::waiting(Lane lane) const
{
    QStringList titles;
    for (const std::shared_ptr<Task>& task : state(lane).waiting)
        titles << task->title;
    return titles;
}

int TaskQueue::running(Lane lane) const
{
    return state(lane).running ? state(lane).running->id : 0;
}

bool TaskQueue::isIdle(Lane lane) const
{
    return !state(lane).running && state(lane).waiting.empty();
}

std::shared_ptr<StopToken> TaskQueue::stopToken(int id) const
{
    const std::shared_ptr<Task> task = find(id);
    return task ? task->stop : nullptr;
}

} // namespace neurino
