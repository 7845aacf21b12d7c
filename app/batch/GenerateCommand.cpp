#include "app/batch/Commands.h"

#include "core/data/DatasetFile.h"
#include "core/util/Error.h"
#include "core/util/Seed.h"
#include "datasets/Catalog.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <unistd.h>

namespace neurino::batch {

namespace {

struct GenerateArgs {
    std::string name;
    std::int64_t events = 0;
    std::uint64_t seed = kDefaultSeed;
    std::vector<std::string> opts; // key=value
    std::string out;
    int threads = 0;
    int gzip = 0;
    bool list = false;
    bool quiet = false;
};

// Generator-specific options come as --key value, --key=value, or --flag (a boolean set to true), after
// CLI11 has taken the options every generator shares.
std::map<std::string, std::string> parseGeneratorOptions(
    const std::vector<std::string>& extras, const std::vector<std::string>& keyValues)
{
    std::map<std::string, std::string> values;
    for (const auto& kv : keyValues) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw CLI::ValidationError("--opt", "'" + kv + "' is not key=value");
        values[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (std::size_t i = 0; i < extras.size(); ++i) {
        const std::string& arg = extras[i];
        if (arg.rfind("--", 0) != 0 || arg.size() < 3)
            throw CLI::ExtrasError({ arg });
        const std::string body = arg.substr(2);
        const auto eq = body.find('=');
        if (eq != std::string::npos) {
            values[body.substr(0, eq)] = body.substr(eq + 1);
        } else if (i + 1 < extras.size() && extras[i + 1].rfind("--", 0) != 0) {
            values[body] = extras[++i];
        } else {
            values[body] = "true";
        }
    }
    return values;
}

// A bar on a terminal; a plain line per tenth otherwise, so logs stay readable.
class GenerationProgress {
public:
    explicit GenerationProgress(bool quiet)
        : m_quiet(quiet)
        , m_terminal(::isatty(STDERR_FILENO) != 0)
    {
    }

    void operator()(std::int64_t done, std::int64_t total)
    {
        if (m_quiet || total <= 0)
            return;
        const int percent = int(100 * done / total);
        if (m_terminal) {
            const int width = 40, filled = width * percent / 100;
            std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld", std::string(std::size_t(filled), '#').c_str(),
                std::string(std::size_t(width - filled), '.').c_str(), percent, (long long)done,
                (long long)total);
            if (done == total)
                std::fprintf(stderr, "\n");
            std::fflush(stderr);
        } else if (percent / 10 > m_lastTenth || done == total) {
            m_lastTenth = percent / 10;
            std::fprintf(
                stderr, "generated %lld of %lld events (%d%%)\n", (long long)done, (long long)total, percent);
        }
    }

private:
    bool m_quiet;
    bool m_terminal;
    int m_lastTenth = 0;
};

void runGenerate(const GenerateArgs& args, const std::vector<std::string>& extras)
{
    const auto& catalog = datasets::Catalog::instance();
    if (args.list) {
        std::cout << catalog.describe() << std::flush;
        return;
    }
    if (args.name.empty())
        throw CLI::RequiredError("NAME (or --list)");
    if (args.out.empty())
        throw CLI::RequiredError("--out");
    const datasets::Generator* generator = catalog.find(args.name);
    if (!generator) {
        std::string known;
        for (const auto& n : catalog.names())
            known += (known.empty() ? "" : ", ") + n;
        throw CLI::ValidationError("NAME", "no generator '" + args.name + "'; choose one of " + known);
    }
    // Bad options are usage errors (exit 2); failures while generating or writing are failed runs (exit 1).
    datasets::GeneratorOptions options;
    std::int64_t events = 0;
    try {
        options = datasets::GeneratorOptions::fromStrings(
            args.name, generator->options(), parseGeneratorOptions(extras, args.opts));
        events = catalog.resolveEvents(*generator, options, args.events);
    } catch (const DataError& e) {
        throw CLI::ValidationError(args.name, e.what());
    }

    GenerationProgress printer(args.quiet);
    datasets::GenerateControl control;
    control.threads = args.threads;
    control.progress = [&printer](std::int64_t done, std::int64_t total) { printer(done, total); };
    const auto start = std::chrono::steady_clock::now();
    const Dataset data = catalog.generate(args.name, options, events, args.seed, control);
    const double generated = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    DatasetWriteOptions writeOptions;
    writeOptions.gzipLevel = args.gzip;
    writeDataset(args.out, data, writeOptions);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::ostringstream shape;
    const auto sample = data.sampleShape();
    for (std::size_t i = 0; i < sample.size(); ++i)
        shape << (i ? "x" : "") << sample[i];
    std::cout << "wrote " << args.out << ": " << data.size() << " samples of " << shape.str() << " ("
              << args.name << ", seed " << args.seed << ", " << taskName(data.info.task) << ") in " << total
              << " s (generation " << generated << " s)\n";
}

} // namespace

void addGenerateCommand(CLI::App& app, int& exitCode)
{
    auto args = std::make_shared<GenerateArgs>();
    CLI::App* cmd = app.add_subcommand("generate",
        "Generate a named dataset into an HDF5 file; 'generate --list' shows the generators and "
        "their options, which are passed as --key value or --opt key=value");
    cmd->add_option("name", args->name,
        "Generator name (xor, circles, spirals, gaussians, function1d, shapes, "
        "higgs, calorimeter, tpc_krypton, fashion_mnist)");
    cmd->add_option("--events,-n", args->events, "Number of events (default: the generator's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--seed,-s", args->seed, "Random seed; the same seed gives the same file")
        ->default_val(kDefaultSeed);
    cmd->add_option("--opt", args->opts, "Generator option as key=value (repeatable)");
    cmd->add_option("--out,-o", args->out, "Output HDF5 file");
    cmd->add_option("--threads,-j", args->threads, "Worker threads (default: one per core)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option(
           "--gzip", args->gzip, "Compress the datasets with gzip at this level (1-9); off by default")
        ->check(CLI::Range(0, 9));
    cmd->add_flag("--list", args->list, "List the generators with their options and defaults");
    cmd->add_flag("--quiet,-q", args->quiet, "No progress output");
    cmd->allow_extras();
    // Failures throw; there is no partial success to report through exitCode.
    (void)exitCode;
    cmd->callback([args, cmd] { runGenerate(*args, cmd->remaining()); });
}

} // namespace neurino::batch
