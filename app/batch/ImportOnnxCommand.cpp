#include "app/batch/Commands.h"

#include "core/io/OnnxImport.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace neurino::batch {

namespace {

struct ImportOnnxOptions {
    std::string model, out;
};

void importOnnxModel(const ImportOnnxOptions& o)
{
    // Made whole in memory first: an unsupported operator writes nothing.
    const Checkpoint checkpoint = importOnnxFile(o.model);
    saveCheckpoint(o.out, checkpoint);
    std::cout << "wrote " << o.out << ": " << checkpoint.graph.name() << ", "
              << checkpoint.graph.nodes().size() << " nodes, " << checkpoint.graph.parameterCount().trainable
              << " trainable parameters"
              << (checkpoint.standardizer.fitted() ? ", input standardisation" : "") << std::endl;
}

} // namespace

void addImportOnnxCommand(CLI::App& importer, int& exitCode)
{
    auto o = std::make_shared<ImportOnnxOptions>();
    CLI::App* onnx = importer.add_subcommand("onnx",
        "Turn an ONNX model (Neurino's export, or an MLP or CNN of standard operators) into a checkpoint "
        "that "
        "summary, evaluate, predict and the workbench open");
    onnx->add_option("model", o->model, "The .onnx file")->required()->check(CLI::ExistingFile);
    onnx->add_option("--out,-o", o->out, "Checkpoint to write (atomically)")->required();
    onnx->callback([o, &exitCode] {
        importOnnxModel(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
