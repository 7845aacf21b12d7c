#include "core/run/ClassifierReport.h"

#include "core/analysis/LayerInspection.h"
#include "core/eval/ConfusionMatrix.h"
#include "core/eval/Histogram.h"
#include "core/eval/RocCurve.h"
#include "core/eval/StatisticalTests.h"
#include "core/train/Evaluator.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace neurino {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// p(signal) per sample: the single output, or the second of two softmax outputs.
torch::Tensor signalScores(const torch::Tensor& scores)
{
    if (scores.dim() == 2 && scores.size(1) == 2)
        return scores.select(/*dim=*/1, 1);
    return scores.reshape({ -1 });
}

std::int64_t classCount(bool binary, const torch::Tensor& scores, const torch::Tensor& targets)
{
    if (binary)
        return 2;
    const std::int64_t width = scores.dim() == 2 ? scores.size(1) : 1;
    std::int64_t classes = width > 1 ? width : 2;
    if (targets.numel() > 0)
        classes = std::max(classes, targets.max().item<std::int64_t>() + 1);
    return classes;
}

std::vector<std::string> classNamesFor(const ClassifierSetup& setup, std::int64_t classes)
{
    if (static_cast<std::int64_t>(setup.classNames.size()) == classes)
        return setup.classNames;
    return setup.binary ? std::vector<std::string> { "background", "signal" } : std::vector<std::string> {};
}

std::optional<RocPoints> rocOf(const torch::Tensor& scores, const torch::Tensor& labels)
{
    try {
        const RocCurve roc(scores, labels);
        return RocPoints { roc.signalEfficiency(), roc.backgroundRejection(), roc.auc() };
    } catch (const DataError&) {
        // One class only (or scores that are not finite): the curve is not defined.
        return std::nullopt;
    }
}

std::vector<double> densities(const torch::Tensor& values, int bins)
{
    // The upper edge just above 1, so that p = 1 falls in the last bin.
    Histogram h(bins, 0.0, 1.0 + 1e-9);
    h.fill(values);
    if (h.integral() > 0)
        h = h.normalized(/*density=*/true);
    return h.contents();
}

double ksProbability(const torch::Tensor& a, const torch::Tensor& b)
{
    if (a.numel() == 0 || b.numel() == 0)
        return kNaN;
    return ksTest(a, b).pValue;
}

OutputHistograms outputHistograms(
    int bins, const torch::Tensor& scores, const torch::Tensor& labels, const Evaluation& train)
{
    const torch::Tensor trainScores = signalScores(train.scores);
    const torch::Tensor trainLabels = train.targets.reshape({ -1 });
    const torch::Tensor trainSignal = trainScores.masked_select(trainLabels == 1);
    const torch::Tensor trainBackground = trainScores.masked_select(trainLabels == 0);
    const torch::Tensor heldSignal = scores.masked_select(labels == 1);
    const torch::Tensor heldBackground = scores.masked_select(labels == 0);
    OutputHistograms out;
    out.trainSignal = densities(trainSignal, bins);
    out.trainBackground = densities(trainBackground, bins);
    out.heldOutSignal = densities(heldSignal, bins);
    out.heldOutBackground = densities(heldBackground, bins);
    out.ksSignal = ksProbability(trainSignal, heldSignal);
    out.ksBackground = ksProbability(trainBackground, heldBackground);
    return out;
}

// The held-out part a trainer's classifier is judged on, and its dataset rows.
std::pair<DataPart, std::string> heldOutPart(const Trainer& trainer)
{
    if (trainer.split().testSize() > 0)
        return { DataPart::Test, "test" };
    if (trainer.split().validationSize() > 0)
        return { DataPart::Validation, "validation" };
    return { DataPart::Train, "training" };
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

} // namespace

std::int64_t ClassifierReport::confusionTotal() const
{
    std::int64_t total = 0;
    for (const auto& row : confusion)
        for (const std::int64_t count : row)
            total += count;
    return total;
}

std::int64_t ClassifierReport::offDiagonal() const
{
    std::int64_t wrong = 0;
    for (std::size_t truth = 0; truth < confusion.size(); ++truth)
        for (std::size_t predicted = 0; predicted < confusion[truth].size(); ++predicted)
            wrong += truth == predicted ? 0 : confusion[truth][predicted];
    return wrong;
}

std::vector<std::string> ClassifierReport::classLabels() const
{
    if (!classNames.empty())
        return classNames;
    std::vector<std::string> labels;
    for (std::int64_t c = 0; c < classes(); ++c)
        labels.push_back(std::to_string(c));
    return labels;
}

ConfusionMatrix ClassifierReport::confusionMatrix() const
{
    ConfusionMatrix matrix(std::max<std::int64_t>(classes(), 1), classLabels());
    for (std::int64_t truth = 0; truth < classes(); ++truth)
        for (std::int64_t predicted = 0; predicted < classes(); ++predicted)
            matrix.add(truth, predicted, confusion[truth][predicted]);
    return matrix;
}

ClassifierReport makeClassifierReport(
    const ClassifierSetup& setup, const Evaluation& heldOut, const at::Tensor& rows, const Evaluation* train)
{
    if (!heldOut.scores.defined() || !heldOut.targets.defined())
        throw DataError("the classifier report of part '" + setup.part
            + "' needs every sample's scores and targets; evaluate it with keepScores");
    const torch::Tensor& scores = heldOut.scores;
    const torch::Tensor targets = heldOut.targets.reshape({ -1 });
    const std::int64_t classes = classCount(setup.binary, scores, targets);
    ClassifierReport report;
    report.part = setup.part;
    report.samples = scores.size(0);
    const auto loss = heldOut.metrics.find("loss");
    report.loss = loss == heldOut.metrics.end() ? kNaN : loss->second;
    report.classNames = classNamesFor(setup, classes);
    const ConfusionMatrix matrix = ConfusionMatrix::fromScores(scores, targets, classes, report.classNames);
    report.confusion = matrix.counts();
    report.accuracy = matrix.total() > 0 ? matrix.accuracy() : kNaN;
    report.misclassified = misclassifications(scores, targets, rows);
    report.auc = kNaN;
    if (!setup.binary)
        return report;

    const torch::Tensor signal = signalScores(scores);
    report.roc = rocOf(signal, targets);
    if (report.roc)
        report.auc = report.roc->auc;
    if (train)
        report.outputs = outputHistograms(setup.outputBins, signal, targets, *train);
    return report;
}

ClassifierReport classifierReport(Trainer& trainer)
{
    const DatasetInfo& info = trainer.data()->info;
    if (info.task != Task::Classification && info.task != Task::Binary)
        throw DataError("a classifier report needs a classification or binary task; '" + info.origin
            + "' is a " + taskName(info.task) + " task");
    ClassifierSetup setup;
    setup.binary = info.task == Task::Binary;
    setup.classNames = info.classNames;
    DataPart part;
    std::tie(part, setup.part) = heldOutPart(trainer);
    const Evaluation held = trainer.evaluate(part, /*keepScores=*/true);
    // The training part against itself says nothing about overtraining.
    std::optional<Evaluation> train;
    if (setup.binary && part != DataPart::Train)
        train = trainer.evaluate(DataPart::Train, /*keepScores=*/true);
    return makeClassifierReport(setup, held, partRows(trainer, part), train ? &*train : nullptr);
}

} // namespace neurino
