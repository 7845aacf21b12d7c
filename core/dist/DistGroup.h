#pragma once

#include "core/dist/DistEnv.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace neurino {

// The processes of one data-parallel run, joined through PyTorch's c10d: a TCPStore on rank 0's host for the
// rendezvous and ProcessGroupGloo for the collectives (on CPU tensors; CUDA tensors go through host memory,
// since Debian's LibTorch has no NCCL). Every collective waits at most the environment's timeout; a failed or
// timed-out one throws TrainError naming this rank and the operation, so no rank hangs on a dead peer.
class DistGroup {
public:
    // Meets the other ranks. Throws TrainError when they do not come within the timeout or the master
    // address cannot be reached.
    static std::shared_ptr<DistGroup> join(const DistEnv& env);
    ~DistGroup();
    DistGroup(const DistGroup&) = delete;
    DistGroup& operator=(const DistGroup&) = delete;

    int rank() const { return m_env.rank; }
    int size() const { return m_env.worldSize; }
    const DistEnv& env() const { return m_env; }

    // Sums `tensors` element-wise over the ranks, in place. `what` names them in an error.
    void allReduceSum(std::vector<at::Tensor>& tensors, const std::string& what);
    // Rank `root`'s values into every rank's `tensors`, in place.
    void broadcast(std::vector<at::Tensor>& tensors, int root, const std::string& what);
    void barrier(const std::string& what);

private:
    struct Impl;
    explicit DistGroup(DistEnv env);
    DistEnv m_env;
    std::unique_ptr<Impl> m_impl;
};

} // namespace neurino
