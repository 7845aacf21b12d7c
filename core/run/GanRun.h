#pragma once

#include "core/gan/GanConfig.h"
#include "core/graph/ModelGraph.h"
#include "core/run/DataSource.h"
#include "core/run/Run.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>

namespace neurino {

class DistGroup;
class GanObserver;
class GanRunFolderWriter;
class GanTrainer;
class StopToken;

// Everything a GAN run needs, as one value: the generator and the discriminator, where the real samples
// come from (their targets are the conditions of a conditional GAN) and how to train (GanConfig, with its
// device, CPU threads and seed). The training dock in GAN mode and `neurino-batch gan train` build one and
// hand it to a GanRun.
struct GanRunSpec {
    std::string name;
    ModelGraph generator;
    ModelGraph discriminator;
    DataSource data;
    GanConfig gan;

    // {"format": "neurino-gan-run-spec", "version": 1, "name", "generator", "discriminator", "data", "gan",
    //  "device", "threads", "seed"}: as RunSpec, the run-level settings stand at the top.
    nlohmann::json toJson() const;
    // Throws ModelError, DataError or TrainError naming `where` and the field.
    static GanRunSpec fromJson(const nlohmann::json& doc, const std::string& where = "GAN run spec");
    static GanRunSpec load(const std::string& path);
    void save(const std::string& path) const;
};

// Executes a GanRunSpec as Run executes a RunSpec: opens the real samples (a foreign (N, H, W) stack
// gets the channel axis the generator makes), builds the GanTrainer (or continues a saved run), keeps the
// run folder and trains with an observer and a stop token. One thread at a time.
class GanRun {
public:
    explicit GanRun(GanRunSpec spec, GeneratorFn generate = {});
    ~GanRun();
    GanRun(const GanRun&) = delete;
    GanRun& operator=(const GanRun&) = delete;

    // Continues the run saved in `folder` (generator.h5, discriminator.h5) up to `epochs` in all (0: the
    // saved run's); the spec's networks and settings give way to the saved ones. Before prepare().
    void resumeFrom(std::string folder, int epochs = 0);
    // Keeps the run folder in `dir` as GanRunFolderWriter writes it. Before prepare().
    void keepFolder(std::string dir, FolderMode mode = FolderMode::New);

    // As Run::joinProcessGroup: makes this process one rank of a data-parallel GAN run when the environment
    // says so (see GanTrainer::setDistributed); only rank 0 keeps the run folder. Before prepare().
    bool joinProcessGroup();
    // 0 and 1 when alone.
    int rank() const;
    int worldSize() const;

    // Opens the data and builds the trainer; execute() does it when not done yet. Throws DataError,
    // IoError, ModelError, TrainError.
    GanTrainer& prepare();
    // Trains to the spec's epochs: the run folder first, then `observer`, hear every report.
    TrainSummary execute(GanObserver* observer = nullptr, const StopToken* stop = nullptr);

    const GanRunSpec& spec() const { return m_spec; }
    GanTrainer& trainer(); // after prepare()
    const Dataset& data() const;
    // After prepare(): empty, or that the run folder's lock, left by a process that died, was taken over.
    std::string folderNote() const;

private:
    GanRunSpec m_spec;
    GeneratorFn m_generate;
    std::shared_ptr<const Dataset> m_data;
    std::string m_resume;
    int m_resumeEpochs = 0;
    std::string m_folder;
    FolderMode m_folderMode = FolderMode::New;
    std::unique_ptr<GanTrainer> m_trainer;
    std::unique_ptr<GanRunFolderWriter> m_writer;
    std::shared_ptr<DistGroup> m_group;
};

} // namespace neurino
