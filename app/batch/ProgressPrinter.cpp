#include "app/batch/ProgressPrinter.h"

#include "core/train/History.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace neurino::batch {

namespace {

// Redraws of the bar per second: enough to look live, few enough not to slow a fast run.
constexpr double kRedrawInterval = 0.1;
// Characters of the bar itself.
constexpr int kBarWidth = 24;

std::string metricsText(const std::map<std::string, double>& metrics)
{
    std::ostringstream out;
    for (const auto& [name, value] : orderedMetrics(metrics)) {
        if (name == "lr" || name == "seconds" || name == "samples_per_second")
            continue;
        out << "  " << name << " " << std::setprecision(4) << value;
    }
    return out.str();
}

} // namespace

std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    const long total = std::lround(seconds);
    std::ostringstream out;
    if (total >= 3600)
        out << total / 3600 << ":" << std::setw(2) << std::setfill('0') << (total / 60) % 60;
    else
        out << total / 60;
    out << ":" << std::setw(2) << std::setfill('0') << total % 60;
    return out.str();
}

std::string formatRate(double perSecond)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(1);
    if (perSecond >= 1e6)
        out << perSecond / 1e6 << "M";
    else if (perSecond >= 1e3)
        out << perSecond / 1e3 << "k";
    else
        out << perSecond;
    return out.str();
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool interactive)
    : m_out(out)
    , m_interactive(interactive)
{
}

void ProgressPrinter::onStart(const TrainStart& start)
{
    m_start = start;
    m_out << "training " << start.parameters << " parameters on " << start.device << ": "
          << start.trainSamples << " train / " << start.validationSamples << " validation / "
          << start.testSamples << " test samples, " << start.batchesPerEpoch << " batches per epoch, epochs "
          << start.firstEpoch << "-" << start.epochs << "\n";
    if (!start.threads.empty())
        m_out << "CPU threads: " << start.threads << std::endl;
}

double ProgressPrinter::remainingSeconds(int epoch, double epochFraction, double epochSeconds) const
{
    // Finished epochs give the best estimate of an epoch's time; before any, extrapolate the current one.
    const double perEpoch = m_doneEpochs > 0 ? m_doneEpochSeconds / m_doneEpochs
                                             : (epochFraction > 0 ? epochSeconds / epochFraction : NAN);
    return perEpoch * ((1.0 - epochFraction) + (m_start.epochs - epoch));
}

void ProgressPrinter::clearLine()
{
    if (m_lineOpen) {
        m_out << "\r\033[K";
        m_lineOpen = false;
    }
}

void ProgressPrinter::onBatchEnd(const BatchStats& s)
{
    if (!m_interactive)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (s.batch != s.batches && std::chrono::duration<double>(now - m_lastDraw).count() < kRedrawInterval)
        return;
    m_lastDraw = now;
    const double fraction = static_cast<double>(s.batch) / static_cast<double>(s.batches);
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::ostringstream line;
    line << "\r\033[Kepoch " << s.epoch << "/" << s.epochs << " [" << std::string(filled, '=')
         << (filled < kBarWidth ? ">" : "") << std::string(std::max(kBarWidth - filled - 1, 0), ' ') << "] "
         << s.batch << "/" << s.batches << "  " << formatRate(s.samplesPerSecond) << " samples/s  ETA "
         << formatDuration(remainingSeconds(s.epoch, fraction, s.epochSeconds)) << "  loss "
         << std::setprecision(4) << s.meanLoss;
    m_out << line.str() << std::flush;
    m_lineOpen = true;
}

void ProgressPrinter::onEpochEnd(const EpochStats& s)
{
    clearLine();
    m_doneEpochSeconds += s.seconds;
    ++m_doneEpochs;
    m_out << "epoch " << s.epoch << "/" << s.epochs << metricsText(s.metrics) << "  " << std::fixed
          << std::setprecision(1) << s.seconds << " s  " << formatRate(s.samplesPerSecond) << " samples/s";
    m_out.unsetf(std::ios::fixed);
    if (s.epoch < s.epochs)
        m_out << "  ETA " << formatDuration(remainingSeconds(s.epoch, 1.0, s.seconds));
    if (s.improved)
        m_out << "  *";
    m_out << std::endl;
}

void ProgressPrinter::onFinished(const TrainSummary& s)
{
    clearLine();
    m_out << stopReasonName(s.reason) << " after " << s.epochsCompleted << " epoch(s) in "
          << formatDuration(s.seconds);
    if (s.bestEpoch > 0)
        m_out << "; best epoch " << s.bestEpoch << (s.restoredBestWeights ? " (weights restored)" : "");
    m_out << std::endl;
    if (s.reason != StopReason::Failed && !s.message.empty())
        m_out << s.message << std::endl;
    if (!s.testMetrics.empty())
        m_out << "test:" << metricsText(s.testMetrics) << std::endl;
}

} // namespace neurino::batch
