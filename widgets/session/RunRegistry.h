#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QAbstractTableModel>

#include <vector>

namespace neurino {

// Every run of the session, in the order they entered (queued, training, finished, or read from a folder):
// the one list the training dock, the training area and the views read, and a table model for views, with
// the run's name, model, data, settings and result. Qt::UserRole of any cell is the run's id. The
// RunScheduler adds and updates runs; everyone else reads.
class RunRegistry : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Name, Model, Data, Settings, Result, ColumnCount };

    explicit RunRegistry(QObject* parent = nullptr);

    const std::vector<RunRecord>& runs() const { return m_runs; }
    // The run `id`, or null.
    const RunRecord* run(int id) const;
    RunRecord* find(int id);
    // The run of `row`, or null.
    const RunRecord* runAt(int row) const;
    // The row of run `id`, or -1.
    int rowOf(int id) const;

    // Appends `record` as a new row; returns it.
    RunRecord& add(RunRecord record);
    // Tells the views that run `id` changed.
    void changed(int id);

    // The Result column's text: "queued", "training…", or how the run ended with its final metrics.
    static QString resultText(const RunRecord& run);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<RunRecord> m_runs;
};

} // namespace neurino
