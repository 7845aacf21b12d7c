#pragma once

#include "core/run/ClusterJob.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QDialogButtonBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace neurino {

// Train ▸ Run on a Cluster…'s form: the folder the job is written to (Choose… asks `chooseFolder`) and the
// SLURM fields of the job (nodes, tasks and GPUs per node, CPUs per task, time limit, partition), with what
// will be trained summed up above them. OK is enabled once a folder is given.
class ClusterJobDialog : public QDialog {
    Q_OBJECT

public:
    // `summary` says what the job trains; `fileData` whether the data is a file that can be copied along.
    ClusterJobDialog(const QString& summary, bool fileData, std::function<QString()> chooseFolder,
        QWidget* parent = nullptr);

    QString folder() const;
    void setFolder(const QString& folder);
    ClusterJobOptions options() const;
    void setOptions(const ClusterJobOptions& options);
    QPushButton* chooseButton() const { return m_choose; }

private:
    std::function<QString()> m_chooseFolder;
    QLineEdit* m_folder;
    QPushButton* m_choose;
    QLineEdit* m_jobName;
    QSpinBox* m_nodes;
    QSpinBox* m_tasks;
    QSpinBox* m_gpus;
    QSpinBox* m_cpus;
    QLineEdit* m_time;
    QLineEdit* m_partition;
    QCheckBox* m_copyData;
    QDialogButtonBox* m_buttons;
};

} // namespace neurino
