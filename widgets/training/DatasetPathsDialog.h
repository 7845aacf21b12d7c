#pragma once

#include "widgets/session/TrainingData.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace neurino {

// Maps the datasets of an HDF5 file to features and targets before training on it: lists every dataset
// with its shape and type, preselects Neurino's own names (or the calorimeter files' ECAL and target) and
// says how many samples and what per-sample shape the choice gives.
class DatasetPathsDialog : public QDialog {
    Q_OBJECT

public:
    // `entries` as listFileDatasets gives them for `path`.
    DatasetPathsDialog(
        const QString& path, const std::vector<FileDatasetEntry>& entries, QWidget* parent = nullptr);

    QString featuresPath() const;
    QString targetsPath() const; // empty: no targets
    QString task() const; // empty: as the file says
    void setPaths(const QString& features, const QString& targets);

private:
    void updatePreview();

    std::vector<FileDatasetEntry> m_entries;
    QTableWidget* m_table;
    QComboBox* m_features;
    QComboBox* m_targets;
    QComboBox* m_task;
    QLabel* m_preview;
    QDialogButtonBox* m_buttons;
};

} // namespace neurino
