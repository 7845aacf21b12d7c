// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/data/DatasetFile.h"
#include "core/eval/ConfusionMatrix.h"
#include "core/eval/Histogram.h"
#include "core/eval/RocCurve.h"
#include "core/eval/StatisticalTests.h"
#include "core/train/RunDirectory.h"
#include "core/train/StopToken.h"
#include "core/train/Trainer.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "widgets/TrainingWorker.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <exception>

namespace neurino {

namespace {

// Bins of the classifier output histograms over [0, 1].
constexpr int kOutputBins = 40;
// Weight of the past in the smoothed batch loss (as TensorBoard's smoothing slider at 0.9).
constexpr double kSmoothing = 0.9;

class Forwarder : public TrainingObserver {
public:
    explicit Forwarder(TrainingWorker& worker)
        : m_worker(worker)
    {
    }
    void onStart(const TrainStart& s) override { m_worker.reportStart(s); }
    void onBatchEnd(const BatchStats& s) override { m_worker.reportBatch(s); }
    void onEpochEnd(const EpochStats& s) override { m_worker.reportEpoch(s); }

private:
    TrainingWorker& m_worker;
};

std::shared_ptr<Dataset> loadData(const DataChoice& choice)
{
    if (choice.kind == DataChoice::Kind::Generator) {
        const auto options = nlohmann::json::parse(choice.optionsJson.empty() ? "{}" : choice.optionsJson);
        return std::make_shared<Dataset>(
            datasets::Catalog::instance().generate(choice.generator, options, choice.events, choice.seed));
    }
    DatasetPaths paths;
    paths.features = choice.featuresPath;
    paths.targets = choice.targetsPath;
    paths.readExtras = false;
    if (!choice.task.empty())
        paths.task = parseTask(choice.task);
    auto data = std::make_shared<Dataset>(readDataset(choice.path, paths));
    if (data->info.origin.empty())
        data->info.origin = choice.path;
    return data;
}

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

TrainingWorker::TrainingWorker(std::shared_ptr<StopToken> stop, QObject* parent)
    : QObject(parent)
    , m_stop(std::move(stop))
{
}

void TrainingWorker::run(
    const ModelGraph& graph, const DataChoice& data, const TrainConfig& config, const QString& folder)
{
    m_smoothed = 0;
    m_smoothingWeight = 0;
    try {
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

        Forwarder forwarder(*this);
        ObserverList observers;
        std::unique_ptr<RunDirectory> runDir;
        if (!folder.isEmpty()) {
            runDir = std::make_unique<RunDirectory>(folder.toStdString(), trainer, false, /*overwrite=*/true);
            observers.add(runDir.get());
        }
        observers.add(&forwarder);
        emit status(tr("Training on %1…").arg(QString::fromStdString(describeDevice(trainer.device()))));
        const TrainSummary summary = trainer.fit(&observers, m_stop.get());

        RunEvaluation evaluation;
        if (summary.reason != StopReason::Cancelled) {
            emit status(tr("Evaluating…"));
            evaluation = evaluateClassifier(trainer, QString::fromStdString(graph.name()));
        }
        emit finished(summary, evaluation);
    } catch (const Error& e) {
        emit failed(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        emit failed(tr("LibTorch reported an error: %1").arg(QString::fromLocal8Bit(e.what())));
    }
}

void TrainingWorker::reportStart(const TrainStart& start)
{
    m_sinceBatch.invalidate();
    emit started(start);
}

void TrainingWorker::reportBatch(const BatchStats& stats)
{
    m_batchesDone.fetch_add(1, std::memory_order_relaxed);
    if (std::isfinite(stats.loss)) {
        m_smoothed = kSmoothing * m_smoothed + (1 - kSmoothing) * stats.loss;
        m_smoothingWeight = kSmoothing * m_smoothingWeight + (1 - kSmoothing);
    }
    if (m_sinceBatch.isValid() && m_sinceBatch.elapsed() < kBatchIntervalMs)
        return;
    m_sinceBatch.start();
    emit batchEnded(stats, m_smoothingWeight > 0 ? m_smoothed / m_smoothingWeight : stats.loss);
}

void TrainingWorker::reportEpoch(const EpochStats& stats)
{
    emit epochEnded(stats);
}

} // namespace neurino
