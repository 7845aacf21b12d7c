#include "core/util/RuntimeInfo.h"

#include "core/util/Device.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <sstream>

#ifdef __linux__
#include <dlfcn.h>
#include <link.h>
#endif

namespace neurino {

const char* const kReferenceBlasAdvice
    = "LibTorch runs on the reference BLAS (netlib), which trains several times slower than an optimised "
      "one; install OpenBLAS with: sudo apt install libopenblas0-openmp (scripts/neurino setup does it)";

namespace {

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::string baseName(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The real files behind the loaded libraries whose file names start with one of `prefixes`.
std::vector<std::string> loadedLibraries(const std::vector<std::string>& prefixes)
{
    std::vector<std::string> found;
#ifdef __linux__
    struct Search {
        const std::vector<std::string>* prefixes;
        std::vector<std::string>* found;
    } search { &prefixes, &found };
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            auto* s = static_cast<Search*>(data);
            const std::string name = info->dlpi_name ? info->dlpi_name : "";
            for (const std::string& prefix : *s->prefixes)
                if (baseName(name).rfind(prefix, 0) == 0) {
                    char* real = realpath(name.c_str(), nullptr);
                    s->found->push_back(real ? real : name);
                    std::free(real);
                }
            return 0;
        },
        &search);
#endif
    return found;
}

// OpenBLAS says how it was built ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ... Haswell MAX_THREADS=64") and
// how it threads; of that, the version, the CPU kernels chosen and the threading matter to a user.
std::string openBlasDetail()
{
#ifdef __linux__
    using ConfigFn = char* (*)();
    using ParallelFn = int (*)();
    const auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    const auto parallel = reinterpret_cast<ParallelFn>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
    std::istringstream words(config ? config() : "");
    std::string word, version, kernels;
    words >> word >> version;
    while (words >> word)
        if (word.find_first_of("_=") == std::string::npos && word != "DYNAMIC_ARCH")
            kernels = word;
    std::string detail = version;
    if (!kernels.empty())
        detail += ", " + kernels + " kernels";
    if (parallel) {
        const int mode = parallel();
        detail += mode == 2 ? ", OpenMP threading" : mode == 1 ? ", own thread pool" : ", single-threaded";
    }
    return detail;
#else
    return {};
#endif
}

// The first of `prefixes` that a loaded library's name starts with decides: OpenBLAS's LAPACK loads
// libopenblas.so.0 beside the libblas.so.3 that LibTorch links, and the soname is what LibTorch calls.
NumericLibrary findLibrary(const std::vector<std::string>& prefixes)
{
    std::vector<std::string> found;
    for (const std::string& prefix : prefixes) {
        found = loadedLibraries({ prefix });
        if (!found.empty())
            break;
    }
    if (found.empty())
        return { "none found", "", "", false };
    NumericLibrary library = classifyBlasLibrary(found.front());
    if (library.name == "OpenBLAS")
        library.detail = openBlasDetail();
    return library;
}

// "oneDNN v2.7.3" from LibTorch's build configuration, which names it (as MKL-DNN in older releases).
std::string oneDnnVersion()
{
    std::istringstream config(at::show_config());
    for (std::string line; std::getline(config, line);) {
        for (const char* name : { "oneDNN", "MKL-DNN" }) {
            const auto at = line.find(name);
            if (at == std::string::npos)
                continue;
            std::string version = line.substr(at);
            const auto paren = version.find(" (");
            return "oneDNN" + version.substr(std::string(name).size(), paren - std::string(name).size());
        }
    }
    return "not built in";
}

// "OpenMP 201511 (a.k.a. OpenMP 4.5)" or the native pool, from LibTorch's parallel report.
std::string parallelBackend()
{
    std::istringstream report(at::get_parallel_info());
    std::string backend, openmp;
    for (std::string line; std::getline(report, line);) {
        if (line.rfind("ATen parallel backend: ", 0) == 0)
            backend = line.substr(23);
        if (line.rfind("OpenMP ", 0) == 0 && contains(line, "a.k.a."))
            openmp = line.substr(line.find("a.k.a. ") + 7, line.rfind(')') - line.find("a.k.a. ") - 7);
    }
    if (backend == "OpenMP" && !openmp.empty())
        return openmp;
    return backend.empty() ? "unknown" : backend;
}

std::vector<std::string> deviceList(int cores)
{
    std::vector<std::string> devices = { "cpu (" + std::to_string(cores) + " usable cores)" };
    const auto gpus = torch::cuda::device_count();
    for (std::size_t i = 0; i < gpus; ++i)
        devices.push_back("cuda:" + std::to_string(i));
    return devices;
}

void line(std::ostringstream& out, const std::string& name, const std::string& value)
{
    out << std::left << std::setw(12) << (name + ":") << value << "\n";
}

std::string describe(const NumericLibrary& library)
{
    std::string text = library.name;
    if (!library.detail.empty())
        text += " " + library.detail;
    if (!library.path.empty())
        text += " (" + library.path + ")";
    return text;
}

} // namespace

NumericLibrary classifyBlasLibrary(const std::string& path)
{
    NumericLibrary library;
    library.path = path;
    const std::string file = baseName(path);
    if (contains(path, "openblas"))
        library.name = "OpenBLAS";
    else if (contains(path, "blis"))
        library.name = "BLIS";
    else if (contains(file, "mkl"))
        library.name = "Intel MKL";
    else if (contains(path, "atlas"))
        library.name = "ATLAS";
    else if (contains(path, "/blas/") || contains(path, "/lapack/") || file.rfind("libblas.so", 0) == 0
        || file.rfind("liblapack.so", 0) == 0) {
        library.name = "reference BLAS (netlib)";
        library.reference = true;
    } else {
        library.name = file;
    }
    return library;
}

RuntimeInfo runtimeInfo()
{
    RuntimeInfo info;
    info.libtorch = libtorchVersion();
    info.blas = findLibrary({ "libblas.so", "libopenblas", "libblis", "libmkl_rt" });
    info.lapack = findLibrary({ "liblapack.so" });
    if (info.lapack.reference)
        info.lapack.name = "reference LAPACK (netlib)";
    info.onednn = oneDnnVersion();
    info.parallel = parallelBackend();
    info.threads = at::get_num_threads();
    info.interopThreads = at::get_num_interop_threads();
    info.usableCores = usableCores();
    info.devices = deviceList(info.usableCores);
    if (info.blas.reference)
        info.warnings.emplace_back(kReferenceBlasAdvice);
    if (info.blas.name == "OpenBLAS" && contains(info.blas.detail, "own thread pool"))
        info.warnings.emplace_back(
            "OpenBLAS runs its own thread pool beside LibTorch's, so the threads setting does not govern it; "
            "install the OpenMP flavour with: sudo apt install libopenblas0-openmp");
    return info;
}

std::string formatRuntimeInfo(const RuntimeInfo& info)
{
    std::ostringstream out;
    line(out, "LibTorch", info.libtorch.substr(info.libtorch.find(' ') + 1));
    line(out, "BLAS", describe(info.blas));
    line(out, "LAPACK", describe(info.lapack));
    line(out, "oneDNN", info.onednn);
    line(out, "parallel", info.parallel);
    line(out, "threads",
        std::to_string(info.threads) + " (inter-op " + std::to_string(info.interopThreads) + "), "
            + std::to_string(info.usableCores) + " usable cores");
    std::string devices;
    for (const std::string& d : info.devices)
        devices += (devices.empty() ? "" : ", ") + d;
    line(out, "devices", devices);
    for (const std::string& w : info.warnings)
        out << "warning: " << w << "\n";
    return out.str();
}

} // namespace neurino
