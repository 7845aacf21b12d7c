#pragma once

#include <QWidget>

class QPushButton;
class QTableView;

namespace neurino {

class RunScheduler;

// The session's runs as a table (the scheduler's RunRegistry): queued, training and finished runs and
// those read from folders. Double-click shows a run's results; Open Run adds a run folder, Save Run As
// copies one; a queued run can be taken out of the queue from its context menu.
class RunListPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunListPanel(RunScheduler* scheduler, QWidget* parent = nullptr);

    // Adds a run folder (as neurino-batch train writes) to the list; false with the reason in `error`.
    bool openRun(const QString& folder);
    // Copies run `runId`'s folder into `target`; false with the reason in `error`.
    bool saveRun(int runId, const QString& target);
    // The selected run's id, or 0.
    int selectedRun() const;

    QTableView* view() const { return m_view; }

signals:
    void runActivated(int runId);
    void message(const QString& text, bool error);

private:
    void updateActions();

    RunScheduler* m_scheduler;
    QTableView* m_view;
    QPushButton* m_saveButton;
    QAction* m_dequeue;
};

} // namespace neurino
