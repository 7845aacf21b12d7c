#include "core/run/Run.h"

#include "core/data/Dataset.h"
#include "core/dist/DistGroup.h"
#include "core/io/WeightsFile.h"
#include "core/nn/GraphModule.h"
#include "core/run/RunFolderWriter.h"
#include "core/train/Checkpoint.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"

namespace neurino {

namespace {

// Copies the weights of every node whose id and tensor shapes `weights` has too; says which nodes took
// them and which start fresh. Throws TrainError when none does (the file is of another model).
std::string loadStartWeights(GraphModule& module, const NodeTensors& weights, const std::string& source)
{
    torch::NoGradGuard noGrad;
    std::vector<std::string> fresh;
    std::size_t loaded = 0, nodes = 0;
    for (const auto& [node, params] : module->nodeTensors()) {
        if (params.empty())
            continue;
        ++nodes;
        const auto saved = weights.find(node);
        std::string why;
        if (saved == weights.end())
            why = "not in the file";
        for (const auto& [param, tensor] : params) {
            if (!why.empty())
                break;
            const auto it = saved->second.find(param);
            if (it == saved->second.end())
                why = "no '" + param + "' in the file";
            else if (!it->second.sizes().equals(tensor.sizes()))
                why = param + " " + c10::str(tensor.sizes()) + " here, " + c10::str(it->second.sizes())
                    + " in the file";
        }
        if (!why.empty()) {
            fresh.push_back(node + " (" + why + ")");
            continue;
        }
        for (const auto& [param, tensor] : params)
            tensor.copy_(saved->second.at(param).to(tensor.device(), tensor.scalar_type()));
        ++loaded;
    }
    if (loaded == 0)
        throw TrainError("no layer of the model fits the weights in '" + source
            + "' (node ids and shapes are matched): it holds another model");
    std::string note = "started from the weights in '" + source + "' for " + std::to_string(loaded) + " of "
        + std::to_string(nodes) + " layers with weights";
    for (std::size_t i = 0; i < fresh.size(); ++i)
        note += (i == 0 ? "; fresh: " : ", ") + fresh[i];
    return note;
}

} // namespace

Run::Run(RunSpec spec, GeneratorFn generate)
    : m_spec(std::move(spec))
    , m_generate(std::move(generate))
{
}

Run::~Run() = default;

void Run::resumeFrom(const Checkpoint& checkpoint)
{
    m_resume = std::make_unique<Checkpoint>(checkpoint);
}

void Run::useData(std::shared_ptr<const Dataset> data, const SplitIndices* split)
{
    m_data = std::move(data);
    m_split = split ? std::make_unique<SplitIndices>(*split) : nullptr;
}

void Run::keepFolder(std::string dir, FolderMode mode)
{
    m_folder = std::move(dir);
    m_folderMode = mode;
}

bool Run::joinProcessGroup()
{
    const std::optional<DistEnv> env = DistEnv::fromEnvironment();
    if (!env)
        return false;
    m_group = DistGroup::join(*env);
    return true;
}

int Run::rank() const
{
    return m_group ? m_group->rank() : 0;
}

int Run::worldSize() const
{
    return m_group ? m_group->size() : 1;
}

Trainer& Run::prepare()
{
    if (m_trainer)
        return *m_trainer;
    // Read before the data is opened: a wrong file fails fast.
    std::unique_ptr<Checkpoint> start;
    if (!m_spec.init.empty() && !m_resume) {
        start = std::make_unique<Checkpoint>(readWeightsFile(m_spec.init));
        // Weights that came without a standardisation (a Keras model) expect the raw features.
        if (!start->standardizer.fitted() && m_spec.training.standardize != "off") {
            m_spec.training.standardize = "off";
            m_startNote = "; standardisation off: the weights expect raw features";
        }
    }
    if (!m_data)
        m_data = openDataSource(m_spec.data, m_generate);
    auto trainer = m_resume ? std::make_unique<Trainer>(*m_resume, m_spec.training)
                            : std::make_unique<Trainer>(m_spec.model, m_spec.training);
    if (start)
        m_startNote = loadStartWeights(trainer->module(), start->weights, m_spec.init) + m_startNote;
    trainer->setData(m_data, m_split ? std::optional<SplitIndices>(*m_split) : std::nullopt);
    if (m_spec.data.kind == DataSource::Kind::File)
        trainer->setDataSource(m_spec.data.path, m_spec.data.featuresPath, m_spec.data.targetsPath);
    else
        trainer->setDataSource(m_data->info.origin, "features", "targets");
    if (m_group)
        trainer->setDistributed(m_group);
    if (!m_folder.empty() && rank() == 0) {
        m_writer = std::make_unique<RunFolderWriter>(
            m_folder, *trainer, m_folderMode == FolderMode::Resume, m_folderMode == FolderMode::Overwrite);
        m_writer->setSource(m_spec.data.toJson());
    }
    m_trainer = std::move(trainer);
    return *m_trainer;
}

TrainSummary Run::execute(TrainingObserver* observer, const StopToken* stop)
{
    Trainer& trainer = prepare();
    ObserverList observers;
    if (m_writer)
        observers.add(m_writer.get());
    if (observer)
        observers.add(observer);
    return trainer.fit(&observers, stop);
}

std::optional<ClassifierReport> Run::report()
{
    if (!m_trainer || m_trainer->epoch() == 0)
        return std::nullopt;
    const Task task = m_data->info.task;
    if (task != Task::Classification && task != Task::Binary)
        return std::nullopt;
    return classifierReport(*m_trainer);
}

std::string Run::folderNote() const
{
    return m_writer ? m_writer->lockNote() : std::string();
}

Trainer& Run::trainer()
{
    if (!m_trainer)
        throw TrainError("the run '" + m_spec.name + "' has not been prepared yet");
    return *m_trainer;
}

const Dataset& Run::data() const
{
    if (!m_data)
        throw DataError("the run '" + m_spec.name + "' has no data yet");
    return *m_data;
}

} // namespace neurino
