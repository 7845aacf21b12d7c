#include "app/batch/Commands.h"

#include "core/graph/ModelJson.h"
#include "core/io/KerasImport.h"
#include "core/train/Checkpoint.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace neurino::batch {

namespace {

struct KerasOptions {
    std::string file, model, out, dataFormat = "channels_last";
};

void importKeras(const KerasOptions& o)
{
    const KerasImport imported = o.model.empty()
        ? importKerasModel(o.file)
        : importKerasWeights(o.file, loadModel(o.model),
            o.dataFormat == "channels_first" ? KerasDataFormat::ChannelsFirst
                                             : KerasDataFormat::ChannelsLast);
    saveCheckpoint(o.out, imported.checkpoint);
    const ModelGraph& g = imported.checkpoint.graph;
    std::cout << "wrote " << o.out << ": " << g.name() << ", " << g.nodes().size() << " nodes, "
              << imported.kerasParams << " parameters"
              << (imported.kerasVersion.empty() ? std::string() : " (Keras " + imported.kerasVersion + ")")
              << std::endl;
}

} // namespace

void addImportKerasCommand(CLI::App& importer, int& exitCode)
{
    auto o = std::make_shared<KerasOptions>();
    CLI::App* cmd = importer.add_subcommand("keras",
        "Read a Keras 2 HDF5 file (model.save), or a weights-only file (save_weights) with --model, into a "
        "checkpoint that summary, evaluate, predict and the workbench open");
    cmd->add_option("file", o->file, "Keras .h5 file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--model,-m", o->model,
           "Neurino model (*.neurino.json) for a weights-only file; its layers with weights take the "
           "file's in order")
        ->check(CLI::ExistingFile);
    cmd->add_option("--data-format", o->dataFormat,
           "With --model: how the Keras model laid out its images (a Flatten's order depends on it)")
        ->check(CLI::IsMember({ "channels_last", "channels_first" }))
        ->capture_default_str();
    cmd->add_option("--out,-o", o->out, "Checkpoint to write (.h5)")->required();
    cmd->callback([o, &exitCode] {
        importKeras(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
