#pragma once

#include "core/run/GanRun.h"
#include "core/run/RunSpec.h"

#include <string>

namespace neurino {

// How a run is to be submitted to SLURM: the #SBATCH fields a person fills in.
struct ClusterJobOptions {
    std::string jobName = "neurino-train";
    int nodes = 1;
    int tasksPerNode = 1; // ranks per node: one per GPU, or one per CPU socket
    int gpusPerNode = 0; // 0: a CPU partition
    int cpusPerTask = 8;
    std::string time = "04:00:00"; // the job's wall-clock limit, [D-]HH:MM:SS
    std::string partition; // empty: the cluster's default
    bool copyData = true; // a file source: copied into the folder (data/), so the job needs nothing else
};

// The files of a cluster job folder, as writeClusterJob writes them.
inline constexpr char kClusterModelFile[] = "model.neurino.json";
inline constexpr char kClusterSpecFile[] = "run.json";
inline constexpr char kClusterScriptFile[] = "train.sbatch";
inline constexpr char kClusterReadmeFile[] = "README.txt";

// The srun command line of the job: every rank runs `neurino-batch train` on the spec and the model.
std::string clusterTrainCommand();

// The srun command line of a GAN job: every rank runs `neurino-batch gan train` on the spec.
std::string clusterGanTrainCommand();

// Writes into `dir` (created) a job that trains `spec` on a SLURM cluster, data-parallel over every task:
// model.neurino.json (the model; the command trains it), run.json (the spec: data, training settings,
// device, threads, seed, as `neurino-batch train --spec` reads it), train.sbatch (resources/slurm's
// train.sbatch with `options` filled in and the command), README.txt (how to copy the folder, submit it and
// bring the run folder back), and with copyData a file source's HDF5 file in data/ (the spec then names it
// relative to the folder, where the job runs), and the spec's starting weights (`init`) in weights/. With
// GPUs, a spec set to the CPU is set to "auto". Every file is written atomically. Throws IoError naming the
// file, TrainError naming the field of `options` that makes no sense.
void writeClusterJob(const RunSpec& spec, const std::string& dir, const ClusterJobOptions& options);

// The same for a GAN run: run.json (the GAN run spec with both networks, as `neurino-batch gan train --spec`
// reads it), train.sbatch with clusterGanTrainCommand(), README.txt and the data as above.
void writeClusterJob(const GanRunSpec& spec, const std::string& dir, const ClusterJobOptions& options);

} // namespace neurino
