// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/analysis/LayerInspection.h"
#include "core/run/ClassifierReport.h"
#include "core/run/Run.h"
#include "core/train/StopToken.h"
#include "core/train/Trainer.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "widgets/session/TrainingWorker.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <tuple>

namespace neurino {

namespace {

// Cells per side of the decision-boundary grid.
constexpr int kBoundaryCells = 100;
// Training points drawn on the decision boundary, at most.
constexpr std::int64_t kBoundaryPoints = 2000;
// Margin around the data's range on the decision boundary, as a fraction of the range.
constexpr double kBoundaryMargin = 0.1;
// Bins of the weight and gradient histograms.
constexpr int kParameterBins = 40;
// Misclassified samples kept for the gallery, at most.
constexpr std::size_t kMaxMisclassified = 2000;

bool isPlaneClassification(const Dataset& data)
{
    return (data.info.task == Task::Classification || data.info.task == Task::Binary)
        && data.features.dim() == 2 && data.features.size(1) == 2;
}

// Runs the model over a grid spanning the plane of 2-D data, in the raw data's units; the trainer's
// standardizer is applied to the grid as training applies it to the samples.
class BoundarySampler {
public:
    explicit BoundarySampler(Trainer& trainer)
        : m_trainer(trainer)
    {
        const Dataset& data = *trainer.data();
        const torch::Tensor features = data.features.to(torch::kCPU, torch::kFloat);
        const torch::Tensor low = std::get<0>(features.min(0));
        const torch::Tensor high = std::get<0>(features.max(0));
        const auto range = [&](int axis, double& from, double& to) {
            const double lo = low[axis].item<double>(), hi = high[axis].item<double>();
            const double margin = kBoundaryMargin * (hi > lo ? hi - lo : 1.0);
            from = lo - margin;
            to = hi + margin;
        };
        range(0, m_base.xMin, m_base.xMax);
        range(1, m_base.yMin, m_base.yMax);
        m_base.columns = m_base.rows = kBoundaryCells;
        const torch::Tensor xs = torch::empty({ kBoundaryCells }, torch::kFloat);
        const torch::Tensor ys = torch::empty({ kBoundaryCells }, torch::kFloat);
        for (int i = 0; i < kBoundaryCells; ++i) {
            xs[i] = m_base.cellX(i);
            ys[i] = m_base.cellY(i);
        }
        const std::vector<torch::Tensor> mesh = torch::meshgrid({ ys, xs }, /*indexing=*/"ij");
        m_grid = torch::stack({ mesh[1].reshape({ -1 }), mesh[0].reshape({ -1 }) }, /*dim=*/1);

        const bool binary = data.info.task == Task::Binary;
        torch::Tensor rows = trainer.split().train.defined() ? trainer.split().train
                                                             : torch::arange(data.size(), torch::kLong);
        rows = rows.slice(0, 0, std::min<std::int64_t>(rows.numel(), kBoundaryPoints)).to(torch::kCPU);
        const torch::Tensor points = features.index_select(0, rows).contiguous();
        torch::Tensor labels = data.targets.to(torch::kCPU).index_select(0, rows).reshape({ -1 });
        labels = (binary ? labels.to(torch::kFloat).round() : labels).to(torch::kLong).contiguous();
        const auto xy = points.accessor<float, 2>();
        const auto label = labels.accessor<std::int64_t, 1>();
        for (std::int64_t i = 0; i < points.size(0); ++i) {
            m_base.pointX.push_back(xy[i][0]);
            m_base.pointY.push_back(xy[i][1]);
            m_base.pointLabel.push_back(static_cast<int>(label[i]));
        }
        m_base.classNames = data.info.classNames;
    }

    DecisionBoundaryData sample(int epoch)
    {
        const torch::Tensor scores = gridScores();
        DecisionBoundaryData result = m_base;
        result.epoch = epoch;
        const std::int64_t cells = m_grid.size(0);
        const torch::Tensor table = scores.reshape({ cells, -1 });
        torch::Tensor probability, predicted;
        if (table.size(1) <= 2) {
            // One sigmoid output, or two softmax outputs: the last column is p(class 1) either way.
            probability = table.select(/*dim=*/1, table.size(1) - 1);
            predicted = (probability >= 0.5).to(torch::kLong);
            result.classes = 2;
        } else {
            std::tie(probability, predicted) = table.max(/*dim=*/1);
            result.classes = static_cast<int>(table.size(1));
        }
        probability = probability.contiguous();
        predicted = predicted.to(torch::kLong).contiguous();
        result.probability.assign(probability.data_ptr<float>(), probability.data_ptr<float>() + cells);
        const std::int64_t* classes = predicted.data_ptr<std::int64_t>();
        result.predicted.assign(classes, classes + cells);
        return result;
    }

private:
    // Probabilities as Trainer::evaluate computes them (logits through the loss's sigmoid or softmax when
    // the loss wants logits), without gradients and in evaluation mode, which is restored afterwards.
    torch::Tensor gridScores()
    {
        struct EvalScope {
            GraphModule& module;
            bool wasTraining;
            ~EvalScope() { module->train(wasTraining); }
        } scope { m_trainer.module(), m_trainer.module()->is_training() };
        scope.module->eval();
        torch::NoGradGuard noGrad;
        const Loss& loss = m_trainer.loss();
        const torch::Tensor x = m_trainer.standardizer().apply(m_grid.to(m_trainer.device()));
        const torch::Tensor out
            = loss.usesLogits() ? scope.module->forwardLogits(x) : scope.module->forward(x);
        return loss.scores(out).to(torch::kCPU, torch::kFloat);
    }

    Trainer& m_trainer;
    DecisionBoundaryData m_base;
    torch::Tensor m_grid; // (cells, 2), row-major from (xMin, yMin)
};

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
        if (m_stop->stopRequested()) {
            TrainSummary summary;
            summary.reason = StopReason::Cancelled;
            summary.message = tr("stopped before the first epoch").toStdString();
            emit finished(summary, {});
            return;
        }
        std::unique_ptr<BoundarySampler> boundary;
        if (isPlaneClassification(run.data()))
            boundary = std::make_unique<BoundarySampler>(trainer);
        Forwarder forwarder(*this, boundary.get(), trainer);
        emit status(tr("Training on %1…").arg(QString::fromStdString(describeDevice(trainer.device()))));
        const TrainSummary summary = run.execute(&forwarder, m_stop.get());
        forwarder.finish(trainer.epoch());

        RunEvaluation evaluation;
        if (summary.reason != StopReason::Cancelled) {
            emit status(tr("Evaluating…"));
            if (const std::optional<ClassifierReport> report = run.report()) {
                evaluation = RunEvaluation::fromReport(*report, QString::fromStdString(spec.model.name()));
                evaluation.misclassified = misclassifiedSamples(run.data(), *report);
            }
        }
        if (trainer.epoch() > 0)
            emit modelReady(TrainedModel::fromTrainer(trainer));
        emit finished(summary, evaluation);
    });
}

void TrainingWorker::reportBoundary(const DecisionBoundaryData& boundary)
{
    emit boundaryUpdated(boundary);
}

void TrainingWorker::reportInspection(const KernelsData& kernels, const HistogramsData& histograms)
{
    emit kernelsUpdated(kernels);
    emit histogramsUpdated(histograms);
}

} // namespace neurino
