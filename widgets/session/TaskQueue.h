#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <deque>
#include <functional>
#include <memory>

class QThread;

namespace neurino {

class StopToken;

// The one way the window runs long work off its thread: training runs, lesson steps, t-SNE and PCA, file
// loading. Work is queued on a lane; each lane has one worker thread and runs its tasks one at a time, in
// order, so a lesson step waits for a training run the user started (and the other way round) instead of
// competing with it for the CPU and LibTorch's settings. A task:
//   starts   when its lane is free (`started`, on the window's thread);
//   reports  progress and partial results by queued signals or QMetaObject::invokeMethod of its owner;
//   cancels  through its StopToken: a waiting task is dropped, a running one is asked to stop;
//   ends     with `finished` on the window's thread.
// Widgets own no thread; they hand their work to a TaskQueue.
class TaskQueue : public QObject {
    Q_OBJECT

public:
    enum class Lane {
        Runs, // training runs and lesson steps: the heavy work, one at a time
        Analysis // projections and file reading, beside a run
    };
    // Runs on the lane's worker thread; `stop` is the task's token. What it throws is caught and logged:
    // report errors to the owner yourself.
    using Work = std::function<void(StopToken& stop)>;

    explicit TaskQueue(QObject* parent = nullptr);
    // Drops the waiting tasks, asks the running ones to stop and waits for them.
    ~TaskQueue() override;

    // Called on the window's thread: when the task is about to begin, and when it has ended (`ran`) or
    // was dropped before it began.
    struct Hooks {
        std::function<void()> started;
        std::function<void(bool ran)> finished;
    };

    // Queues `work` on `lane` under `title` (shown in the queue); returns the task's id (> 0). `stop`
    // is the token the task is cancelled through; a fresh one when null.
    int submit(Lane lane, const QString& title, Work work, std::shared_ptr<StopToken> stop = nullptr,
        Hooks hooks = {});
    // Drops a waiting task (finished(id, false)) or asks a running one to stop; false for an unknown id.
    bool cancel(int id);
    // Blocks until task `id` has ended, cancelling it first when `cancelFirst` (for owners about to go
    // away); a waiting task is dropped. Does not need the event loop.
    void wait(int id, bool cancelFirst = true);
    // Keeps the event loop turning until nothing runs or waits on `lane` (tests, closing the window).
    bool waitForIdle(Lane lane, int timeoutMs);

    // The titles of the tasks waiting on `lane`, next first: the visible queue.
    QStringList waiting(Lane lane) const;
    // The running task's id on `lane`, or 0.
    int running(Lane lane) const;
    bool isIdle(Lane lane) const;
    // The stop token of a waiting or running task; null for an unknown id.
    std::shared_ptr<StopToken> stopToken(int id) const;

signals:
    // On the window's thread, just before the task's work begins on its lane.
    void started(int id);
    // On the window's thread: the task's work returned (`ran`), or it was dropped before it began.
    void finished(int id, bool ran);
    // A task was queued, started, finished or dropped.
    void changed();

private:
    struct Task;
    struct LaneState {
        QThread* thread = nullptr;
        QObject* context = nullptr; // lives on the thread: what the work is queued to
        std::deque<std::shared_ptr<Task>> waiting;
        std::shared_ptr<Task> running;
    };

    void startNext(Lane lane);
    void complete(Lane lane, const std::shared_ptr<Task>& task);
    void drop(const std::shared_ptr<Task>& task);
    LaneState& state(Lane lane) { return m_lanes[static_cast<std::size_t>(lane)]; }
    const LaneState& state(Lane lane) const { return m_lanes[static_cast<std::size_t>(lane)]; }
    std::shared_ptr<Task> find(int id) const;

    std::array<LaneState, 2> m_lanes;
    int m_nextId = 1;
};

} // namespace neurino
