#pragma once

#include "core/util/Seed.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <mutex>
#include <vector>

namespace neurino {

// A run's own random stream. LibTorch draws dropout masks, its layers' own initialisation and torch::rand
// from the process's default generators, which two runs in one process (the training dock beside a lesson
// step) would share and disturb. So a run keeps its stream here and swaps it into the default generators
// while it computes, in a Scope: scopes of different runs exclude each other, and each run sees the numbers
// it sees alone. Alone, a run draws exactly what torch::manual_seed(seed) would have given it. Generators
// that take a generator argument (splits, shuffling) get their own seeded ones and need no scope.
class RandomStream {
public:
    explicit RandomStream(std::uint64_t seed = kDefaultSeed);

    // Starts the stream again from `seed`.
    void reseed(std::uint64_t seed);
    // The CPU generator's state (uint8), for a checkpoint; setState continues from such a state.
    at::Tensor state() const;
    void setState(const at::Tensor& state);

    // While a Scope lives, LibTorch's default generators (CPU, and every CUDA device's) are the stream's;
    // they get their previous state back when it ends. Scopes nest on one thread.
    class Scope {
    public:
        explicit Scope(RandomStream& stream);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        RandomStream& m_stream;
        std::unique_lock<std::recursive_mutex> m_lock;
        std::vector<at::Tensor> m_outside; // the generators' states before the scope began
        bool m_outermost = false;
    };

private:
    std::uint64_t m_seed;
    at::Tensor m_cpu;
    std::vector<at::Tensor> m_cuda; // per device; empty until a scope first seeds them with m_seed
    int m_depth = 0; // scopes of this stream open on the current thread
};

} // namespace neurino
