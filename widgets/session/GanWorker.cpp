// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/data/DatasetFile.h"
#include "core/gan/GanTrainer.h"
#include "core/run/GanRun.h"
#include "core/train/StopToken.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "widgets/session/GanWorker.h"
#include "widgets/session/ThreadHandOver.h"

#include <cmath>
#include <exception>
#include <memory>

namespace neurino {

namespace {

// (H, W) or (1, H, W) on any device to plain values; empty for anything else.
ImageData toImage(const torch::Tensor& image)
{
    torch::Tensor x = image.detach().to(torch::kCPU, torch::kFloat);
    if (x.dim() == 3 && x.size(0) == 1)
        x = x.select(0, 0);
    if (x.dim() != 2)
        return {};
    x = x.contiguous();
    ImageData out;
    out.rows = static_cast<int>(x.size(0));
    out.columns = static_cast<int>(x.size(1));
    out.values.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
    return out;
}

std::vector<ImageData> toImages(const torch::Tensor& batch)
{
    std::vector<ImageData> out;
    if (!batch.defined())
        return out;
    for (std::int64_t i = 0; i < batch.size(0); ++i) {
        ImageData image = toImage(batch[i]);
        if (image.empty())
            return {};
        out.push_back(std::move(image));
    }
    return out;
}

std::vector<double> toVector(const torch::Tensor& t)
{
    if (!t.defined())
        return {};
    const torch::Tensor x = t.detach().to(torch::kCPU, torch::kDouble).contiguous().flatten();
    return std::vector<double>(x.data_ptr<double>(), x.data_ptr<double>() + x.numel());
}

GanEpochData toEpochData(const GanSamples& s)
{
    GanEpochData out;
    out.epoch = s.epoch;
    out.generated = toImages(s.generated);
    out.real = toImages(s.real);
    if (!s.hasShowerComparison)
        return out;
    const ShowerComparison& c = s.comparison;
    out.hasComparison = true;
    out.showersCompared = s.generatedStats.energySums.defined() ? s.generatedStats.energySums.numel() : 0;
    out.realAverage = toImage(s.realStats.averageImage);
    out.generatedAverage = toImage(s.generatedStats.averageImage);
    out.realTransverse = toVector(s.realStats.transverseProfile);
    out.generatedTransverse = toVector(s.generatedStats.transverseProfile);
    out.realLongitudinal = toVector(s.realStats.longitudinalProfile);
    out.generatedLongitudinal = toVector(s.generatedStats.longitudinalProfile);
    out.energyEdges = c.binEdges;
    out.realEnergy = c.realEnergy;
    out.generatedEnergy = c.generatedEnergy;
    out.chi2 = c.energyChi2.chi2;
    out.ndf = c.energyChi2.ndf;
    out.pValue = c.energyChi2.pValue;
    out.profileDeviation = c.profileDeviation;
    out.centralCellDeviation = c.centralCellDeviation;
    out.spreadRowRatio = c.spreadRowRatio;
    out.spreadColumnRatio = c.spreadColumnRatio;
    return out;
}

// Forwards the trainer's reports to the worker and thins the samples.
class Forwarder : public GanObserver {
public:
    explicit Forwarder(GanWorker& worker)
        : m_worker(worker)
    {
    }

    void onStart(const TrainStart& s) override { m_worker.reportStart(s); }
    void onBatchEnd(const BatchStats& s) override { m_worker.reportBatch(s); }
    void onEpochEnd(const EpochStats& s) override { m_worker.reportEpoch(s); }
    void onSamples(const GanSamples& s) override
    {
        m_last = s;
        if (!m_sinceSent.isValid() || m_sinceSent.elapsed() >= GanWorker::kSamplesIntervalMs)
            send();
    }
    // The last epoch's samples, unless they were sent.
    void finish()
    {
        if (m_last.epoch > 0 && m_last.epoch != m_sentEpoch)
            send();
    }

private:
    void send()
    {
        m_worker.reportSamples(toEpochData(m_last));
        m_sentEpoch = m_last.epoch;
        m_sinceSent.start();
    }

    GanWorker& m_worker;
    GanSamples m_last;
    int m_sentEpoch = -1;
    QElapsedTimer m_sinceSent;
};

} // namespace

void GanWorker::run(const GanRunSpec& spec, const QString& folder)
{
    reportErrors([&] {
        GanRun run(spec, datasets::Catalog::instance().generatorFn());
        if (!folder.isEmpty())
            run.keepFolder(folder.toStdString(), FolderMode::Overwrite);
        announceData(spec.data);
        run.prepare();
        if (m_stop->stopRequested()) {
            TrainSummary summary;
            summary.reason = StopReason::Cancelled;
            summary.message = tr("stopped before the first epoch").toStdString();
            postTo(this, [this, summary] { emit finished(summary); });
            return;
        }
        Forwarder forwarder(*this);
        say(tr("Training the GAN on %1…")
                .arg(QString::fromStdString(describeDevice(selectDevice(spec.gan.device)))));
        const GanSummary result = run.execute(&forwarder, m_stop.get());
        forwarder.finish();
        postTo(this, [this, result] { emit finished(result); });
    });
}

void GanWorker::reportSamples(const GanEpochData& samples)
{
    postTo(this, [this, samples] { emit samplesReady(samples); });
}

} // namespace neurino
