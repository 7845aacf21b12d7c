// LibTorch before Qt: Qt's `slots` macro breaks LibTorch's headers.
#include "core/data/Dataset.h"
#include "core/train/StopToken.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "widgets/session/RunWorker.h"
#include "widgets/session/ThreadHandOver.h"

#include <cmath>
#include <exception>

namespace neurino {

namespace {

// The weight of the past in the smoothed loss: about the last ten batches count.
constexpr double kSmoothing = 0.9;

} // namespace

void RunWorker::announceData(const DataSource& source)
{
    const QString what = QString::fromStdString(source.describe());
    say(source.kind == DataSource::Kind::Generator ? tr("Generating %1 data…").arg(what)
                                                   : tr("Reading %1…").arg(what));
}

std::shared_ptr<Dataset> RunWorker::loadData(const DataSource& source)
{
    announceData(source);
    return openDataSource(source, datasets::Catalog::instance().generatorFn());
}

RunWorker::RunWorker(QObject* parent)
    : QObject(parent)
    , m_stop(std::make_shared<StopToken>())
{
}

void RunWorker::reportErrors(const std::function<void()>& work)
{
    m_smoothed = 0;
    m_smoothingWeight = 0;
    try {
        work();
    } catch (const Error& e) {
        fail(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        fail(tr("LibTorch reported an error: %1").arg(QString::fromLocal8Bit(e.what())));
    }
}

void RunWorker::reportStart(const TrainStart& start)
{
    m_sinceBatch.invalidate();
    postTo(this, [this, start] { emit started(start); });
}

void RunWorker::reportBatch(const BatchStats& stats)
{
    m_batchesDone.fetch_add(1, std::memory_order_relaxed);
    if (std::isfinite(stats.loss)) {
        m_smoothed = kSmoothing * m_smoothed + (1 - kSmoothing) * stats.loss;
        m_smoothingWeight = kSmoothing * m_smoothingWeight + (1 - kSmoothing);
    }
    if (m_sinceBatch.isValid() && m_sinceBatch.elapsed() < kBatchIntervalMs)
        return;
    m_sinceBatch.start();
    const double smoothed = m_smoothingWeight > 0 ? m_smoothed / m_smoothingWeight : stats.loss;
    postTo(this, [this, stats, smoothed] { emit batchEnded(stats, smoothed); });
}

void RunWorker::reportEpoch(const EpochStats& stats)
{
    postTo(this, [this, stats] { emit epochEnded(stats); });
}

void RunWorker::say(const QString& text)
{
    postTo(this, [this, text] { emit status(text); });
}

void RunWorker::tell(const QString& text)
{
    postTo(this, [this, text] { emit note(text); });
}

void RunWorker::fail(const QString& message)
{
    postTo(this, [this, message] { emit failed(message); });
}

} // namespace neurino
