#pragma once

#include <c10/core/Device.h>

#include <string>

namespace neurino {

// Parses "auto", "cpu", "cuda" or "cuda:N". "auto" picks CUDA when LibTorch sees a GPU.
// Throws Error naming the setting when the device is unknown or not available.
c10::Device selectDevice(const std::string& spec);

// A human-readable description of a device, e.g. "CPU (2 threads)" or "CUDA:0 NVIDIA H100".
std::string describeDevice(const c10::Device& device);

// The cores this process may run on: a batch job's allocation (taskset, Slurm cgroups) rather than the
// node's.
int usableCores();

// Sets LibTorch's CPU threads: `requested` when above 0, otherwise every core this process may use unless
// OMP_NUM_THREADS says otherwise (LibTorch's own default counts physical cores and is 1 on many VMs, which
// halves training speed on a 2-core laptop VM). Returns the count now in use.
int useCpuThreads(int requested);

// "LibTorch 1.13.1" as compiled against.
std::string libtorchVersion();

} // namespace neurino
