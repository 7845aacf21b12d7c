#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace neurino {

// Where a process stands in a data-parallel run, as its launcher says it: torchrun's (and `neurino-batch
// launch`'s) RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT, or SLURM's task
// variables under srun. A process that none of them places (or the only one of its run) runs alone.
struct DistEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int localWorldSize = 1;
    std::string masterAddr = "127.0.0.1";
    std::uint16_t masterPort = 29500;
    std::string source; // "torchrun" or "SLURM", for messages
    // How long a collective (and the rendezvous) may wait for the other ranks: NEURINO_DIST_TIMEOUT
    // seconds, 300 by default, after which the run fails naming the rank instead of hanging.
    std::chrono::seconds timeout { 300 };

    // The environment's placement when it describes a run of more than one process. Throws TrainError for
    // variables that are set but make no sense (a rank outside the world, a port that is not a number).
    static std::optional<DistEnv> fromEnvironment();
    // "rank 1 of 4 (torchrun)".
    std::string describe() const;
};

// SLURM's compact host lists expanded: "gpu[01-03,07],login1" -> gpu01 gpu02 gpu03 gpu07 login1 (zero
// padding kept). Throws TrainError naming the list when a bracket is not closed or a range is reversed.
std::vector<std::string> expandHostList(const std::string& list);

// The rendezvous port of a SLURM job: one port per job id in 10000-29999 (below Linux's ephemeral ports), so
// that two jobs sharing a node do not meet each other.
std::uint16_t slurmPort(std::uint64_t jobId);

} // namespace neurino
