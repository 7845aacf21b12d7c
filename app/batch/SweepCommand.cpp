// neurino-batch sweep: a grid or random search over run settings, run here one after another or written
// as a SLURM job array, gathered into one table.
#include "app/batch/Commands.h"

#include "core/run/Run.h"
#include "core/run/Sweep.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;

namespace neurino::batch {

namespace {

struct SweepOptions {
    std::string spec, out, executable = "neurino-batch";
    bool slurm = false, gather = false, quiet = false;
};

std::string specPath(const std::string& out, const SweepTrial& trial)
{
    return (fs::path(out) / "specs" / (trial.name + ".json")).string();
}

std::string settingsText(const nlohmann::json& settings)
{
    std::string text;
    for (const auto& [key, value] : settings.items())
        text += (text.empty() ? "" : " ") + key + "=" + value.dump();
    return text;
}

// The job array: one task per trial, each training its spec into its run folder.
void writeSlurmArray(const SweepOptions& o, const std::vector<SweepTrial>& trials)
{
    const std::string out = fs::absolute(o.out).string();
    const std::string script = (fs::path(out) / "sweep.sbatch").string();
    std::ostringstream s;
    s << "#!/bin/bash\n"
         "# The sweep "
      << fs::absolute(o.spec).string() << " as a SLURM job array: one task per trial (" << trials.size()
      << "), each\n"
         "# training its spec (specs/run-NNN.json) into its run folder (run-NNN). Submit with\n"
         "#   sbatch "
      << script
      << "\n"
         "# and, when the tasks are done, rank them with\n"
         "#   neurino-batch sweep --spec "
      << fs::absolute(o.spec).string() << " --out " << out
      << " --gather\n"
         "#SBATCH --job-name=neurino-sweep\n"
         "# %8: at most eight trials at a time; drop it to run them all at once.\n"
         "#SBATCH --array=0-"
      << trials.size() - 1
      << "%8\n"
         "#SBATCH --ntasks=1\n"
         "#SBATCH --cpus-per-task=4\n"
         "# For a GPU per trial: #SBATCH --gres=gpu:1 (and --device cuda in the specs).\n"
         "#SBATCH --time=02:00:00\n"
         "#SBATCH --output="
      << out
      << "/slurm-%A_%a.out\n"
         "set -euo pipefail\n"
         "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"
         "RUN=$(printf 'run-%03d' \"$SLURM_ARRAY_TASK_ID\")\n"
         "srun "
      << o.executable << " train --spec " << out << "/specs/$RUN.json --out " << out << "/$RUN\n";
    writeTextFileAtomically(script, s.str());
    std::cout << "wrote " << trials.size() << " run specs in " << out << "/specs and the job array " << script
              << "\nsubmit it with: sbatch " << script << std::endl;
}

void runLocally(const SweepOptions& o, const std::vector<SweepTrial>& trials)
{
    for (const SweepTrial& trial : trials) {
        const fs::path folder = fs::path(o.out) / trial.name;
        if (fs::exists(folder / "summary.txt")) {
            std::cout << trial.name << ": done already (" << settingsText(trial.settings) << ")" << std::endl;
            continue;
        }
        if (!o.quiet)
            std::cout << trial.name << ": " << settingsText(trial.settings) << std::flush;
        const auto start = std::chrono::steady_clock::now();
        try {
            Run run(trial.spec, datasets::Catalog::instance().generatorFn());
            run.keepFolder(folder.string(), FolderMode::Overwrite);
            const TrainSummary summary = run.execute();
            if (!o.quiet)
                std::cout << "  " << summary.epochsCompleted << " epoch(s) in " << std::fixed
                          << std::setprecision(1)
                          << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                          << " s" << std::defaultfloat << std::endl;
        } catch (const Error& e) {
            // One failed trial (a learning rate that diverges) does not end the sweep; it ranks last.
            std::cout << (o.quiet ? trial.name + ": " : std::string("  ")) << "failed: " << e.what()
                      << std::endl;
        }
    }
}

void printRanking(const std::vector<SweepResult>& results, const SweepSpec& sweep, const std::string& table)
{
    std::cout << "ranking by " << sweep.rankBy << " (" << (sweep.higherIsBetter() ? "higher" : "lower")
              << " is better), best epoch of each run:\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const SweepResult& r = results[i];
        std::cout << std::setw(3) << (r.scored ? std::to_string(i + 1) : std::string("-")) << "  " << r.name
                  << "  ";
        if (r.scored)
            std::cout << sweep.rankBy << " " << std::setprecision(5) << r.score << " (epoch " << r.bestEpoch
                      << ")";
        else
            std::cout << (r.epochs == 0 ? "did not run" : "no " + sweep.rankBy);
        std::cout << "  " << settingsText(r.settings) << "\n";
    }
    std::cout << "table: " << table << std::endl;
}

void sweep(const SweepOptions& o)
{
    const SweepSpec spec = SweepSpec::load(o.spec);
    const std::vector<SweepTrial> trials = expandSweep(spec);
    fs::create_directories(fs::path(o.out) / "specs");
    for (const SweepTrial& trial : trials)
        trial.spec.save(specPath(o.out, trial));
    if (o.slurm) {
        writeSlurmArray(o, trials);
        return;
    }
    if (!o.gather)
        runLocally(o, trials);
    const std::vector<SweepResult> results = gatherSweep(o.out, trials, spec);
    const std::string table = (fs::path(o.out) / "results.csv").string();
    writeSweepTable(table, results, spec);
    printRanking(results, spec, table);
}

} // namespace

void addSweepCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<SweepOptions>();
    CLI::App* cmd = app.add_subcommand("sweep",
        "Search over run settings (grid or random, see README): one run folder per trial in --out, run "
        "here one after another or written as a SLURM job array, then ranked in results.csv");
    cmd->add_option("--spec", o->spec, "Sweep file (JSON: base run spec, parameters, search, rank_by)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--out,-o", o->out, "Folder of the sweep: specs/, run-NNN/, results.csv")->required();
    cmd->add_flag(
        "--slurm", o->slurm, "Write the run specs and a SLURM job array (sweep.sbatch) instead of running");
    cmd->add_option(
           "--executable", o->executable, "neurino-batch as the cluster's nodes find it (for --slurm)")
        ->capture_default_str();
    cmd->add_flag(
        "--gather", o->gather, "Only gather the trials' run folders into results.csv and the ranking");
    cmd->add_flag("--quiet,-q", o->quiet, "One line per trial at most");
    cmd->callback([o, &exitCode] {
        sweep(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
