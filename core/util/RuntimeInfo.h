#pragma once

#include <string>
#include <vector>

namespace neurino {

// A numerical library LibTorch runs on, as found among the libraries loaded into this process. Debian
// installs BLAS and LAPACK as alternatives behind one soname (libblas.so.3), so which one runs is only known
// by following that link: the package LibTorch was built against says nothing.
struct NumericLibrary {
    std::string name; // "OpenBLAS", "reference BLAS (netlib)", "BLIS", "Intel MKL", or "none found"
    std::string detail; // "0.3.21, OpenMP threading, Haswell"; empty when unknown
    std::string path; // the file behind the soname
    bool reference = false; // netlib's reference implementation: correct but several times slower
};

// Names the implementation in the library file at `path` from its location and file name, as Debian's
// alternatives lay them out (/usr/lib/<arch>/blas/, /usr/lib/<arch>/openblas-openmp/, ...).
NumericLibrary classifyBlasLibrary(const std::string& path);

// What LibTorch computes with in this process, for `neurino-batch info` and the About dialog.
struct RuntimeInfo {
    std::string libtorch; // "LibTorch 1.13.1"
    NumericLibrary blas;
    NumericLibrary lapack;
    std::string onednn; // "oneDNN 2.7.3" or "not built in"
    std::string parallel; // "OpenMP 4.5" / "native thread pool"
    int threads = 0; // intra-op threads LibTorch uses now
    int interopThreads = 0;
    int usableCores = 0; // this process's CPU allocation
    std::vector<std::string> devices; // "cpu", "cuda:0 (NVIDIA H200, 139 GiB)"
    // What the user should fix, each with the command that fixes it (a reference BLAS, no CUDA for a GPU).
    std::vector<std::string> warnings;
};

RuntimeInfo runtimeInfo();

// Aligned "name: value" lines, the warnings last, as `neurino-batch info` prints them.
std::string formatRuntimeInfo(const RuntimeInfo& info);

// The advice given when LibTorch runs on the reference BLAS.
extern const char* const kReferenceBlasAdvice;

} // namespace neurino
