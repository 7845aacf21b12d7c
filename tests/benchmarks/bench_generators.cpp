// Generation speed of every dataset generator: events per second on one thread and on all hardware threads,
// the speed-up between them, the time of the default 1,000,000-event Higgs sample, and the HDF5 write rate.
#include "core/data/DatasetFile.h"
#include "datasets/Catalog.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

using namespace neurino;
using namespace neurino::datasets;

namespace {

struct Case {
    const char* name;
    const char* options;
    std::int64_t events; // 0: the generator's fixed count
};

// Sizes chosen so that one thread takes about a second.
const Case kCases[] = {
    { "xor", "{}", 4'000'000 },
    { "circles", "{}", 4'000'000 },
    { "spirals", "{}", 4'000'000 },
    { "gaussians", "{}", 4'000'000 },
    { "function1d", "{}", 4'000'000 },
    { "shapes", "{}", 20'000 },
    { "higgs", "{}", 200'000 },
    { "calorimeter", "{}", 4'000 },
    { "calorimeter", R"({"3d": true})", 1'000 },
    { "tpc_krypton", "{}", 0 },
};

double secondsOf(const std::function<void()>& work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
    // --quick: a tenth of the events, for a smoke run.
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    const int threads = ChunkRunner::resolveThreads(0);
    std::printf("bench_generators: 1 thread against %d threads (hardware: %u)\n\n", threads,
        std::thread::hardware_concurrency());
    std::printf(
        "%-26s %10s %14s %14s %9s\n", "generator", "events", "events/s (1)", "events/s (N)", "speed-up");
    const auto& catalog = Catalog::instance();
    for (const Case& c : kCases) {
        const auto options = nlohmann::json::parse(c.options);
        const std::int64_t events = quick && c.events > 0 ? c.events / 10 : c.events;
        GenerateControl one, all;
        one.threads = 1;
        all.threads = threads;
        std::int64_t made = 0;
        const double t1 = secondsOf([&] { made = catalog.generate(c.name, options, events, 1, one).size(); });
        const double tn = secondsOf([&] { catalog.generate(c.name, options, events, 1, all); });
        const std::string label = std::string(c.name) + (options.empty() ? "" : " " + options.dump());
        std::printf("%-26s %10lld %14.0f %14.0f %8.2fx\n", label.c_str(), (long long)made, double(made) / t1,
            double(made) / tn, t1 / tn);
        std::fflush(stdout);
    }

    const std::int64_t higgsEvents = quick ? 100'000 : 1'000'000;
    Dataset higgs;
    GenerateControl all;
    const double th = secondsOf(
        [&] { higgs = catalog.generate("higgs", nlohmann::json::object(), higgsEvents, 42, all); });
    std::printf("\nhiggs, %lld events on %d threads: %.2f s\n", (long long)higgsEvents, threads, th);

    const auto path = (std::filesystem::temp_directory_path() / "neurino-bench-higgs.h5").string();
    const double tw = secondsOf([&] { writeDataset(path, higgs); });
    const double mb = double(std::filesystem::file_size(path)) / (1 << 20);
    const double tg = secondsOf([&] { writeDataset(path, higgs, { /*gzipLevel=*/4 }); });
    const double mbz = double(std::filesystem::file_size(path)) / (1 << 20);
    const double tr = secondsOf([&] { readDataset(path); });
    std::printf("write %.0f MiB: %.2f s (%.0f MiB/s); gzip 4: %.0f MiB in %.2f s; read back (gzip): %.2f s\n",
        mb, tw, mb / tw, mbz, tg, tr);
    std::filesystem::remove(path);
    return 0;
}
