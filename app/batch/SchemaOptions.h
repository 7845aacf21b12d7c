#pragma once

#include "core/util/ParamSchema.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace neurino::batch {

// How errors name settings typed on the command line; they throw CLI::ValidationError, a usage error.
SchemaWhere commandLineSettings();

// Command-line options generated from schema entries (TrainConfig's, GanConfig's): each option's type, check,
// default and help come from the entry it names. Only what is typed on the command line becomes a value, so
// typed options override a --config file and the others leave it alone.
class SchemaOptions {
public:
    // `schema`: flat, entries named by dotted path ("optimizer.learning_rate"), defaults filled in
    // (StructSchema::flat()).
    SchemaOptions(CLI::App& app, ParamSchema schema);

    // Adds "--epochs,-e" for the entry "epochs"; `help` replaces the entry's own. A true/false entry
    // becomes a flag.
    CLI::Option* add(const std::string& flags, const std::string& path, const std::string& help = {});

    // The values typed, checked and typed as JSON, nested by path: {"optimizer": {"learning_rate": 0.01}},
    // the patch StructSchema::apply reads.
    nlohmann::json typed() const;
    bool given(const std::string& path) const;

private:
    struct Bound {
        std::string path;
        ParamSpec spec;
        CLI::Option* option = nullptr;
        std::string text;
        std::vector<std::string> list;
        bool flag = false;
    };

    CLI::App& m_app;
    ParamSchema m_schema;
    std::vector<std::unique_ptr<Bound>> m_bound; // CLI11 keeps pointers into them
};

} // namespace neurino::batch
