#pragma once

#include "widgets/session/TrainingData.h"

#include "core/run/DataSource.h"

#include <QGroupBox>

#include <map>
#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace neurino {

// What a run trains on: a generator of the dataset catalog with its sample count, seed and options (one
// editor per option, made from the catalog's description), or an HDF5 file whose datasets the user maps
// in a dialog.
class DataSourceForm : public QGroupBox {
    Q_OBJECT

public:
    explicit DataSourceForm(QWidget* parent = nullptr);

    void setGenerator(const QString& name);
    // The generator's name, or the file entry's data when a file is the source.
    QString generator() const;
    bool isGenerator(const QString& name) const;
    // True when the file entry is chosen: the source is a file (possibly not chosen yet).
    bool fileChosen() const;
    // The file entry is chosen but no file was given yet.
    bool fileMissing() const;
    // Picks the generator that `modelName` starts with ("shapes_cnn" trains on "shapes"); false if none.
    bool suggestFor(const QString& modelName);
    void setGeneratorOption(const QString& name, const QVariant& value);
    void setEvents(int events);
    // Trains on an HDF5 file with these dataset paths (as the mapping dialog would set them).
    void setFile(
        const QString& path, const QString& features, const QString& targets, const QString& task = {});

    DataSource dataChoice() const;

signals:
    // The file cannot be read: the reason, for the dock to show.
    void error(const QString& text);

private:
    void createGeneratorRows(QFormLayout* form);
    void createFileRow(QFormLayout* form);
    void showGeneratorOptions();
    void chooseFile();
    nlohmann::json optionValues() const;

    std::vector<GeneratorInfo> m_generators;
    QComboBox* m_source = nullptr;
    QFormLayout* m_form = nullptr;
    QGroupBox* m_optionsBox = nullptr;
    QFormLayout* m_optionsForm = nullptr;
    std::map<QString, QWidget*> m_optionEditors;
    QSpinBox* m_events = nullptr;
    QSpinBox* m_dataSeed = nullptr;
    QWidget* m_fileRow = nullptr;
    QLabel* m_fileLabel = nullptr;
    QString m_filePath, m_featuresPath, m_targetsPath, m_task;
};

} // namespace neurino
