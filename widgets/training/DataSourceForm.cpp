#include "widgets/training/DataSourceForm.h"

#include "widgets/training/DatasetPathsDialog.h"

#include "core/util/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

// The source combo's entry for training on a file.
constexpr const char* kFileSource = "__file__";
// Spin boxes hold ints; generator limits beyond this are clamped.
constexpr double kIntLimit = 1e9;

QWidget* numberEditor(const ParamSpec& o)
{
    if (o.type == ParamType::Int) {
        auto* spin = new QSpinBox;
        spin->setRange(static_cast<int>(std::max(o.minValue, -kIntLimit)),
            static_cast<int>(std::min(o.maxValue, kIntLimit)));
        spin->setValue(o.defaultValue.get<int>());
        return spin;
    }
    auto* spin = new QDoubleSpinBox;
    const double value = o.defaultValue.get<double>();
    spin->setDecimals(4);
    spin->setRange(std::max(o.minValue, -kIntLimit), std::min(o.maxValue, kIntLimit));
    spin->setValue(value);
    spin->setSingleStep(std::abs(value) > 0 ? std::abs(value) / 10 : 0.1);
    return spin;
}

// An editor for one generator option, holding its default.
QWidget* optionEditor(const ParamSpec& o)
{
    switch (o.type) {
    case ParamType::Int:
    case ParamType::Float:
        return numberEditor(o);
    case ParamType::Bool: {
        auto* check = new QCheckBox;
        check->setChecked(o.defaultValue.get<bool>());
        return check;
    }
    case ParamType::Choice: {
        auto* combo = new QComboBox;
        for (const std::string& c : o.choices)
            combo->addItem(QString::fromStdString(c));
        combo->setCurrentText(QString::fromStdString(o.defaultValue.get<std::string>()));
        return combo;
    }
    case ParamType::Text:
        return new QLineEdit(QString::fromStdString(o.defaultValue.get<std::string>()));
    case ParamType::IntPair:
    case ParamType::ChoicePair:
    case ParamType::IntList:
    case ParamType::ChoiceList:
        // Layer parameters' types; no generator option has one yet: its default as JSON text.
        break;
    }
    return new QLineEdit(QString::fromStdString(o.defaultValue.dump()));
}

void setEditorValue(QWidget* editor, const QVariant& value)
{
    if (auto* spin = qobject_cast<QSpinBox*>(editor))
        spin->setValue(value.toInt());
    else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(editor))
        dspin->setValue(value.toDouble());
    else if (auto* check = qobject_cast<QCheckBox*>(editor))
        check->setChecked(value.toBool());
    else if (auto* combo = qobject_cast<QComboBox*>(editor))
        combo->setCurrentText(value.toString());
    else if (auto* edit = qobject_cast<QLineEdit*>(editor))
        edit->setText(value.toString());
}

nlohmann::json editorValue(const QWidget* editor)
{
    if (auto* spin = qobject_cast<const QSpinBox*>(editor))
        return spin->value();
    if (auto* dspin = qobject_cast<const QDoubleSpinBox*>(editor))
        return dspin->value();
    if (auto* check = qobject_cast<const QCheckBox*>(editor))
        return check->isChecked();
    if (auto* combo = qobject_cast<const QComboBox*>(editor))
        return combo->currentText().toStdString();
    if (auto* edit = qobject_cast<const QLineEdit*>(editor))
        return edit->text().toStdString();
    return nullptr;
}

} // namespace

DataSourceForm::DataSourceForm(QWidget* parent)
    : QGroupBox(tr("Data"), parent)
    , m_generators(catalogGenerators())
{
    m_form = new QFormLayout(this);
    m_source = new QComboBox;
    m_source->setObjectName("dataSource");
    for (const GeneratorInfo& g : m_generators) {
        m_source->addItem(QString::fromStdString(g.name), QString::fromStdString(g.name));
        m_source->setItemData(m_source->count() - 1, QString::fromStdString(g.description), Qt::ToolTipRole);
    }
    m_source->insertSeparator(m_source->count());
    m_source->addItem(tr("HDF5 file…"), QString(kFileSource));
    m_form->addRow(tr("Source"), m_source);
    createGeneratorRows(m_form);
    createFileRow(m_form);

    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        if (fileChosen() && m_filePath.isEmpty())
            chooseFile();
        showGeneratorOptions();
    });
    showGeneratorOptions();
}

void DataSourceForm::createGeneratorRows(QFormLayout* form)
{
    m_events = new QSpinBox;
    m_events->setObjectName("events");
    m_events->setRange(10, static_cast<int>(kIntLimit));
    m_events->setGroupSeparatorShown(true);
    m_events->setToolTip(tr("How many samples the generator makes"));
    form->addRow(tr("Samples"), m_events);
    m_dataSeed = new QSpinBox;
    m_dataSeed->setRange(0, std::numeric_limits<int>::max());
    m_dataSeed->setValue(static_cast<int>(kDefaultSeed));
    m_dataSeed->setToolTip(tr("The same seed makes the same samples"));
    form->addRow(tr("Data seed"), m_dataSeed);

    m_optionsBox = new QGroupBox(tr("Generator options"));
    m_optionsBox->setFlat(true);
    m_optionsForm = new QFormLayout(m_optionsBox);
    form->addRow(m_optionsBox);
}

