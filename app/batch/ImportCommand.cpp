#include "app/batch/Commands.h"

#include <CLI/CLI.hpp>

namespace neurino::batch {

void addImportCommand(CLI::App& app, int& exitCode)
{
    CLI::App* importer
        = app.add_subcommand("import", "Turn a model from another framework into a Neurino checkpoint");
    importer->require_subcommand(1);
    addImportKerasCommand(*importer, exitCode);
}

} // namespace neurino::batch
