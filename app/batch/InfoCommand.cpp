#include "app/batch/Commands.h"

#include "core/util/Device.h"
#include "core/util/Resources.h"
#include "core/util/RuntimeInfo.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace neurino::batch {

void addInfoCommand(CLI::App& app, int& exitCode)
{
    CLI::App* cmd = app.add_subcommand("info",
        "Say what LibTorch computes with here: its version, BLAS, LAPACK, oneDNN, OpenMP, threads and "
        "devices, and where the templates and lessons are read from; warns, with the command that fixes it, "
        "when it runs on the slow reference BLAS");
    cmd->callback([&exitCode] {
        useCpuThreads(0);
        std::cout << "neurino-batch " << NEURINO_VERSION << "\n"
                  << "resources:  " << resourceDir() << "\n"
                  << formatRuntimeInfo(runtimeInfo());
        exitCode = 0;
    });
}

} // namespace neurino::batch