void DataSourceForm::createFileRow(QFormLayout* form)
{
    m_fileRow = new QWidget;
    auto* fileLayout = new QHBoxLayout(m_fileRow);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    m_fileLabel = new QLabel(tr("no file chosen"));
    m_fileLabel->setWordWrap(true);
    auto* choose = new QPushButton(tr("Choose…"));
    fileLayout->addWidget(m_fileLabel, 1);
    fileLayout->addWidget(choose);
    form->addRow(tr("File"), m_fileRow);
    m_fileRow->setVisible(false);
    connect(choose, &QPushButton::clicked, this, &DataSourceForm::chooseFile);
}

void DataSourceForm::showGeneratorOptions()
{
    while (m_optionsForm->rowCount() > 0)
        m_optionsForm->removeRow(0);
    m_optionEditors.clear();
    const QString name = generator();
    const bool file = fileChosen();
    // The row with its "File" label: hiding the field alone would leave the label standing.
    m_form->setRowVisible(m_fileRow, file);
    m_events->setEnabled(!file);
    m_dataSeed->setEnabled(!file);
    auto it = std::find_if(m_generators.begin(), m_generators.end(),
        [&](const GeneratorInfo& g) { return QString::fromStdString(g.name) == name; });
    m_optionsBox->setVisible(!file && it != m_generators.end() && !it->options.empty());
    if (file || it == m_generators.end())
        return;
    m_events->setValue(static_cast<int>(std::min<std::int64_t>(it->defaultEvents, m_events->maximum())));
    m_events->setToolTip(tr("How many samples the generator makes (default %1)").arg(it->defaultEvents));
    for (const ParamSpec& o : it->options) {
        QWidget* editor = optionEditor(o);
        const QString optionName = QString::fromStdString(o.name);
        editor->setObjectName("option_" + optionName);
        editor->setToolTip(QString::fromStdString(o.help + " [" + o.describeDefault() + "]"));
        m_optionsForm->addRow(optionName, editor);
        m_optionEditors[optionName] = editor;
    }
}

void DataSourceForm::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Train on a Dataset File"), m_filePath, tr("HDF5 files (*.h5 *.hdf5);;All files (*)"));
    if (path.isEmpty())
        return;
    try {
        DatasetPathsDialog dialog(path, listFileDatasets(path.toStdString()), this);
        if (!m_filePath.isEmpty() && path == m_filePath)
            dialog.setPaths(m_featuresPath, m_targetsPath);
        if (dialog.exec() != QDialog::Accepted)
            return;
        setFile(path, dialog.featuresPath(), dialog.targetsPath(), dialog.task());
    } catch (const Error& e) {
        emit error(QString::fromStdString(e.what()));
    }
}

bool DataSourceForm::suggestFor(const QString& modelName)
{
    for (const GeneratorInfo& g : m_generators) {
        const QString name = QString::fromStdString(g.name);
        if (!modelName.isEmpty() && modelName.startsWith(name, Qt::CaseInsensitive)) {
            setGenerator(name);
            return true;
        }
    }
    return false;
}

void DataSourceForm::setGenerator(const QString& name)
{
    const int index = m_source->findData(name);
    if (index >= 0)
        m_source->setCurrentIndex(index);
}

QString DataSourceForm::generator() const
{
    return m_source->currentData().toString();
}

bool DataSourceForm::isGenerator(const QString& name) const
{
    return !fileChosen() && generator() == name;
}

bool DataSourceForm::fileChosen() const
{
    return generator() == kFileSource;
}

bool DataSourceForm::fileMissing() const
{
    return fileChosen() && m_filePath.isEmpty();
}

void DataSourceForm::setGeneratorOption(const QString& name, const QVariant& value)
{
    auto it = m_optionEditors.find(name);
    if (it != m_optionEditors.end())
        setEditorValue(it->second, value);
}

void DataSourceForm::setEvents(int events)
{
    m_events->setValue(events);
}

void DataSourceForm::setFile(
    const QString& path, const QString& features, const QString& targets, const QString& task)
{
    m_filePath = path;
    m_featuresPath = features;
    m_targetsPath = targets;
    m_task = task;
    m_fileLabel->setText(
        tr("%1: features '%2', targets '%3'")
            .arg(QFileInfo(path).fileName(), features, targets.isEmpty() ? tr("none") : targets));
    m_fileLabel->setToolTip(QDir::toNativeSeparators(path));
    const int index = m_source->findData(QString(kFileSource));
    if (m_source->currentIndex() != index) {
        const QSignalBlocker block(m_source);
        m_source->setCurrentIndex(index);
    }
    showGeneratorOptions();
}

nlohmann::json DataSourceForm::optionValues() const
{
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [name, editor] : m_optionEditors)
        options[name.toStdString()] = editorValue(editor);
    return options;
}

DataSource DataSourceForm::dataChoice() const
{
    DataSource choice;
    if (fileChosen()) {
        choice.kind = DataSource::Kind::File;
        choice.path = m_filePath.toStdString();
        choice.featuresPath = m_featuresPath.toStdString();
        choice.targetsPath = m_targetsPath.toStdString();
        if (!m_task.isEmpty())
            choice.task = parseTask(m_task.toStdString());
        return choice;
    }
    choice.generator = generator().toStdString();
    choice.events = m_events->value();
    choice.seed = static_cast<std::uint64_t>(m_dataSeed->value());
    choice.options = optionValues();
    return choice;
}

} // namespace neurino
