#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

// What every fuzz harness shares. A harness is one file, fuzz_<target>.cpp, whose body follows
//   NEURINO_FUZZ_TARGET(target) { ... use data and size ... return 0; }
// Built for fuzzing (NEURINO_FUZZ=ON, clang), that is libFuzzer's LLVMFuzzerTestOneInput and the file is a
// program of its own; in the normal build every harness registers under its name in neurino_fuzz_replay,
// which runs the corpus files through it (FuzzReplay.cpp), so that every crash once found stays a test.
#ifdef NEURINO_FUZZING
#define NEURINO_FUZZ_TARGET(target)                                                                          \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#else
#define NEURINO_FUZZ_TARGET(target)                                                                          \
    static int neurinoFuzz_##target(const std::uint8_t* data, std::size_t size);                             \
    static const bool neurinoFuzzRegistered_##target                                                         \
        = neurino::fuzz::registerTarget(#target, neurinoFuzz_##target);                                      \
    static int neurinoFuzz_##target(const std::uint8_t* data, std::size_t size)
#endif

namespace neurino::fuzz {

using TargetFunction = int (*)(const std::uint8_t* data, std::size_t size);

// Adds a harness to the replay program's table; returns true (for the static initialiser above).
bool registerTarget(const char* name, TargetFunction function);
// The harness of that name, or nullptr.
TargetFunction findTarget(const std::string& name);
// The registered names, sorted, for messages.
std::string targetNames();

// Sets small read limits once (ReadLimits.h), so that inputs declaring sizes a real file may have do not
// make the fuzzer allocate gigabytes: the limits are checked the same way, only their size is not fuzzed.
void prepare();

// A folder of this process for the files a harness hands to the readers, in memory where the system has
// /dev/shm ($TMPDIR otherwise); removed at exit.
const std::string& workDir();
// Writes `size` bytes to `path` (replacing it); aborts when it cannot, a problem of the machine, not a
// finding.
void writeFile(const std::string& path, const std::uint8_t* data, std::size_t size);
void writeFile(const std::string& path, const std::string& text);
// Removes `path` when it exists.
void removeFile(const std::string& path);

// Hands an HDF5 file's bytes to `read` as the file `path` of the work folder: as they are (foreign files,
// damaged seals) and, when they start with a Neurino seal, once more sealed again (FileSeal's stamp), so that
// what the seal would refuse reaches libhdf5 and the readers too. `read` runs under expectErrorsOnly.
void readHdf5Input(const std::uint8_t* data, std::size_t size, const std::string& name,
    const std::function<void(const std::string& path)>& read);

// Runs `read`, accepting what a reader may rightly do with a bad file: throw neurino::Error with a message
// (printed when NEURINO_FUZZ_VERBOSE is set). An exception of another type is a finding: its type and message
// are printed and the process aborts, which libFuzzer reports as a crash and the replay test as a failure;
// crashes and sanitizer reports end it too.
void expectErrorsOnly(const std::function<void()>& read);

} // namespace neurino::fuzz
