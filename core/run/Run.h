#pragma once

#include "core/run/ClassifierReport.h"
#include "core/run/RunSpec.h"
#include "core/train/TrainingObserver.h"

#include <memory>
#include <optional>
#include <string>

namespace neurino {

class DistGroup;
class RunFolderWriter;
class StopToken;
class Trainer;
struct Checkpoint;
struct Dataset;
struct SplitIndices;

// What a Run does with a run folder that holds a run already.
enum class FolderMode {
    New, // refuse it (IoError), so that a finished run is not replaced by accident
    Overwrite, // replace it
    Resume // continue it (with resumeFrom)
};

// Executes a RunSpec: opens its data (or takes data already made), builds the trainer, trains with an
// observer and a stop token, keeps the run folder, and reports on the classifier. The training dock (on a
// session worker thread), `neurino-batch train` and the lessons all train through it. The run owns its
// random stream and sets its CPU threads on the thread that trains, so two runs in one process do not
// disturb each other's numbers. One thread at a time; another may only touch the StopToken.
class Run {
public:
    // `generate` makes catalog datasets (datasets::Catalog::instance().generatorFn()); it may be empty for a
    // file source or when useData() provides the data.
    explicit Run(RunSpec spec, GeneratorFn generate = {});
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // Continues the run `checkpoint` holds (weights, optimizer, history, random state), training to the
    // spec's epochs with the spec's config. Before prepare().
    void resumeFrom(const Checkpoint& checkpoint);
    // Trains on `data` instead of opening the spec's source (a lesson has made it already), split as
    // `split` says when given. Before prepare().
    void useData(std::shared_ptr<const Dataset> data, const SplitIndices* split = nullptr);
    // Keeps the run folder in `dir` (config.json, metrics.jsonl, checkpoints, summary.txt) as
    // RunFolderWriter writes it. Before prepare().
    void keepFolder(std::string dir, FolderMode mode = FolderMode::New);

    // Makes this process one rank of a data-parallel run when the environment says so (torchrun's or
    // SLURM's variables, see DistEnv), joining the other ranks; false when it runs alone. Only rank 0 keeps
    // the run folder; every rank trains (see Trainer::setDistributed). Before prepare(). Throws TrainError
    // when the ranks do not meet within the timeout.
    bool joinProcessGroup();
    // The rank of this process in its run and the number of ranks: 0 and 1 when alone.
    int rank() const;
    int worldSize() const;

    // Opens the data, builds the model (with the weights of the spec's `init` file, unless resumed) and
    // splits the data; execute() does it when not done yet. Throws DataError or IoError naming the file or
    // generator, ModelError, TrainError (also when no node of the model fits the `init` file's weights).
    Trainer& prepare();
    // Trains from the current epoch to the spec's epochs (see Trainer::fit): the run folder first, then
    // `observer`, hear every report. Returns how the run ended.
    TrainSummary execute(TrainingObserver* observer = nullptr, const StopToken* stop = nullptr);
    // The classifier report on the held-out part (see classifierReport) for classification and binary
    // tasks; none for other tasks or before the first epoch.
    std::optional<ClassifierReport> report();

    const RunSpec& spec() const { return m_spec; }
    bool prepared() const { return m_trainer != nullptr; }
    // After prepare().
    Trainer& trainer();
    const Dataset& data() const;
    // The run folder, empty when none is kept.
    const std::string& folder() const { return m_folder; }
    // After prepare(): empty, or that the run folder's lock, left by a process that died, was taken over.
    std::string folderNote() const;
    // After prepare() of a spec with `init`: which nodes took the file's weights and which start fresh,
    // and whether the standardisation was turned off for weights that expect raw features. Else empty.
    const std::string& startNote() const { return m_startNote; }

private:
    RunSpec m_spec;
    GeneratorFn m_generate;
    std::shared_ptr<const Dataset> m_data;
    std::unique_ptr<SplitIndices> m_split;
    std::unique_ptr<Checkpoint> m_resume;
    std::string m_folder;
    FolderMode m_folderMode = FolderMode::New;
    std::unique_ptr<Trainer> m_trainer;
    std::unique_ptr<RunFolderWriter> m_writer;
    std::shared_ptr<DistGroup> m_group;
    std::string m_startNote;
};

} // namespace neurino
