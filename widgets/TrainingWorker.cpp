// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/analysis/LayerInspection.h"
#include "core/data/DatasetFile.h"
#include "core/eval/ConfusionMatrix.h"
#include "core/eval/Histogram.h"
#include "core/eval/RocCurve.h"
#include "core/eval/StatisticalTests.h"
#include "core/run/RunFolderWriter.h"
#include "core/train/StopToken.h"
#include "core/train/Trainer.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "widgets/TrainingWorker.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <tuple>

namespace neurino {

namespace {

// Bins of the classifier output histograms over [0, 1].
constexpr int kOutputBins = 40;
// Weight of the past in the smoothed batch loss (as TensorBoard's smoothing slider at 0.9).

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


std::vector<double> densities(const torch::Tensor& values)
{
    Histogram h(kOutputBins, 0.0, 1.0 + 1e-9);
    h.fill(values);
    if (h.integral() > 0)
        h = h.normalized(/*density=*/true);
    return h.contents();
}

double ksProbability(const torch::Tensor& a, const torch::Tensor& b)
{
    if (a.numel() == 0 || b.numel() == 0)
        return std::nan("");
    return ksTest(a, b).pValue;
}

// The held-out part the views show: test when there is one, else validation, else the training data.
std::pair<DataPart, QString> heldOutPart(const Trainer& trainer)
{
    if (trainer.split().test.defined() && trainer.split().test.numel() > 0)
        return { DataPart::Test, QObject::tr("test") };
    if (trainer.split().validation.defined() && trainer.split().validation.numel() > 0)
        return { DataPart::Validation, QObject::tr("validation") };
    return { DataPart::Train, QObject::tr("training") };
}

torch::Tensor partRows(const Trainer& trainer, DataPart part)
{
    switch (part) {
    case DataPart::Test:
        return trainer.split().test;
    case DataPart::Validation:
        return trainer.split().validation;
    case DataPart::Train:
        return trainer.split().train;
    case DataPart::All:
        break;
    }
    return torch::arange(trainer.data()->size(), torch::kLong);
}

// The held-out samples the classifier gets wrong, with their pixels or features for the gallery.
MisclassifiedData misclassifiedSamples(const Trainer& trainer, DataPart part, const Evaluation& held,
    const QString& partName, const std::vector<std::string>& classNames)
{
    const Dataset& data = *trainer.data();
    MisclassifiedData result;
    result.items = misclassifications(held.scores, held.targets, partRows(trainer, part));
    result.evaluated = held.scores.size(0);
    result.total = static_cast<std::int64_t>(result.items.size());
    if (result.items.size() > kMaxMisclassified)
        result.items.resize(kMaxMisclassified);
    result.sampleShape = Shape(data.features.sizes().begin() + 1, data.features.sizes().end());
    const Shape& shape = result.sampleShape;
    result.images = shape.size() == 3 && shape[1] >= 4 && shape[2] >= 4;
    result.classNames = classNames;
    result.featureNames = data.info.featureNames;
    result.part = partName;
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

RunEvaluation evaluateClassifier(Trainer& trainer, const QString& runName)
{
    RunEvaluation result;
    const DatasetInfo& info = trainer.data()->info;
    if (info.task != Task::Classification && info.task != Task::Binary)
        return result;
    const auto [part, partName] = heldOutPart(trainer);
    const Evaluation held = trainer.evaluate(part, true);
    const bool binary = info.task == Task::Binary;
    const std::int64_t classes = binary ? 2 : held.scores.size(1);
    std::vector<std::string> names = info.classNames;
    if (static_cast<std::int64_t>(names.size()) != classes)
        names = binary ? std::vector<std::string> { "background", "signal" } : std::vector<std::string> {};
    const ConfusionMatrix matrix = ConfusionMatrix::fromScores(held.scores, held.targets, classes, names);
    result.confusion.classNames = matrix.classNames();
    result.confusion.counts = matrix.counts();
    result.confusion.part = partName;
    result.misclassified = misclassifiedSamples(trainer, part, held, partName, names);
    if (!binary)
        return result;

    const torch::Tensor scores = held.scores.reshape({ -1 });
    const torch::Tensor labels = held.targets.reshape({ -1 });
    try {
        const RocCurve roc(scores, labels);
        result.roc
            = RocData { runName, roc.signalEfficiency(), roc.backgroundRejection(), roc.auc(), partName };
    } catch (const DataError&) {
        // Only one class in the held-out part: no curve to draw.
    }
    if (part == DataPart::Train)
        return result;
    const Evaluation train = trainer.evaluate(DataPart::Train, true);
    const torch::Tensor trainScores = train.scores.reshape({ -1 });
    const torch::Tensor trainLabels = train.targets.reshape({ -1 });
    OutputDistributions out;
    const torch::Tensor trainSig = trainScores.masked_select(trainLabels == 1);
    const torch::Tensor trainBkg = trainScores.masked_select(trainLabels == 0);
    const torch::Tensor testSig = scores.masked_select(labels == 1);
    const torch::Tensor testBkg = scores.masked_select(labels == 0);
    out.trainSignal = densities(trainSig);
    out.trainBackground = densities(trainBkg);
    out.testSignal = densities(testSig);
    out.testBackground = densities(testBkg);
    out.ksSignal = ksProbability(trainSig, testSig);
    out.ksBackground = ksProbability(trainBkg, testBkg);
    out.testPart = partName;
    result.outputs = out;
    return result;
}

} // namespace

void TrainingWorker::run(
    const ModelGraph& graph, const DataChoice& data, const TrainConfig& config, const QString& folder)
{
    reportErrors([&] {
        emit status(data.kind == DataChoice::Kind::Generator ? tr("Generating %1 data…").arg(data.describe())
                                                             : tr("Reading %1…").arg(data.describe()));
        std::shared_ptr<Dataset> dataset = loadData(data);
        if (m_stop->stopRequested()) {
            TrainSummary summary;
            summary.reason = StopReason::Cancelled;
            summary.message = tr("stopped before the first epoch").toStdString();
            emit finished(summary, {});
            return;
        }
        Trainer trainer(graph, config);
        trainer.setData(dataset);
        if (data.kind == DataChoice::Kind::File)
            trainer.setDataSource(data.path, data.featuresPath, data.targetsPath);
        else
            trainer.setDataSource(dataset->info.origin, "features", "targets");

        std::unique_ptr<BoundarySampler> boundary;
        if (isPlaneClassification(*dataset))
            boundary = std::make_unique<BoundarySampler>(trainer);
        Forwarder forwarder(*this, boundary.get(), trainer);
        ObserverList observers;
        std::unique_ptr<RunFolderWriter> runDir;
        if (!folder.isEmpty()) {
            runDir = std::make_unique<RunFolderWriter>(
                folder.toStdString(), trainer, /*resume=*/false, /*overwrite=*/true);
            observers.add(runDir.get());
        }
        observers.add(&forwarder);
        emit status(tr("Training on %1…").arg(QString::fromStdString(describeDevice(trainer.device()))));
        const TrainSummary summary = trainer.fit(&observers, m_stop.get());
        forwarder.finish(trainer.epoch());

        RunEvaluation evaluation;
        if (summary.reason != StopReason::Cancelled) {
            emit status(tr("Evaluating…"));
            evaluation = evaluateClassifier(trainer, QString::fromStdString(graph.name()));
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
