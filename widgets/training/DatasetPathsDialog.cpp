#include "widgets/training/DatasetPathsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace neurino {

namespace {

QString shapeText(const std::vector<std::int64_t>& shape)
{
    QStringList parts;
    for (std::int64_t d : shape)
        parts << QString::number(d);
    return "(" + parts.join(" × ") + ")";
}

} // namespace

DatasetPathsDialog::DatasetPathsDialog(
    const QString& path, const std::vector<FileDatasetEntry>& entries, QWidget* parent)
    : QDialog(parent)
    , m_entries(entries)
    , m_table(new QTableWidget(static_cast<int>(entries.size()), 3, this))
    , m_features(new QComboBox(this))
    , m_targets(new QComboBox(this))
    , m_task(new QComboBox(this))
    , m_preview(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName("datasetPathsDialog");
    setWindowTitle(tr("Train on %1").arg(QFileInfo(path).fileName()));
    m_table->setHorizontalHeaderLabels({ tr("Dataset"), tr("Shape"), tr("Type") });
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_targets->addItem(tr("(none: unlabelled)"), QString());
    for (int i = 0; i < static_cast<int>(entries.size()); ++i) {
        const FileDatasetEntry& e = entries[static_cast<std::size_t>(i)];
        const QString name = QString::fromStdString(e.name);
        m_table->setItem(i, 0, new QTableWidgetItem(name));
        m_table->setItem(i, 1, new QTableWidgetItem(shapeText(e.shape)));
        m_table->setItem(i, 2, new QTableWidgetItem(QString::fromStdString(e.dtype)));
        if (e.dtype == "string")
            continue;
        m_features->addItem(name + "  " + shapeText(e.shape), name);
        m_targets->addItem(name + "  " + shapeText(e.shape), name);
    }
    for (const char* task : { "", "classification", "binary", "regression", "images" })
        m_task->addItem(*task ? tr(task) : tr("as the file says"), QString(task));
    for (const auto& [f, t] : { std::pair { "features", "targets" }, std::pair { "ECAL", "target" } }) {
        if (m_features->findData(f) >= 0) {
            setPaths(f, m_targets->findData(t) >= 0 ? t : "");
            break;
        }
    }

    auto* form = new QFormLayout;
    form->addRow(tr("Features"), m_features);
    form->addRow(tr("Targets"), m_targets);
    form->addRow(tr("Task"), m_task);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Datasets in %1:").arg(QFileInfo(path).fileName()), this));
    layout->addWidget(m_table, 1);
    layout->addLayout(form);
    layout->addWidget(m_preview);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_features, &QComboBox::currentIndexChanged, this, &DatasetPathsDialog::updatePreview);
    connect(m_targets, &QComboBox::currentIndexChanged, this, &DatasetPathsDialog::updatePreview);
    resize(560, 420);
    updatePreview();
}

QString DatasetPathsDialog::featuresPath() const
{
    return m_features->currentData().toString();
}

QString DatasetPathsDialog::targetsPath() const
{
    return m_targets->currentData().toString();
}

QString DatasetPathsDialog::task() const
{
    return m_task->currentData().toString();
}

void DatasetPathsDialog::setPaths(const QString& features, const QString& targets)
{
    m_features->setCurrentIndex(std::max(0, m_features->findData(features)));
    m_targets->setCurrentIndex(std::max(0, m_targets->findData(targets)));
}

void DatasetPathsDialog::updatePreview()
{
    const FileDatasetEntry* features = nullptr;
    const FileDatasetEntry* targets = nullptr;
    for (const FileDatasetEntry& e : m_entries) {
        if (QString::fromStdString(e.name) == featuresPath())
            features = &e;
        if (QString::fromStdString(e.name) == targetsPath())
            targets = &e;
    }
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    if (!features || features->shape.empty()) {
        m_preview->setText(tr("Choose the dataset that holds the features."));
        ok->setEnabled(false);
        return;
    }
    const std::vector<std::int64_t> sample(features->shape.begin() + 1, features->shape.end());
    QString text = tr("%1 samples, each of shape %2").arg(features->shape.front()).arg(shapeText(sample));
    bool fits = true;
    if (targets) {
        fits = !targets->shape.empty() && targets->shape.front() == features->shape.front();
        text += fits ? tr("; targets %1").arg(shapeText(targets->shape))
                     : tr("; <b>the targets have %1 rows, the features %2</b>")
                           .arg(targets->shape.empty() ? 0 : targets->shape.front())
                           .arg(features->shape.front());
    }
    m_preview->setText(text);
    ok->setEnabled(fits);
}

} // namespace neurino
