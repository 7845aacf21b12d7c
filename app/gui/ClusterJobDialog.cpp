#include "app/gui/ClusterJobDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace neurino {

namespace {

QSpinBox* spinBox(int low, int high, const QString& tip, QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setRange(low, high);
    box->setToolTip(tip);
    return box;
}

} // namespace

ClusterJobDialog::ClusterJobDialog(
    const QString& summary, bool fileData, std::function<QString()> chooseFolder, QWidget* parent)
    : QDialog(parent)
    , m_chooseFolder(std::move(chooseFolder))
    , m_folder(new QLineEdit(this))
    , m_choose(new QPushButton(tr("Choose…"), this))
    , m_jobName(new QLineEdit(this))
    , m_nodes(spinBox(1, 4096, tr("Machines the job runs on (#SBATCH --nodes)"), this))
    , m_tasks(spinBox(1, 256,
          tr("Ranks per node: one per GPU, or one per CPU socket on a CPU partition (--ntasks-per-node)"),
          this))
    , m_gpus(spinBox(0, 64, tr("GPUs per node (--gres=gpu:N); 0 for a CPU partition"), this))
    , m_cpus(spinBox(1, 1024, tr("Cores per rank, for LibTorch's threads (--cpus-per-task)"), this))
    , m_time(new QLineEdit(this))
    , m_partition(new QLineEdit(this))
    , m_copyData(new QCheckBox(tr("Copy the dataset file into the folder"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Run on a Cluster"));
    setObjectName("clusterJobDialog");
    auto* intro = new QLabel(tr("Writes the model, the data and training settings and a SLURM batch script "
                                "to a folder. Copy it to the cluster and submit it with sbatch; the run "
                                "folder it makes opens here with File ▸ Open Run Folder…"),
        this);
    intro->setWordWrap(true);
    auto* what = new QLabel(summary, this);
    what->setWordWrap(true);
    what->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_folder->setPlaceholderText(tr("a new or empty folder"));
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_choose);
    m_time->setToolTip(tr("The job's wall-clock limit, [D-]HH:MM:SS (--time)"));
    m_time->setPlaceholderText("04:00:00");
    m_partition->setPlaceholderText(tr("the cluster's default"));
    m_partition->setToolTip(tr("The SLURM partition (queue) to submit to (--partition)"));
    m_copyData->setEnabled(fileData);
    m_copyData->setToolTip(fileData ? tr("Otherwise the job reads the file where run.json says; put it there")
                                    : tr("Generated data is made again on the cluster, from the same seed"));

    auto* form = new QFormLayout;
    form->addRow(tr("Folder:"), folderRow);
    form->addRow(tr("Job name:"), m_jobName);
    form->addRow(tr("Nodes:"), m_nodes);
    form->addRow(tr("Tasks per node:"), m_tasks);
    form->addRow(tr("GPUs per node:"), m_gpus);
    form->addRow(tr("CPUs per task:"), m_cpus);
    form->addRow(tr("Time limit:"), m_time);
    form->addRow(tr("Partition:"), m_partition);
    form->addRow(QString(), m_copyData);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(what);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    // Wide enough for a folder path and the summary to read on one or two lines.
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);

    setOptions(ClusterJobOptions());
    m_copyData->setChecked(fileData);
    const auto updateOk
        = [this] { m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!folder().isEmpty()); };
    updateOk();
    connect(m_folder, &QLineEdit::textChanged, this, updateOk);
    connect(m_choose, &QPushButton::clicked, this, [this] {
        const QString chosen = m_chooseFolder ? m_chooseFolder() : QString();
        if (!chosen.isEmpty())
            setFolder(chosen);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ClusterJobDialog::folder() const
{
    return m_folder->text().trimmed();
}

void ClusterJobDialog::setFolder(const QString& folder)
{
    m_folder->setText(folder);
}

ClusterJobOptions ClusterJobDialog::options() const
{
    ClusterJobOptions o;
    o.jobName = m_jobName->text().trimmed().toStdString();
    o.nodes = m_nodes->value();
    o.tasksPerNode = m_tasks->value();
    o.gpusPerNode = m_gpus->value();
    o.cpusPerTask = m_cpus->value();
    o.time = m_time->text().trimmed().isEmpty() ? std::string("04:00:00")
                                                : m_time->text().trimmed().toStdString();
    o.partition = m_partition->text().trimmed().toStdString();
    o.copyData = m_copyData->isEnabled() && m_copyData->isChecked();
    return o;
}

void ClusterJobDialog::setOptions(const ClusterJobOptions& o)
{
    m_jobName->setText(QString::fromStdString(o.jobName));
    m_nodes->setValue(o.nodes);
    m_tasks->setValue(o.tasksPerNode);
    m_gpus->setValue(o.gpusPerNode);
    m_cpus->setValue(o.cpusPerTask);
    m_time->setText(QString::fromStdString(o.time));
    m_partition->setText(QString::fromStdString(o.partition));
    m_copyData->setChecked(o.copyData);
}

} // namespace neurino
