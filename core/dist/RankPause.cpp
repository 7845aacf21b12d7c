#include "core/dist/RankPause.h"

#include "core/dist/DistGroup.h"
#include "core/train/StopToken.h"

#include <torch/torch.h>

#include <chrono>
#include <thread>

namespace neurino {

namespace {

// How often the waiting ranks agree whether to go on: a pause ends within it.
constexpr auto kPausePoll = std::chrono::milliseconds(100);

} // namespace

void holdWhilePaused(DistGroup& group, const StopToken* stop)
{
    for (;;) {
        const bool stopping = stop && stop->stopRequested();
        const bool paused = stop && stop->paused() && !stopping;
        std::vector<at::Tensor> flags { torch::tensor(
            { paused ? 1.0 : 0.0, stopping ? 1.0 : 0.0 }, torch::kFloat64) };
        group.allReduceSum(flags, "whether a rank is paused");
        const auto* sums = flags.front().data_ptr<double>();
        if (sums[0] == 0 || sums[1] > 0)
            return;
        std::this_thread::sleep_for(kPausePoll);
    }
}

} // namespace neurino
