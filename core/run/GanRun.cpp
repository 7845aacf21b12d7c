#include "core/run/GanRun.h"

#include "core/data/Dataset.h"
#include "core/dist/DistGroup.h"
#include "core/gan/GanObserver.h"
#include "core/gan/GanTrainer.h"
#include "core/run/GanRunFolderWriter.h"
#include "core/util/Error.h"

#include <algorithm>

namespace neurino {

namespace {

// The run folder first, then the caller's observer.
class GanObservers : public GanObserver {
public:
    GanObservers(GanObserver* first, GanObserver* second)
        : m_observers { first, second }
    {
    }
    void onStart(const TrainStart& s) override
    {
        each([&](GanObserver& o) { o.onStart(s); });
    }
    void onBatchEnd(const BatchStats& s) override
    {
        each([&](GanObserver& o) { o.onBatchEnd(s); });
    }
    void onEpochEnd(const EpochStats& s) override
    {
        each([&](GanObserver& o) { o.onEpochEnd(s); });
    }
    void onSamples(const GanSamples& s) override
    {
        each([&](GanObserver& o) { o.onSamples(s); });
    }
    void onFinished(const TrainSummary& s) override
    {
        each([&](GanObserver& o) { o.onFinished(s); });
    }

private:
    template <typename F> void each(F report)
    {
        for (GanObserver* o : m_observers) {
            if (o)
                report(*o);
        }
    }

    GanObserver* m_observers[2];
};

// Foreign calorimeter files store (N, H, W); the tutorial's networks make and judge (1, H, W).
torch::Tensor matchChannels(const torch::Tensor& features, const Shape& made)
{
    if (features.dim() == 3 && made.size() == 3 && made[0] == 1 && features.size(1) == made[1]
        && features.size(2) == made[2])
        return features.unsqueeze(1);
    return features;
}

} // namespace

GanRun::GanRun(GanRunSpec spec, GeneratorFn generate)
    : m_spec(std::move(spec))
    , m_generate(std::move(generate))
{
}

GanRun::~GanRun() = default;

void GanRun::resumeFrom(std::string folder, int epochs)
{
    m_resume = std::move(folder);
    m_resumeEpochs = epochs;
}

void GanRun::keepFolder(std::string dir, FolderMode mode)
{
    m_folder = std::move(dir);
    m_folderMode = mode;
}

bool GanRun::joinProcessGroup()
{
    const std::optional<DistEnv> env = DistEnv::fromEnvironment();
    if (!env)
        return false;
    m_group = DistGroup::join(*env);
    return true;
}

int GanRun::rank() const
{
    return m_group ? m_group->rank() : 0;
}

int GanRun::worldSize() const
{
    return m_group ? m_group->size() : 1;
}

GanTrainer& GanRun::prepare()
{
    if (m_trainer)
        return *m_trainer;
    m_data = openDataSource(m_spec.data, m_generate);
    if (!m_resume.empty()) {
        m_trainer = GanTrainer::load(m_resume);
        if (m_resumeEpochs > 0)
            m_trainer->setEpochs(m_resumeEpochs);
    } else {
        // The physics comparison cannot use more showers than there are.
        GanConfig settings = m_spec.gan;
        settings.validationShowers = std::min(settings.validationShowers, m_data->size());
        m_trainer = std::make_unique<GanTrainer>(m_spec.generator, m_spec.discriminator, settings);
    }
    if (m_group)
        m_trainer->setDistributed(m_group);
    if (!m_folder.empty() && rank() == 0) {
        const std::string data
            = m_spec.data.kind == DataSource::Kind::File ? m_spec.data.path : m_spec.data.describe();
        m_writer = std::make_unique<GanRunFolderWriter>(m_folder, *m_trainer, data,
            m_folderMode == FolderMode::Resume, m_folderMode == FolderMode::Overwrite);
    }
    return *m_trainer;
}

TrainSummary GanRun::execute(GanObserver* observer, const StopToken* stop)
{
    GanTrainer& trainer = prepare();
    GraphModule& generator = trainer.generator();
    const torch::Tensor real
        = matchChannels(m_data->features, generator->shapes().at(generator->graph().outputNode()));
    const torch::Tensor conditions = trainer.config().conditional ? m_data->targets : torch::Tensor();
    GanObservers observers(m_writer.get(), observer);
    return trainer.train(real, conditions, &observers, stop);
}

GanTrainer& GanRun::trainer()
{
    if (!m_trainer)
        throw TrainError("the GAN run '" + m_spec.name + "' has not been prepared yet");
    return *m_trainer;
}

const Dataset& GanRun::data() const
{
    if (!m_data)
        throw DataError("the GAN run '" + m_spec.name + "' has no data yet");
    return *m_data;
}

std::string GanRun::folderNote() const
{
    return m_writer ? m_writer->lockNote() : std::string();
}

} // namespace neurino
