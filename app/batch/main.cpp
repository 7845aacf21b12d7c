#include "app/batch/Commands.h"

#include "core/io/Hdf5Probe.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app { "neurino-batch: build, train, evaluate and inspect Neurino models without a window.\n"
                   "Exit codes: 0 success, 1 failed run, 2 usage error." };
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("neurino-batch ") + NEURINO_VERSION);

    // Past a file-size limit (ulimit -f), a write then fails with EFBIG, which ends the run with a message
    // and the last good checkpoint, instead of the signal killing the process.
    std::signal(SIGXFSZ, SIG_IGN);
    // HDF5 files Neurino did not write are first walked by this program's `probe` in a child process: a
    // malformed one that crashes libhdf5 then ends the probe with a message, not this run.
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error)
        neurino::hdf5::setProbeProgram(self.string());

    int exitCode = 0;
    neurino::batch::addSummaryCommand(app, exitCode);
    neurino::batch::addTrainCommand(app, exitCode);
    neurino::batch::addEvaluateCommand(app, exitCode);
    neurino::batch::addPredictCommand(app, exitCode);
    neurino::batch::addExportCommand(app, exitCode);
    neurino::batch::addImportCommand(app, exitCode);
    neurino::batch::addGenerateCommand(app, exitCode);
    neurino::batch::addGanCommand(app, exitCode);
    neurino::batch::addEmbedCommands(app, exitCode);
    neurino::batch::addExerciseCommand(app, exitCode);
    neurino::batch::addInfoCommand(app, exitCode);
    neurino::batch::addProbeCommand(app, exitCode);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    } catch (const neurino::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "error: unexpected failure: " << e.what() << "\n";
        return 1;
    }
    return exitCode;
}
