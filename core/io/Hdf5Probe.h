#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// Looking into an HDF5 file Neurino did not write before reading it. libhdf5 trusts the file's structures: a
// malformed foreign file can crash it (a segmentation fault inside the library) where no check of ours can
// come between. So such a file is first walked by `neurino-batch probe` in a short-lived child process, the
// way the readers will walk it; a crash there becomes an error message here, and the window or the run that
// asked keeps going. Files with Neurino's seal (FileSeal.h) are checked by their checksum instead.
namespace neurino::hdf5 {

// One member of a probed file.
struct ProbedObject {
    std::string path; // "/", "/features", "/weights/dense_1/weight"
    std::string kind; // "group", "dataset", "datatype" or "link" (a link to nothing)
    std::string type; // a dataset's element type ("float32", "string", ...)
    std::vector<std::int64_t> shape; // a dataset's extent
    std::vector<std::pair<std::string, std::string>> attributes; // name, value in short ("\"binary\"", "3")
    std::string problem; // why a part of it could not be read, else empty
};

struct ProbeReport {
    std::string file;
    bool sealed = false; // carries Neurino's seal, checked
    std::vector<ProbedObject> objects; // in the file's order, groups before their members
    bool truncated = false; // more objects than the listing holds (kMaxProbedObjects)
};

// A listing stops after this many groups and datasets (a file may hold millions; the walk stays short).
constexpr std::size_t kMaxProbedObjects = 10000;

// Walks `path` in this process: every group and dataset, every attribute read as the readers read them
// (strings within the read limits) and the first row of every numeric dataset. What cannot be read is
// listed as the object's problem and the walk goes on; throws IoError naming the file only when it cannot be
// opened at all (missing, not HDF5, a broken seal). A crash here is what checkInChildProcess turns into a
// message.
ProbeReport probe(const std::string& path);

// The listing as `neurino-batch probe` prints it, or as JSON (`--json`).
std::string formatProbe(const ProbeReport& report);
std::string probeToJson(const ProbeReport& report);

// The program whose `probe FILE` subcommand the child runs: neurino-batch (the batch program passes itself,
// the workbench the neurino-batch beside it). Empty, the default: no child process, files are read directly
// (a program embedding Neurino's libraries decides for itself).
void setProbeProgram(const std::string& program);
std::string probeProgram();

// When a probe program is set: runs `program probe FILE` in a child process and throws IoError naming the
// file, as `what` ("dataset file"), when the child crashed (with the signal), ran out of time or failed to
// run. Problems the probe lists are left to the reader, which reports them in its own words. A file that
// passed is not probed again while its size and time stay the same.
void checkInChildProcess(const std::string& path, const std::string& what);

} // namespace neurino::hdf5
