#pragma once

// Each neurino-batch command registers itself on the application here. A command's callback throws
// neurino::Error for a failed run (exit 1) and sets `exitCode` when it must report failure otherwise.
namespace CLI {
class App;
}

namespace neurino::batch {

void addSummaryCommand(CLI::App& app, int& exitCode);
void addTrainCommand(CLI::App& app, int& exitCode);
void addEvaluateCommand(CLI::App& app, int& exitCode);
void addPredictCommand(CLI::App& app, int& exitCode);
void addGenerateCommand(CLI::App& app, int& exitCode);
void addGanCommand(CLI::App& app, int& exitCode);
void addEmbedCommands(CLI::App& app, int& exitCode);
void addExerciseCommand(CLI::App& app, int& exitCode);
void addInfoCommand(CLI::App& app, int& exitCode);
void addProbeCommand(CLI::App& app, int& exitCode);
void addExportCommand(CLI::App& app, int& exitCode);
void addLaunchCommand(CLI::App& app, int& exitCode);
void addSweepCommand(CLI::App& app, int& exitCode);
// `import`, the parent of one subcommand per framework (ImportCommand.cpp calls each one's function).
void addImportCommand(CLI::App& app, int& exitCode);
void addImportKerasCommand(CLI::App& importer, int& exitCode);
void addImportOnnxCommand(CLI::App& importer, int& exitCode);

} // namespace neurino::batch
