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

// Makes glibc keep freed memory in the process (once per process; nothing elsewhere): blocks of up to 32 MB
// (glibc's ceiling for M_MMAP_THRESHOLD) come from the heap, and up to 1 GB (an eighth of the machine's
// memory when that is less) of free heap stays mapped rather than handed back. A training step or a t-SNE
// iteration allocates its temporaries afresh, and memory handed back must be faulted in and zeroed again on
// the next step. On a 2-core VM, blocks handed back made the shapes CNN train 3.4x slower on one thread and
// 16x slower on two (whose page faults contend for one address space), and a 5,000-point FFT t-SNE 2.6x
// slower; glibc's 64 MB trim threshold still cost the calorimeter GAN, whose step frees some hundred MB,
// a million page faults an epoch on two threads. The price: up to that much memory held between steps,
// which releaseFreedMemory() hands back when a run ends.
void keepFreedBlocksInHeap();

// Hands the free memory keepFreedBlocksInHeap() keeps back to the system (malloc_trim).
void releaseFreedMemory();

// Calls releaseFreedMemory() when it goes out of scope: training runs hold one, so that a workbench idle
// between runs keeps only the memory it uses.
class FreedMemoryRelease {
public:
    FreedMemoryRelease() = default;
    FreedMemoryRelease(const FreedMemoryRelease&) = delete;
    FreedMemoryRelease& operator=(const FreedMemoryRelease&) = delete;
    ~FreedMemoryRelease() { releaseFreedMemory(); }
};

// "LibTorch 1.13.1" as compiled against.
std::string libtorchVersion();

} // namespace neurino
