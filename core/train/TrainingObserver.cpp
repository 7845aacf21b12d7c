#include "core/train/TrainingObserver.h"

namespace neurino {

std::string stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::Completed:
        return "completed";
    case StopReason::EarlyStopped:
        return "stopped early";
    case StopReason::Cancelled:
        return "cancelled";
    case StopReason::Failed:
        return "failed";
    }
    return "unknown";
}

void ObserverList::onStart(const TrainStart& s)
{
    for (auto* o : m_observers)
        o->onStart(s);
}

void ObserverList::onBatchEnd(const BatchStats& s)
{
    for (auto* o : m_observers)
        o->onBatchEnd(s);
}

void ObserverList::onEpochEnd(const EpochStats& s)
{
    for (auto* o : m_observers)
        o->onEpochEnd(s);
}

void ObserverList::onFinished(const TrainSummary& s)
{
    for (auto* o : m_observers)
        o->onFinished(s);
}

} // namespace neurino
