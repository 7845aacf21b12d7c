#include "core/util/Device.h"

#include "core/util/Error.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef __linux__
#include <sched.h>
#include <unistd.h>
#endif

namespace neurino {

c10::Device selectDevice(const std::string& spec)
{
    if (spec.empty() || spec == "auto")
        return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (spec == "cpu")
        return c10::Device(c10::kCPU);
    if (spec.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw Error("device '" + spec
                + "' was asked for, but LibTorch sees no CUDA GPU; use --device cpu or auto");
        try {
            c10::Device device(spec);
            if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count()))
                throw Error("device '" + spec + "' does not exist: LibTorch sees "
                    + std::to_string(torch::cuda::device_count()) + " GPU(s)");
            return device.has_index() ? device : c10::Device(c10::kCUDA, 0);
        } catch (const c10::Error&) {
            throw Error("device '" + spec + "' is not understood; use auto, cpu, cuda or cuda:N");
        }
    }
    throw Error("device '" + spec + "' is not understood; use auto, cpu, cuda or cuda:N");
}

std::string describeDevice(const c10::Device& device)
{
    if (device.is_cuda())
        return "CUDA:" + std::to_string(device.index() < 0 ? 0 : device.index());
    const int threads = torch::get_num_threads();
    return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

int usableCores()
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return std::max(1, CPU_COUNT(&set));
#endif
    return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

void keepFreedBlocksInHeap()
{
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] {
        constexpr long long kMaxKept = 1LL << 30;
        long long kept = kMaxKept;
#ifdef _SC_PHYS_PAGES
        const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
        if (pages > 0 && pageSize > 0)
            kept = std::min(kMaxKept, static_cast<long long>(pages) * pageSize / 8);
#endif
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::max(kept, 64LL * 1024 * 1024)));
    });
#endif
}

void releaseFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int useCpuThreads(int requested)
{
    keepFreedBlocksInHeap();
    if (requested > 0)
        torch::set_num_threads(requested);
    else if (!std::getenv("OMP_NUM_THREADS"))
        torch::set_num_threads(usableCores());
    return torch::get_num_threads();
}

std::string libtorchVersion()
{
    return "LibTorch " TORCH_VERSION;
}

} // namespace neurino
