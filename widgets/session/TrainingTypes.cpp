#include "widgets/session/TrainingTypes.h"

#include "core/run/ClassifierReport.h"
#include "core/train/History.h"

#include <QObject>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace neurino {

namespace {

// The final metrics the run list shows, most telling first.
constexpr int kListedMetrics = 3;

} // namespace

QString MisclassifiedData::className(int index) const
{
    if (index >= 0 && index < static_cast<int>(classNames.size()) && !classNames[index].empty())
        return QString::fromStdString(classNames[index]);
    return QObject::tr("class %1").arg(index);
}

RunEvaluation RunEvaluation::fromReport(const ClassifierReport& report, const QString& runName)
{
    RunEvaluation result;
    const QString part = QString::fromStdString(report.part);
    result.confusion.classNames = report.classLabels();
    result.confusion.counts = report.confusion;
    result.confusion.part = part;
    if (report.roc)
        result.roc = RocData { runName, report.roc->signalEfficiency, report.roc->backgroundRejection,
            report.roc->auc, part };
    if (report.outputs) {
        const OutputHistograms& h = *report.outputs;
        OutputDistributions out;
        out.low = h.low;
        out.high = h.high;
        out.trainSignal = h.trainSignal;
        out.trainBackground = h.trainBackground;
        out.testSignal = h.heldOutSignal;
        out.testBackground = h.heldOutBackground;
        out.ksSignal = h.ksSignal;
        out.ksBackground = h.ksBackground;
        out.testPart = part;
        result.outputs = out;
    }
    return result;
}

std::int64_t ConfusionData::total() const
{
    std::int64_t sum = 0;
    for (const auto& row : counts) {
        for (std::int64_t c : row)
            sum += c;
    }
    return sum;
}

QString RunRecord::settingsText() const
{
    if (!settings.isEmpty())
        return settings;
    QString text = QStringLiteral("%1, lr %2, batch %3, %4 epochs, seed %5")
                       .arg(QString::fromStdString(config.optimizer.name))
                       .arg(config.optimizer.learningRate)
                       .arg(config.batchSize)
                       .arg(config.epochs)
                       .arg(config.seed);
    if (config.earlyStopping.enabled)
        text += QObject::tr(", early stop %1").arg(config.earlyStopping.patience);
    return text;
}

QString RunRecord::metricsText() const
{
    const auto& metrics
        = summary.finalMetrics.empty() && !epochs.empty() ? epochs.back().metrics : summary.finalMetrics;
    // Validation first: it is what tells whether the model generalises.
    std::vector<std::pair<std::string, double>> shown;
    for (const auto& [name, value] : orderedMetrics(metrics)) {
        if (name.rfind("val_", 0) == 0)
            shown.emplace_back(name, value);
    }
    for (const auto& [name, value] : orderedMetrics(metrics)) {
        if (name.rfind("val_", 0) != 0 && name.rfind("test_", 0) != 0 && name != "lr"
            && name.find("seconds") == std::string::npos)
            shown.emplace_back(name, value);
    }
    if (gan) {
        // What tells a GAN's progress: the physics first, then both losses.
        shown.clear();
        for (const char* name : { "energy_chi2_ndf", "d_loss", "g_loss" }) {
            auto it = metrics.find(name);
            if (it != metrics.end())
                shown.emplace_back(name, it->second);
        }
    }
    QStringList parts;
    for (const auto& [name, value] : shown) {
        if (parts.size() == kListedMetrics)
            break;
        parts << QStringLiteral("%1 %2").arg(QString::fromStdString(name)).arg(value, 0, 'g', 3);
    }
    return parts.join(", ");
}

int DecisionBoundaryData::cellIndex(double x, double y) const
{
    const int c
        = std::clamp(static_cast<int>(std::floor((x - xMin) / (xMax - xMin) * columns)), 0, columns - 1);
    const int r = std::clamp(static_cast<int>(std::floor((y - yMin) / (yMax - yMin) * rows)), 0, rows - 1);
    return r * columns + c;
}

} // namespace neurino
