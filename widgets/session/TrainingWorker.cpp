// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/analysis/LayerInspection.h"
#include "core/run/ClassifierReport.h"
#include "core/run/Run.h"
#include "core/train/StopToken.h"
#include "core/train/Trainer.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "widgets/session/BoundarySampler.h"
#include "widgets/session/ThreadHandOver.h"
#include "widgets/session/TrainingWorker.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <tuple>

namespace neurino {

namespace {

// Bins of the weight and gradient histograms.
constexpr int kParameterBins = 40;
// Misclassified samples kept for the gallery, at most.
constexpr std::size_t kMaxMisclassified = 2000;

class Forwarder : public TrainingObserver {
public:
    Forwarder(TrainingWorker& worker, BoundarySampler* boundary, Trainer& trainer)
        : m_worker(worker)
        , m_boundary(boundary)
        , m_trainer(trainer)
    {
    }
    void onStart(const TrainStart& s) override { m_worker.reportStart(s); }
    void onBatchEnd(const BatchStats& s) override { m_worker.reportBatch(s); }
    void onEpochEnd(const EpochStats& s) override
    {
        m_worker.reportEpoch(s);
        if (m_boundary && due(m_sinceBoundary, TrainingWorker::kBoundaryIntervalMs))
            sendBoundary(s.epoch);
        // Between epochs, off the batch loop: the gradients are still those of the epoch's last batch.
        if (due(m_sinceInspection, TrainingWorker::kInspectionIntervalMs))
            sendInspection(s.epoch);
    }
    // The final state, unless the last epoch was already sent.
    void finish(int epoch)
    {
        if (m_boundary && epoch != m_sentEpoch)
            sendBoundary(epoch);
        if (epoch > 0 && epoch != m_inspectedEpoch)
            sendInspection(epoch);
    }

private:
    static bool due(const QElapsedTimer& since, int intervalMs)
    {
        return !since.isValid() || since.elapsed() >= intervalMs;
    }

    void sendBoundary(int epoch)
    {
        m_worker.reportBoundary(m_boundary->sample(epoch));
        m_sentEpoch = epoch;
        m_sinceBoundary.start();
    }

    void sendInspection(int epoch)
    {
        KernelsData kernels;
        kernels.layers = kernelSets(m_trainer.module());
        kernels.epoch = epoch;
        HistogramsData histograms;
        histograms.parameters = parameterHistograms(m_trainer.module(), kParameterBins);
        histograms.epoch = epoch;
        m_worker.reportInspection(kernels, histograms);
        m_inspectedEpoch = epoch;
        m_sinceInspection.start();
    }

    TrainingWorker& m_worker;
    BoundarySampler* m_boundary;
    Trainer& m_trainer;
    QElapsedTimer m_sinceBoundary;
    QElapsedTimer m_sinceInspection;
    int m_sentEpoch = -1;
    int m_inspectedEpoch = -1;
};

// The held-out samples the classifier gets wrong, with their pixels or features for the gallery.
MisclassifiedData misclassifiedSamples(const Dataset& data, const ClassifierReport& report)
{
    MisclassifiedData result;
    result.items = report.misclassified;
    result.evaluated = report.samples;
    result.total = static_cast<std::int64_t>(result.items.size());
    if (result.items.size() > kMaxMisclassified)
        result.items.resize(kMaxMisclassified);
    result.sampleShape = Shape(data.features.sizes().begin() + 1, data.features.sizes().end());
    const Shape& shape = result.sampleShape;
    result.images = shape.size() == 3 && shape[1] >= 4 && shape[2] >= 4;
    result.classNames = report.classNames;
    result.featureNames = data.info.featureNames;
    result.part = QString::fromStdString(report.part);
    std::vector<std::int64_t> rows;
    for (const Misclassification& m : result.items)
        rows.push_back(m.row);
    if (!rows.empty()) {
        const torch::Tensor picked = data.features.index_select(0, torch::tensor(rows, torch::kLong))
                                         .to(torch::kCPU, torch::kFloat)
                                         .contiguous();
        result.values.assign(picked.data_ptr<float>(), picked.data_ptr<float>() + picked.numel());
    }
    return result;
}

} // namespace

void TrainingWorker::run(const RunSpec& spec, const QString& folder)
{
    reportErrors([&] {
        Run run(spec, datasets::Catalog::instance().generatorFn());
        if (!folder.isEmpty())
            run.keepFolder(folder.toStdString(), FolderMode::Overwrite);
        announceData(spec.data);
        Trainer& trainer = run.prepare();
        if (!run.startNote().empty())
            tell(tr("%1: %2").arg(
                QString::fromStdString(spec.model.name()), QString::fromStdString(run.startNote())));
        if (m_stop->stopRequested()) {
            TrainSummary summary;
            summary.reason = StopReason::Cancelled;
            summary.message = tr("stopped before the first epoch").toStdString();
            postTo(this, [this, summary] { emit finished(summary, {}); });
            return;
        }
        std::unique_ptr<BoundarySampler> boundary;
        if (isPlaneClassification(run.data()))
            boundary = std::make_unique<BoundarySampler>(trainer);
        Forwarder forwarder(*this, boundary.get(), trainer);
        say(tr("Training on %1…").arg(QString::fromStdString(describeDevice(trainer.device()))));
        const TrainSummary summary = run.execute(&forwarder, m_stop.get());
        forwarder.finish(trainer.epoch());

        RunEvaluation evaluation;
        if (summary.reason != StopReason::Cancelled) {
            say(tr("Evaluating…"));
            if (const std::optional<ClassifierReport> report = run.report()) {
                evaluation = RunEvaluation::fromReport(*report, QString::fromStdString(spec.model.name()));
                evaluation.misclassified = misclassifiedSamples(run.data(), *report);
            }
        }
        std::shared_ptr<const TrainedModel> model;
        if (trainer.epoch() > 0)
            model = TrainedModel::fromTrainer(trainer);
        postTo(this, [this, model, summary, evaluation] {
            if (model)
                emit modelReady(model);
            emit finished(summary, evaluation);
        });
    });
}

void TrainingWorker::reportBoundary(const DecisionBoundaryData& boundary)
{
    postTo(this, [this, boundary] { emit boundaryUpdated(boundary); });
}

void TrainingWorker::reportInspection(const KernelsData& kernels, const HistogramsData& histograms)
{
    postTo(this, [this, kernels, histograms] {
        emit kernelsUpdated(kernels);
        emit histogramsUpdated(histograms);
    });
}

} // namespace neurino
