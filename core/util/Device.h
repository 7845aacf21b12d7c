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

// Makes glibc keep freed blocks of up to 32 MB in the process's heap instead of handing them back to the
// kernel (once per process; nothing elsewhere). A training step or a t-SNE iteration allocates its large
// temporaries afresh, and memory handed back must be faulted in and zeroed again on the next step: on a
// 2-core VM that made the shapes CNN train 3.4x slower on one thread and 16x slower on two (whose page faults
// contend for one address space), and a 5,000-point FFT t-SNE 2.6x slower. The price: the heap returns
// memory to the system later.
void keepFreedBlocksInHeap();

// "LibTorch 1.13.1" as compiled against.
std::string libtorchVersion();

} // namespace neurino
