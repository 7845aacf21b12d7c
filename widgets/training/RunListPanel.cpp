#include "widgets/training/RunListPanel.h"

#include "widgets/session/RunFolder.h"
#include "widgets/session/RunScheduler.h"

#include "core/run/RunFolder.h"
#include "core/util/Error.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace neurino {

RunListPanel::RunListPanel(RunScheduler* scheduler, QWidget* parent)
    : QWidget(parent)
    , m_scheduler(scheduler)
    , m_view(new QTableView(this))
    , m_saveButton(new QPushButton(tr("Save Run As…"), this))
    , m_dequeue(new QAction(tr("Take Out of the Queue"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Runs of this session (double-click to show one's results):")));
    m_view->setObjectName("runList");
    m_view->setModel(&scheduler->registry());
    m_view->verticalHeader()->hide();
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->setMinimumHeight(110);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(m_dequeue);
    layout->addWidget(m_view);

    auto* buttons = new QHBoxLayout;
    auto* openButton = new QPushButton(tr("Open Run…"), this);
    openButton->setToolTip(
        tr("Add a run folder (from an earlier session or neurino-batch train) to compare"));
    m_saveButton->setToolTip(tr("Copy the selected run's folder (settings, metrics, checkpoints) elsewhere"));
    buttons->addWidget(openButton);
    buttons->addWidget(m_saveButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(openButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Run Folder"));
        if (!folder.isEmpty())
            openRun(folder);
    });
    connect(m_saveButton, &QPushButton::clicked, this, [this] {
        const QString target = QFileDialog::getExistingDirectory(this, tr("Save Run Into Folder"));
        if (selectedRun() && !target.isEmpty())
            saveRun(selectedRun(), target);
    });
    connect(m_dequeue, &QAction::triggered, this, [this] { m_scheduler->cancel(selectedRun()); });
    connect(m_view, &QTableView::doubleClicked, this,
        [this](const QModelIndex& index) { emit runActivated(index.data(Qt::UserRole).toInt()); });
    connect(
        m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunListPanel::updateActions);
    connect(&scheduler->registry(), &QAbstractItemModel::dataChanged, this, &RunListPanel::updateActions);
    connect(&scheduler->registry(), &QAbstractItemModel::rowsInserted, this,
        [this] { m_view->scrollToBottom(); });
    updateActions();
}

int RunListPanel::selectedRun() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.front().data(Qt::UserRole).toInt();
}

void RunListPanel::updateActions()
{
    const RunRecord* run = m_scheduler->run(selectedRun());
    m_saveButton->setEnabled(run && run->finished && !run->folder.isEmpty());
    m_dequeue->setEnabled(run && run->queued);
}

bool RunListPanel::openRun(const QString& folder)
{
    try {
        m_scheduler->addRun(readRunRecord(folder));
        return true;
    } catch (const Error& e) {
        emit message(QString::fromStdString(e.what()), true);
        return false;
    }
}

bool RunListPanel::saveRun(int runId, const QString& target)
{
    const RunRecord* run = m_scheduler->run(runId);
    if (!run || run->folder.isEmpty()) {
        emit message(tr("This run has no folder to save: runs are kept on disk only when the window keeps a "
                        "runs folder."),
            true);
        return false;
    }
    try {
        RunFolder::copy(run->folder.toStdString(), target.toStdString());
        emit message(tr("%1 saved to %2.").arg(run->name, QDir::toNativeSeparators(target)), false);
        return true;
    } catch (const Error& e) {
        emit message(QString::fromStdString(e.what()), true);
        return false;
    }
}

} // namespace neurino
