#include "widgets/session/RunRegistry.h"

#include <QDir>

namespace neurino {

RunRegistry::RunRegistry(QObject* parent)
    : QAbstractTableModel(parent)
{
}

RunRecord& RunRegistry::add(RunRecord record)
{
    const int row = static_cast<int>(m_runs.size());
    beginInsertRows({}, row, row);
    m_runs.push_back(std::move(record));
    endInsertRows();
    return m_runs.back();
}

const RunRecord* RunRegistry::run(int id) const
{
    const int row = rowOf(id);
    return row >= 0 ? &m_runs[static_cast<std::size_t>(row)] : nullptr;
}

RunRecord* RunRegistry::find(int id)
{
    return const_cast<RunRecord*>(run(id));
}

int RunRegistry::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunRegistry::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const RunRecord* RunRegistry::runAt(int row) const
{
    const auto& runs = m_runs;
    return row >= 0 && row < static_cast<int>(runs.size()) ? &runs[static_cast<std::size_t>(row)] : nullptr;
}

int RunRegistry::rowOf(int id) const
{
    const auto& runs = m_runs;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].id == id)
            return static_cast<int>(i);
    }
    return -1;
}

QString RunRegistry::resultText(const RunRecord& run)
{
    if (run.queued)
        return tr("queued");
    if (!run.finished)
        return tr("training…");
    const TrainSummary& s = run.summary;
    switch (s.reason) {
    case StopReason::Completed:
        return tr("completed: %1").arg(run.metricsText());
    case StopReason::EarlyStopped:
        return tr("stopped early at epoch %1 (best %2): %3")
            .arg(s.epochsCompleted)
            .arg(s.bestEpoch)
            .arg(run.metricsText());
    case StopReason::Cancelled:
        return s.message.empty() || s.epochsCompleted > 0
            ? tr("stopped by you after %1 epoch(s)").arg(s.epochsCompleted)
            : tr("stopped: %1").arg(QString::fromStdString(s.message));
    case StopReason::Failed:
        return tr("failed: %1").arg(QString::fromStdString(s.message));
    }
    return {};
}

QVariant RunRegistry::data(const QModelIndex& index, int role) const
{
    const RunRecord* run = runAt(index.row());
    if (!run)
        return {};
    if (role == Qt::UserRole)
        return run->id;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Name:
        return role == Qt::ToolTipRole && !run->folder.isEmpty() ? QDir::toNativeSeparators(run->folder)
                                                                 : run->name;
    case Model:
        return run->modelName;
    case Data:
        return run->dataName;
    case Settings:
        return run->settingsText();
    case Result:
        return resultText(*run);
    default:
        return {};
    }
}

QVariant RunRegistry::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Run");
    case Model:
        return tr("Model");
    case Data:
        return tr("Data");
    case Settings:
        return tr("Settings");
    case Result:
        return tr("Result");
    default:
        return {};
    }
}

void RunRegistry::changed(int id)
{
    const int row = rowOf(id);
    if (row >= 0)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace neurino
