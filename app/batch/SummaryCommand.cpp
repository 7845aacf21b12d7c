#include "app/batch/Commands.h"

#include "core/graph/ModelJson.h"
#include "core/io/Hdf5.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace neurino::batch {

void addSummaryCommand(CLI::App& app, int& exitCode)
{
    auto files = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = app.add_subcommand("summary",
        "Print the Keras-style summary of model files: layers, output "
        "shapes, parameter counts; exit 1 when a model has problems");
    cmd->add_option("models", *files, "Model files (*.neurino.json) or checkpoints (.h5)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->callback([files, &exitCode] {
        for (const auto& path : *files) {
            const ModelGraph graph = hdf5::isHdf5File(path) ? loadCheckpoint(path).graph : loadModel(path);
            std::cout << graph.summary() << std::flush;
            if (!graph.validate().empty())
                exitCode = 1;
            if (files->size() > 1)
                std::cout << "\n";
        }
    });
}

} // namespace neurino::batch
