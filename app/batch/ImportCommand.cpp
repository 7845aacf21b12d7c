#include "app/batch/Commands.h"

#include <CLI/CLI.hpp>

namespace neurino::batch {

// `import` only groups the converters; each registers its own subcommand (ImportKerasCommand.cpp,
// ImportOnnxCommand.cpp).
void addImportCommand(CLI::App& app, int& exitCode)
{
    CLI::App* importer
        = app.add_subcommand("import", "Turn a model of another framework into a Neurino checkpoint");
    importer->require_subcommand(1);
    addImportKerasCommand(*importer, exitCode);
    addImportOnnxCommand(*importer, exitCode);
}

} // namespace neurino::batch
