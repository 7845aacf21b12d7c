#include "app/batch/Commands.h"

#include "core/io/PyTorchExport.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace neurino::batch {

namespace {

struct PyTorchOptions {
    std::string checkpoint, out;
};

void exportPyTorchFolder(const PyTorchOptions& o)
{
    const Checkpoint checkpoint = loadCheckpoint(o.checkpoint);
    const PyTorchExport files = exportPyTorch(checkpoint, o.checkpoint);
    writePyTorchExport(files, o.out);
    std::cout << "wrote model.py (class " << files.className << "), weights.pt and README.txt of "
              << checkpoint.graph.name() << " to " << o.out << std::endl;
}

} // namespace

void addExportCommand(CLI::App& app, int& exitCode)
{
    CLI::App* exporter = app.add_subcommand("export", "Hand a checkpoint's model on to another framework");
    exporter->require_subcommand(1);

    auto o = std::make_shared<PyTorchOptions>();
    CLI::App* pytorch = exporter->add_subcommand("pytorch",
        "Write model.py (a torch.nn.Module generated from the graph, the input standardisation "
        "included), weights.pt (its state dict, for torch.load) and README.txt into a folder");
    pytorch->add_option("--checkpoint,-c", o->checkpoint, "Checkpoint (checkpoint.h5 or best.h5 of a run)")
        ->required()
        ->check(CLI::ExistingFile);
    pytorch->add_option("--out,-o", o->out, "Folder for the three files (made when missing)")->required();
    pytorch->callback([o, &exitCode] {
        exportPyTorchFolder(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
