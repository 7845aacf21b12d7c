#include "app/batch/Commands.h"

#include "core/io/Hdf5Probe.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace neurino::batch {

void addProbeCommand(CLI::App& app, int& exitCode)
{
    CLI::App* cmd = app.add_subcommand("probe",
        "List what an HDF5 file holds (groups, datasets with their types and shapes, attributes) after "
        "reading "
        "it as Neurino's readers do; exit code 1 when a part cannot be read. Neurino runs it in a separate "
        "process on every HDF5 file it did not write, so that a malformed file that crashes the HDF5 library "
        "ends a probe and not the window or the run");
    auto file = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("file", *file, "The HDF5 file")->required();
    cmd->add_flag("--json", *json, "Print the listing as JSON");
    cmd->callback([file, json, &exitCode] {
        const hdf5::ProbeReport report = hdf5::probe(*file);
        std::cout << (*json ? hdf5::probeToJson(report) : hdf5::formatProbe(report));
        exitCode = 0;
        for (const hdf5::ProbedObject& object : report.objects) {
            if (!object.problem.empty())
                exitCode = 1;
        }
    });
}

} // namespace neurino::batch
