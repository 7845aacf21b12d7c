#include "core/util/ThreadTuning.h"

#include "core/io/ReadLimits.h"
#include "core/util/AtomicFile.h"
#include "core/util/Device.h"
#include "core/util/RuntimeInfo.h"
#include "core/util/Stopwatch.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace neurino {

namespace {

// More threads are kept only when they make a step at least 10 % faster: threads that barely help take cores
// from the rest of the machine, and when another program wakes on a core a team of threads waits for its
// slowest member (on 2 cores with a compiler running, the Higgs model trained 5x slower on 2 threads than on
// 1).
constexpr double kMoreThreadsGain = 0.9;

const char* howName(ThreadChoice::How how)
{
    switch (how) {
    case ThreadChoice::How::Given:
        return "given";
    case ThreadChoice::How::Environment:
        return "OMP_NUM_THREADS";
    case ThreadChoice::How::Measured:
        return "auto, measured";
    case ThreadChoice::How::Remembered:
        return "auto, remembered";
    case ThreadChoice::How::Device:
        return "every usable core, beside the GPU";
    case ThreadChoice::How::OneCore:
        return "auto, one usable core";
    }
    return "";
}

double median(std::vector<double> v)
{
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

std::string cpuModel()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

nlohmann::json readCache(const std::string& path)
{
    try {
        if (std::filesystem::exists(path)) {
            nlohmann::json cache = nlohmann::json::parse(readBoundedJsonText(path));
            if (cache.is_object())
                return cache;
        }
    } catch (const std::exception&) {
        // A damaged cache is only a lost measurement; it is measured again and rewritten.
    }
    return nlohmann::json::object();
}

} // namespace

nlohmann::json ThreadChoice::toJson() const
{
    nlohmann::json timed = nlohmann::json::object();
    for (const auto& [threads, seconds] : secondsPerStep)
        timed[std::to_string(threads)] = seconds;
    nlohmann::json doc = { { "threads", threads }, { "how", howName(how) } };
    if (!secondsPerStep.empty())
        doc["seconds_per_step"] = timed;
    return doc;
}

std::string ThreadChoice::describe() const
{
    std::ostringstream out;
    out << threads << " (" << howName(how);
    const char* separator = ": ";
    for (const auto& [n, seconds] : secondsPerStep) {
        out << separator << n << (n == 1 ? " thread " : " threads ") << std::fixed << std::setprecision(1)
            << seconds * 1000 << " ms/step";
        separator = ", ";
    }
    out << ")";
    return out.str();
}

std::vector<int> threadCandidates(int cores)
{
    std::vector<int> counts;
    for (int n = 1; n < cores; n *= 2)
        counts.push_back(n);
    counts.push_back(std::max(cores, 1));
    return counts;
}

ThreadChoice measureThreads(const std::function<void()>& step, int cores, int rounds, double budgetSeconds)
{
    const std::vector<int> candidates = threadCandidates(cores);
    for (const int n : candidates) {
        at::set_num_threads(n);
        step(); // the first steps allocate and start the threads
    }
    std::map<int, std::vector<double>> seconds;
    const auto start = SteadyClock::now();
    for (int r = 0; r < rounds && (r < 2 || secondsSince(start) < budgetSeconds); ++r) {
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            const int n = candidates[r % 2 == 0 ? i : candidates.size() - 1 - i];
            at::set_num_threads(n);
            step(); // after a change of count, the first parallel region resizes the team
            const auto stepStart = SteadyClock::now();
            step();
            seconds[n].push_back(secondsSince(stepStart));
        }
    }
    ThreadChoice choice;
    choice.how = ThreadChoice::How::Measured;
    choice.threads = candidates.front();
    for (const int n : candidates) {
        choice.secondsPerStep.emplace_back(n, median(seconds[n]));
        if (median(seconds[n]) < median(seconds[choice.threads]) * kMoreThreadsGain)
            choice.threads = n;
    }
    at::set_num_threads(choice.threads);
    return choice;
}

std::string threadCacheFile()
{
    namespace fs = std::filesystem;
    if (const char* dir = std::getenv("NEURINO_CACHE_DIR"); dir && *dir)
        return (fs::path(dir) / "threads.json").string();
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "neurino" / "threads.json").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : fs::temp_directory_path().string()) / ".cache" / "neurino"
        / "threads.json")
        .string();
}

std::string threadCacheKey(const std::string& workload, int cores)
{
    std::ostringstream key;
    key << std::hex
        << std::hash<std::string>()(
               workload + "|" + cpuModel() + "|" + std::to_string(cores) + "|" + runtimeInfo().blas.path);
    return key.str();
}

ThreadChoice chooseThreads(const std::string& key, const std::function<void()>& step, int cores)
{
    const std::string path = threadCacheFile();
    nlohmann::json cache = readCache(path);
    const auto known = cache.find(key);
    if (known != cache.end() && known->is_object() && known->value("threads", 0) >= 1
        && known->value("threads", 0) <= cores) {
        ThreadChoice choice;
        choice.threads = known->value("threads", 1);
        choice.how = ThreadChoice::How::Remembered;
        at::set_num_threads(choice.threads);
        return choice;
    }
    ThreadChoice choice = measureThreads(step, cores);
    cache[key] = choice.toJson();
    try {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        writeTextFileAtomically(path, cache.dump(2) + "\n");
    } catch (const std::exception&) {
        // Not remembering only means measuring again next time (a read-only home, a full disk).
    }
    return choice;
}

ThreadChoice chooseRunThreads(int requested, bool onCpu, const std::string& workload,
    const std::function<std::function<void()>()>& makeProbe)
{
    keepFreedBlocksInHeap(); // whichever way the count is chosen: each step's temporaries stay in the heap
    const int cores = usableCores();
    const bool environment = std::getenv("OMP_NUM_THREADS") != nullptr;
    if (requested > 0 || environment || !onCpu || cores == 1) {
        ThreadChoice choice;
        choice.threads = useCpuThreads(requested);
        choice.how = requested > 0 ? ThreadChoice::How::Given
            : environment          ? ThreadChoice::How::Environment
            : onCpu                ? ThreadChoice::How::OneCore
                                   : ThreadChoice::How::Device;
        return choice;
    }
    std::function<void()> probe;
    return chooseThreads(
        threadCacheKey(workload, cores),
        [&] {
            if (!probe)
                probe = makeProbe(); // on measureThreads' first, untimed call
            probe();
        },
        cores);
}

} // namespace neurino
