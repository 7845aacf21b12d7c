#include "app/batch/Commands.h"

#include "core/io/OnnxExport.h"
#include "core/io/PyTorchExport.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <chrono>
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

struct OnnxOptions {
    std::string checkpoint, out, batch = "dynamic";
    int opset = kOnnxMinOpset;
};

void exportOnnxFile(const OnnxOptions& o)
{
    OnnxExportOptions options;
    options.opset = o.opset;
    options.batch = o.batch == "dynamic" ? 0 : std::stoll(o.batch);
    const auto start = std::chrono::steady_clock::now();
    const Checkpoint checkpoint = loadCheckpoint(o.checkpoint);
    const std::string bytes = exportOnnx(checkpoint, o.checkpoint, options);
    writeOnnxFile(bytes, o.out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "wrote " << o.out << " (" << bytes.size() << " bytes, ONNX opset " << o.opset << ", batch "
              << o.batch << ") of " << checkpoint.graph.name() << " in " << seconds << " s" << std::endl;
    for (const std::string& caution : onnxRuntimeCautions(checkpoint.graph))
        std::cerr << "note: " << caution << "\n";
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

    auto x = std::make_shared<OnnxOptions>();
    CLI::App* onnx = exporter->add_subcommand("onnx",
        "Write the model as one ONNX file (standard operators, the input standardisation and the final "
        "sigmoid or softmax included) for ONNX Runtime, hls4ml and other ONNX readers");
    onnx->add_option("--checkpoint,-c", x->checkpoint, "Checkpoint (checkpoint.h5 or best.h5 of a run)")
        ->required()
        ->check(CLI::ExistingFile);
    onnx->add_option("--out,-o", x->out, "The .onnx file to write (atomically)")->required();
    onnx->add_option("--opset", x->opset,
            "ONNX opset, " + std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset))
        ->capture_default_str()
        ->check(CLI::Range(kOnnxMinOpset, kOnnxMaxOpset));
    onnx->add_option("--batch", x->batch, "Rows per call: 'dynamic' (any) or a fixed number")
        ->capture_default_str()
        ->check(
            [](const std::string& v) {
                const bool rows = !v.empty() && v.size() < 10
                    && v.find_first_not_of("0123456789") == std::string::npos && std::stoll(v) > 0;
                return v == "dynamic" || rows
                    ? std::string()
                    : "--batch takes 'dynamic' or a positive number of rows, not '" + v + "'";
            },
            "dynamic|K");
    onnx->callback([x, &exitCode] {
        exportOnnxFile(*x);
        exitCode = 0;
    });
}

} // namespace neurino::batch
