#include "widgets/training/RunProgressPanel.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

QString duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    const auto s = static_cast<long long>(std::lround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QChar('0'))
            .arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

} // namespace

RunProgressPanel::RunProgressPanel(RunScheduler* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_progress(new QProgressBar)
    , m_progressLabel(new QLabel(tr("Ready.")))
    , m_statusLabel(new QLabel)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_progress->setObjectName("trainingProgress");
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_progressLabel->setObjectName("progressLabel");
    m_progressLabel->setWordWrap(true);
    layout->addWidget(m_progressLabel);
    m_statusLabel->setObjectName("statusLabel");
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);

    // A queued run begins when the one before it ends: the state or the queue changes.
    connect(m_session, &RunScheduler::stateChanged, this, &RunProgressPanel::onStateChanged);
    connect(m_session, &RunScheduler::queueChanged, this, &RunProgressPanel::onStateChanged);
    connect(m_session, &RunScheduler::status, m_statusLabel, &QLabel::setText);
    connect(m_session, &RunScheduler::runNote, this,
        [this](int, const QString& text) { emit message(text, false); });
    connect(m_session, &RunScheduler::runStarted, this, &RunProgressPanel::onStarted);
    connect(m_session, &RunScheduler::batchEnded, this, &RunProgressPanel::onBatch);
    connect(m_session, &RunScheduler::epochEnded, this, &RunProgressPanel::onEpoch);
    connect(m_session, &RunScheduler::runFinished, this, &RunProgressPanel::onFinished);
}

void RunProgressPanel::onStateChanged()
{
    const auto state = m_session->state();
    const RunRecord* current = m_session->currentRun();
    if (state == RunScheduler::State::Preparing && current && current->id != m_currentRun) {
        // A run began (now or after waiting in the queue): the progress is its from here on.
        m_currentRun = current->id;
        m_statusLabel->setStyleSheet({});
        m_progress->setRange(0, 0);
        m_progressLabel->setText(tr("Preparing %1…").arg(current->name));
    }
    if (state == RunScheduler::State::Paused)
        m_statusLabel->setText(tr("Paused."));
    else if (state == RunScheduler::State::Stopping)
        m_statusLabel->setText(tr("Stopping after the current batch…"));
}

void RunProgressPanel::onStarted(int runId, const TrainStart& start)
{
    m_start = start;
    m_clock.start();
    const std::int64_t total
        = static_cast<std::int64_t>(start.epochs - start.firstEpoch + 1) * start.batchesPerEpoch;
    m_progress->setRange(0, static_cast<int>(std::min<std::int64_t>(total, std::numeric_limits<int>::max())));
    m_progress->setValue(0);
    m_progressLabel->setText(
        tr("Epoch %1 of %2 starting: %3 training and %4 validation samples, %5 parameters")
            .arg(start.firstEpoch)
            .arg(start.epochs)
            .arg(start.trainSamples)
            .arg(start.validationSamples)
            .arg(start.parameters));
    const QString threads = start.threads.empty()
        ? QString()
        : tr(" CPU threads: %1.").arg(QString::fromStdString(start.threads));
    emit message(
        tr("Run %1 started on %2.%3").arg(runId).arg(QString::fromStdString(start.device), threads), false);
}

QString RunProgressPanel::timeLeft(std::int64_t done) const
{
    const double fraction = m_progress->maximum() > 0 ? static_cast<double>(done) / m_progress->maximum() : 0;
    const double elapsed = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0;
    return duration(fraction > 0 ? elapsed * (1 - fraction) / fraction : NAN);
}

void RunProgressPanel::onBatch(int, const BatchStats& stats)
{
    const std::int64_t done
        = static_cast<std::int64_t>(stats.epoch - m_start.firstEpoch) * stats.batches + stats.batch;
    m_progress->setValue(static_cast<int>(std::min<std::int64_t>(done, m_progress->maximum())));
    m_progressLabel->setText(tr("Epoch %1/%2, batch %3/%4 · loss %5 · %6 samples/s · %7 left")
                                 .arg(stats.epoch)
                                 .arg(stats.epochs)
                                 .arg(stats.batch)
                                 .arg(stats.batches)
                                 .arg(stats.meanLoss, 0, 'g', 3)
                                 .arg(std::lround(stats.samplesPerSecond))
                                 .arg(timeLeft(done)));
}

void RunProgressPanel::onEpoch(int, const EpochStats& stats)
{
    const std::int64_t done
        = static_cast<std::int64_t>(stats.epoch - m_start.firstEpoch + 1) * m_start.batchesPerEpoch;
    m_progress->setValue(static_cast<int>(std::min<std::int64_t>(done, m_progress->maximum())));
    QStringList parts;
    for (const char* name : { "loss", "val_loss", "accuracy", "val_accuracy", "auc", "val_auc", "mae",
             "val_mae", "d_loss", "g_loss", "energy_chi2_ndf" }) {
        auto it = stats.metrics.find(name);
        if (it != stats.metrics.end())
            parts << QStringLiteral("%1 %2").arg(name).arg(it->second, 0, 'g', 3);
    }
    m_progressLabel->setText(tr("Epoch %1/%2 done: %3 · %4 samples/s · %5 left")
                                 .arg(stats.epoch)
                                 .arg(stats.epochs)
                                 .arg(parts.join(", "))
                                 .arg(std::lround(stats.samplesPerSecond))
                                 .arg(timeLeft(done)));
}

void RunProgressPanel::onFinished(const RunRecord& run)
{
    if (run.id != m_currentRun)
        return; // taken out of the queue
    m_currentRun = 0;
    m_progress->setRange(0, std::max(1, m_progress->maximum()));
    const bool failed = run.summary.reason == StopReason::Failed;
    if (failed)
        showError(QString::fromStdString(run.summary.message));
    else
        m_statusLabel->setText(
            tr("%1 %2 in %3.").arg(run.name, RunRegistry::resultText(run), duration(run.summary.seconds)));
    m_progressLabel->setText(failed ? tr("Failed.") : tr("Finished."));
    emit message(tr("%1: %2").arg(run.name, RunRegistry::resultText(run)), failed);
}

void RunProgressPanel::showError(const QString& text)
{
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet("color: #b00020;");
    m_progressLabel->setText(tr("Not started."));
    emit message(text, true);
}

} // namespace neurino
