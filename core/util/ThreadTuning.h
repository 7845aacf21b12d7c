#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace neurino {

// How a run's CPU thread count came about, for its log and its config.json.
struct ThreadChoice {
    enum class How { Given, Environment, Measured, Remembered, Device, OneCore };
    int threads = 1; // LibTorch's intra-op threads for the run
    How how = How::Given;
    std::vector<std::pair<int, double>> secondsPerStep; // what was timed: threads -> median step time
    nlohmann::json toJson() const;
    // "1 (auto: 1 thread 11.8 ms/step, 2 threads 29.6 ms/step)", "2 (given)".
    std::string describe() const;
};

// Thread counts worth timing on `cores` usable cores: 1, 2, 4, ... and `cores` itself (not every count: on a
// 64-core node each step taken at each count would cost more than it saves).
std::vector<int> threadCandidates(int cores);

// Times `step` at each candidate thread count and keeps the fastest, the smaller count unless a larger one
// is at least 10 % faster. The counts take turns, round after round (1 2 4, 4 2 1, ...), each timed on the
// step after an untimed one, and each count's time is the median of its rounds: on a shared machine the load
// changes while it measures, and turns spread that change over every count. At least two rounds, more while
// `budgetSeconds` last, at most `rounds`. Leaves LibTorch on the chosen count.
ThreadChoice measureThreads(
    const std::function<void()>& step, int cores, int rounds = 7, double budgetSeconds = 3.0);

// Where chosen thread counts are remembered: $NEURINO_CACHE_DIR/threads.json, else under $XDG_CACHE_HOME or
// ~/.cache, in neurino/.
std::string threadCacheFile();

// The choice for `key` (the model's shape, batch, optimizer and this machine): the remembered one when the
// cache has it, else measured with `step` and remembered (written atomically; a cache that cannot be read or
// written is ignored, since the measurement can always be repeated).
ThreadChoice chooseThreads(const std::string& key, const std::function<void()>& step, int cores);

// A run's thread count. Fixed, and LibTorch set to it, when `requested` > 0 (Given), OMP_NUM_THREADS is set
// (Environment), the run is not on the CPU (Device) or one core is usable (OneCore); else chooseThreads for
// `workload` on this machine, timing the step `makeProbe` builds (built only when it must be timed).
ThreadChoice chooseRunThreads(int requested, bool onCpu, const std::string& workload,
    const std::function<std::function<void()>()>& makeProbe);

// A key for chooseThreads from what makes a step's speed: `workload` (the model and batch, as text) and this
// machine (CPU model, usable cores, BLAS).
std::string threadCacheKey(const std::string& workload, int cores);

} // namespace neurino
