#include "widgets/training/TrainingDock.h"

#include "widgets/training/DatasetPathsDialog.h"
#include "widgets/training/GanSettings.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/session/RunFolder.h"

#include "core/util/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

// The source combo's entry for training on a file.
constexpr const char* kFileSource = "__file__";
// Spin boxes hold ints; generator limits beyond this are clamped.
constexpr double kIntLimit = 1e9;
enum RunColumn { kRunName, kRunModel, kRunData, kRunSettings, kRunResult, kRunColumns };

QString duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    const auto s = static_cast<long long>(std::lround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QChar('0'))
            .arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

QString outcome(const RunRecord& run)
{
    const TrainSummary& s = run.summary;
    switch (s.reason) {
    case StopReason::Completed:
        return QObject::tr("completed: %1").arg(run.metricsText());
    case StopReason::EarlyStopped:
        return QObject::tr("stopped early at epoch %1 (best %2): %3")
            .arg(s.epochsCompleted)
            .arg(s.bestEpoch)
            .arg(run.metricsText());
    case StopReason::Cancelled:
        return QObject::tr("stopped by you after %1 epoch(s)").arg(s.epochsCompleted);
    case StopReason::Failed:
        return QObject::tr("failed: %1").arg(QString::fromStdString(s.message));
    }
    return {};
}

} // namespace

TrainingDock::TrainingDock(GraphModel* model, TrainingSession* session, QWidget* parent)
    : QDockWidget(tr("Training"), parent)
    , m_model(model)
    , m_session(session)
    , m_generators(catalogGenerators())
{
    setObjectName("trainingDock");
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(createModeRow());
    layout->addWidget(createDataGroup());
    m_trainingGroup = createTrainingGroup();
    layout->addWidget(m_trainingGroup);
    m_ganSettings = new GanSettings;
    m_ganSettings->setVisible(false);
    layout->addWidget(m_ganSettings);
    layout->addWidget(createControls());
    layout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    setWidget(scroll);

    connect(m_session, &TrainingSession::stateChanged, this, &TrainingDock::updateButtons);
    connect(m_session, &TrainingSession::status, m_statusLabel, &QLabel::setText);
    connect(m_session, &TrainingSession::runAdded, this, &TrainingDock::addRunRow);
    connect(m_session, &TrainingSession::runStarted, this, &TrainingDock::onStarted);
    connect(m_session, &TrainingSession::batchEnded, this, &TrainingDock::onBatch);
    connect(m_session, &TrainingSession::epochEnded, this, &TrainingDock::onEpoch);
    connect(m_session, &TrainingSession::runFinished, this, &TrainingDock::onFinished);
    connect(m_model, &GraphModel::modelReset, this, &TrainingDock::suggestGenerator);
    suggestGenerator();
    updateButtons();
}

QWidget* TrainingDock::createModeRow()
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_mode = new QComboBox;
    m_mode->setObjectName("trainingMode");
    m_mode->addItem(
        tr("Classifier or regression: the model on the canvas"), static_cast<int>(Mode::Classifier));
    m_mode->addItem(tr("GAN: a generator against a discriminator"), static_cast<int>(Mode::Gan));
    m_mode->setToolTip(tr("What to train: the model on the canvas on labelled data, or a generative "
                          "adversarial network on real samples such as calorimeter showers"));
    layout->addWidget(new QLabel(tr("Train")));
    layout->addWidget(m_mode, 1);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        const bool gan = mode() == Mode::Gan;
        m_trainingGroup->setVisible(!gan);
        m_ganSettings->setVisible(gan);
        m_startButton->setToolTip(gan ? tr("Train the chosen generator against the chosen discriminator")
                                      : tr("Train the model on the canvas with these settings"));
        // The tutorial's GAN learns calorimeter showers; a file stays chosen.
        if (gan && generator() != kFileSource && generator() != "calorimeter")
            setGenerator("calorimeter");
    });
    return row;
}

void TrainingDock::setMode(Mode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(static_cast<int>(mode)));
}

TrainingDock::Mode TrainingDock::mode() const
{
    return static_cast<Mode>(m_mode->currentData().toInt());
}

QWidget* TrainingDock::createDataGroup()
{
    auto* box = new QGroupBox(tr("Data"));
    auto* form = new QFormLayout(box);
    m_source = new QComboBox;
    m_source->setObjectName("dataSource");
    for (const GeneratorInfo& g : m_generators) {
        m_source->addItem(QString::fromStdString(g.name), QString::fromStdString(g.name));
        m_source->setItemData(m_source->count() - 1, QString::fromStdString(g.description), Qt::ToolTipRole);
    }
    m_source->insertSeparator(m_source->count());
    m_source->addItem(tr("HDF5 file…"), QString(kFileSource));
    form->addRow(tr("Source"), m_source);

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

    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        const bool file = m_source->currentData().toString() == kFileSource;
        if (file && m_filePath.isEmpty())
            chooseFile();
        showGeneratorOptions();
    });
    connect(choose, &QPushButton::clicked, this, &TrainingDock::chooseFile);
    showGeneratorOptions();
    return box;
}

QWidget* TrainingDock::createTrainingGroup()
{
    auto* box = new QGroupBox(tr("Training"));
    auto* form = new QFormLayout(box);
    m_optimizer = new QComboBox;
    m_optimizer->setObjectName("optimizer");
    for (const std::string& name : optimizerNames())
        m_optimizer->addItem(QString::fromStdString(name));
    m_optimizer->setCurrentText("adam");
    form->addRow(tr("Optimizer"), m_optimizer);

    m_learningRate = new QDoubleSpinBox;
    m_learningRate->setObjectName("learningRate");
    m_learningRate->setDecimals(6);
    m_learningRate->setRange(1e-6, 10);
    m_learningRate->setSingleStep(1e-4);
    m_learningRate->setValue(1e-3);
    m_learningRate->setToolTip(tr("Step size of the optimizer; 0.001 suits Adam"));
    form->addRow(tr("Learning rate"), m_learningRate);

    m_batchSize = new QSpinBox;
    m_batchSize->setObjectName("batchSize");
    m_batchSize->setRange(1, 1 << 20);
    m_batchSize->setValue(32);
    form->addRow(tr("Batch size"), m_batchSize);

    m_epochs = new QSpinBox;
    m_epochs->setObjectName("epochs");
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(10);
    form->addRow(tr("Epochs"), m_epochs);

    m_validationSplit = new QDoubleSpinBox;
    m_validationSplit->setObjectName("validationSplit");
    m_validationSplit->setRange(0, 0.9);
    m_validationSplit->setSingleStep(0.05);
    m_validationSplit->setValue(0.2);
    m_validationSplit->setToolTip(
        tr("Fraction held out to watch generalisation (of what the test part leaves)"));
    form->addRow(tr("Validation part"), m_validationSplit);
    m_testSplit = new QDoubleSpinBox;
    m_testSplit->setObjectName("testSplit");
    m_testSplit->setRange(0, 0.9);
    m_testSplit->setSingleStep(0.05);
    m_testSplit->setToolTip(tr("Fraction of all samples kept untouched until the end"));
    form->addRow(tr("Test part"), m_testSplit);

    auto* early = new QWidget;
    auto* earlyLayout = new QHBoxLayout(early);
    earlyLayout->setContentsMargins(0, 0, 0, 0);
    m_earlyStopping = new QCheckBox(tr("after"));
    m_earlyStopping->setObjectName("earlyStopping");
    m_earlyStopping->setToolTip(
        tr("Stop when the validation loss has not improved for this many epochs, keeping the best weights"));
    m_patience = new QSpinBox;
    m_patience->setRange(1, 1000);
    m_patience->setValue(5);
    m_patience->setSuffix(tr(" epochs without progress"));
    earlyLayout->addWidget(m_earlyStopping);
    earlyLayout->addWidget(m_patience, 1);
    form->addRow(tr("Stop early"), early);

    m_seed = new QSpinBox;
    m_seed->setObjectName("seed");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(static_cast<int>(kDefaultSeed));
    m_seed->setToolTip(tr("Seeds the initial weights, the split and the shuffling: same seed, same run"));
    form->addRow(tr("Seed"), m_seed);

    m_device = new QComboBox;
    m_device->setObjectName("device");
    for (const std::string& d : availableDevices())
        m_device->addItem(
            d == "cpu" ? tr("CPU") : QString::fromStdString(d).toUpper(), QString::fromStdString(d));
    m_device->setCurrentIndex(m_device->count() > 1 ? 1 : 0);
    m_device->setToolTip(m_device->count() > 1
            ? tr("Where the network trains")
            : tr("LibTorch sees no CUDA GPU here, so training runs on the CPU"));
    form->addRow(tr("Device"), m_device);
    return box;
}

QWidget* TrainingDock::createControls()
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* buttons = new QHBoxLayout;
    m_startButton = new QPushButton(tr("Start"));
    m_startButton->setObjectName("startButton");
    m_startButton->setToolTip(tr("Train the model on the canvas with these settings"));
    m_pauseButton = new QPushButton(tr("Pause"));
    m_pauseButton->setObjectName("pauseButton");
    m_stopButton = new QPushButton(tr("Stop"));
    m_stopButton->setObjectName("stopButton");
    m_stopButton->setToolTip(tr("End the run after the current batch; its epochs so far are kept"));
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_pauseButton);
    buttons->addWidget(m_stopButton);
    layout->addLayout(buttons);

    m_progress = new QProgressBar;
    m_progress->setObjectName("trainingProgress");
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_progressLabel = new QLabel(tr("Ready."));
    m_progressLabel->setObjectName("progressLabel");
    m_progressLabel->setWordWrap(true);
    layout->addWidget(m_progressLabel);
    m_statusLabel = new QLabel;
    m_statusLabel->setObjectName("statusLabel");
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);

    layout->addWidget(new QLabel(tr("Runs of this session (double-click to show one's results):")));
    m_runList = new QTableWidget(0, kRunColumns);
    m_runList->setObjectName("runList");
    m_runList->setHorizontalHeaderLabels(
        { tr("Run"), tr("Model"), tr("Data"), tr("Settings"), tr("Result") });
    m_runList->verticalHeader()->hide();
    m_runList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runList->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runList->horizontalHeader()->setStretchLastSection(true);
    m_runList->setMinimumHeight(110);
    m_runList->setWordWrap(false);
    layout->addWidget(m_runList);
    auto* runButtons = new QHBoxLayout;
    auto* openRunButton = new QPushButton(tr("Open Run…"));
    openRunButton->setToolTip(
        tr("Add a run folder (from an earlier session or neurino-batch train) to compare"));
    m_saveRunButton = new QPushButton(tr("Save Run As…"));
    m_saveRunButton->setToolTip(
        tr("Copy the selected run's folder (settings, metrics, checkpoints) elsewhere"));
    m_saveRunButton->setEnabled(false);
    runButtons->addWidget(openRunButton);
    runButtons->addWidget(m_saveRunButton);
    runButtons->addStretch(1);
    layout->addLayout(runButtons);
    connect(openRunButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Run Folder"));
        if (!folder.isEmpty())
            openRun(folder);
    });
    connect(m_saveRunButton, &QPushButton::clicked, this, [this] {
        const int row = m_runList->currentRow();
        if (row < 0)
            return;
        const QString target = QFileDialog::getExistingDirectory(this, tr("Save Run Into Folder"));
        if (!target.isEmpty())
            saveRun(m_runList->item(row, kRunName)->data(Qt::UserRole).toInt(), target);
    });
    connect(m_runList, &QTableWidget::currentCellChanged, this, [this](int row) {
        const RunRecord* run
            = row >= 0 ? m_session->run(m_runList->item(row, kRunName)->data(Qt::UserRole).toInt()) : nullptr;
        m_saveRunButton->setEnabled(run && run->finished && !run->folder.isEmpty());
    });

    connect(m_startButton, &QPushButton::clicked, this, &TrainingDock::start);
    connect(m_pauseButton, &QPushButton::clicked, this, &TrainingDock::pauseOrResume);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainingDock::stop);
    connect(m_runList, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        emit runActivated(m_runList->item(row, kRunName)->data(Qt::UserRole).toInt());
    });
    return box;
}

void TrainingDock::showGeneratorOptions()
{
    while (m_optionsForm->rowCount() > 0)
        m_optionsForm->removeRow(0);
    m_optionEditors.clear();
    const QString name = m_source->currentData().toString();
    const bool file = name == kFileSource;
    // The row with its "File" label: hiding the field alone would leave the label standing.
    if (auto* form = qobject_cast<QFormLayout*>(m_fileRow->parentWidget()->layout()))
        form->setRowVisible(m_fileRow, file);
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
        QWidget* editor = nullptr;
        switch (o.type) {
        case ParamType::Int: {
            auto* spin = new QSpinBox;
            spin->setRange(static_cast<int>(std::max(o.minValue, -kIntLimit)),
                static_cast<int>(std::min(o.maxValue, kIntLimit)));
            spin->setValue(o.defaultValue.get<int>());
            editor = spin;
            break;
        }
        case ParamType::Float: {
            auto* spin = new QDoubleSpinBox;
            spin->setDecimals(4);
            spin->setRange(std::max(o.minValue, -kIntLimit), std::min(o.maxValue, kIntLimit));
            spin->setValue(o.defaultValue.get<double>());
            spin->setSingleStep(std::abs(o.defaultValue.get<double>()) > 0
                    ? std::abs(o.defaultValue.get<double>()) / 10
                    : 0.1);
            editor = spin;
            break;
        }
        case ParamType::Bool: {
            auto* check = new QCheckBox;
            check->setChecked(o.defaultValue.get<bool>());
            editor = check;
            break;
        }
        case ParamType::Choice: {
            auto* combo = new QComboBox;
            for (const std::string& c : o.choices)
                combo->addItem(QString::fromStdString(c));
            combo->setCurrentText(QString::fromStdString(o.defaultValue.get<std::string>()));
            editor = combo;
            break;
        }
        case ParamType::Text:
        default:
            editor = new QLineEdit(QString::fromStdString(o.defaultValue.get<std::string>()));
            break;
        }
        const QString optionName = QString::fromStdString(o.name);
        editor->setObjectName("option_" + optionName);
        editor->setToolTip(QString::fromStdString(o.help + " [" + o.describeDefault() + "]"));
        m_optionsForm->addRow(optionName, editor);
        m_optionEditors[optionName] = editor;
    }
}

void TrainingDock::chooseFile()
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
        showError(QString::fromStdString(e.what()));
    }
}

void TrainingDock::suggestGenerator()
{
    if (mode() == Mode::Gan)
        return;
    // The exercise templates are named after their data: shapes_cnn trains on shapes.
    const QString model = QString::fromStdString(m_model->graph().name());
    // The GAN tutorial's networks train as a pair, in GAN mode.
    if (model.startsWith("calo_gan")) {
        setMode(Mode::Gan);
        return;
    }
    for (const GeneratorInfo& g : m_generators) {
        const QString name = QString::fromStdString(g.name);
        if (!model.isEmpty() && model.startsWith(name, Qt::CaseInsensitive)) {
            setGenerator(name);
            return;
        }
    }
}

void TrainingDock::setGenerator(const QString& name)
{
    const int index = m_source->findData(name);
    if (index >= 0)
        m_source->setCurrentIndex(index);
}

QString TrainingDock::generator() const
{
    return m_source->currentData().toString();
}

void TrainingDock::setGeneratorOption(const QString& name, const QVariant& value)
{
    auto it = m_optionEditors.find(name);
    if (it == m_optionEditors.end())
        return;
    if (auto* spin = qobject_cast<QSpinBox*>(it->second))
        spin->setValue(value.toInt());
    else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(it->second))
        dspin->setValue(value.toDouble());
    else if (auto* check = qobject_cast<QCheckBox*>(it->second))
        check->setChecked(value.toBool());
    else if (auto* combo = qobject_cast<QComboBox*>(it->second))
        combo->setCurrentText(value.toString());
    else if (auto* edit = qobject_cast<QLineEdit*>(it->second))
        edit->setText(value.toString());
}

void TrainingDock::setEvents(int events)
{
    m_events->setValue(events);
}

void TrainingDock::setFile(
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

void TrainingDock::setEpochs(int epochs)
{
    m_epochs->setValue(epochs);
}

void TrainingDock::setBatchSize(int batchSize)
{
    m_batchSize->setValue(batchSize);
}

void TrainingDock::setLearningRate(double lr)
{
    m_learningRate->setValue(lr);
}

void TrainingDock::setOptimizer(const QString& name)
{
    m_optimizer->setCurrentText(name);
}

void TrainingDock::setValidationSplit(double fraction)
{
    m_validationSplit->setValue(fraction);
}

void TrainingDock::setTestSplit(double fraction)
{
    m_testSplit->setValue(fraction);
}

void TrainingDock::setEarlyStopping(bool on, int patience)
{
    m_earlyStopping->setChecked(on);
    m_patience->setValue(patience);
}

void TrainingDock::setSeed(int seed)
{
    m_seed->setValue(seed);
}

QStringList TrainingDock::devices() const
{
    QStringList out;
    for (int i = 0; i < m_device->count(); ++i)
        out << m_device->itemData(i).toString();
    return out;
}

DataSource TrainingDock::dataChoice() const
{
    DataSource choice;
    if (m_source->currentData().toString() == kFileSource) {
        choice.kind = DataSource::Kind::File;
        choice.path = m_filePath.toStdString();
        choice.featuresPath = m_featuresPath.toStdString();
        choice.targetsPath = m_targetsPath.toStdString();
        if (!m_task.isEmpty())
            choice.task = parseTask(m_task.toStdString());
        return choice;
    }
    choice.generator = m_source->currentData().toString().toStdString();
    choice.events = m_events->value();
    choice.seed = static_cast<std::uint64_t>(m_dataSeed->value());
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [name, editor] : m_optionEditors) {
        const std::string key = name.toStdString();
        if (auto* spin = qobject_cast<QSpinBox*>(editor))
            options[key] = spin->value();
        else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(editor))
            options[key] = dspin->value();
        else if (auto* check = qobject_cast<QCheckBox*>(editor))
            options[key] = check->isChecked();
        else if (auto* combo = qobject_cast<QComboBox*>(editor))
            options[key] = combo->currentText().toStdString();
        else if (auto* edit = qobject_cast<QLineEdit*>(editor))
            options[key] = edit->text().toStdString();
    }
    choice.options = options;
    return choice;
}

TrainConfig TrainingDock::trainConfig() const
{
    TrainConfig c;
    c.optimizer.name = m_optimizer->currentText().toStdString();
    c.optimizer.learningRate = m_learningRate->value();
    c.batchSize = m_batchSize->value();
    c.epochs = m_epochs->value();
    c.validationSplit = m_validationSplit->value();
    c.testSplit = m_testSplit->value();
    c.earlyStopping.enabled = m_earlyStopping->isChecked();
    c.earlyStopping.patience = m_patience->value();
    if (c.validationSplit <= 0)
        c.earlyStopping.monitor = "loss";
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    c.device = m_device->currentData().toString().toStdString();
    c.validate();
    return c;
}

bool TrainingDock::start()
{
    if (m_session->isRunning())
        return false;
    if (mode() == Mode::Gan)
        return startGan();
    const GraphAnalysis& analysis = m_model->analysis();
    if (!analysis.ok()) {
        showError(tr("The model has %n problem(s); the Problems panel lists them. First: %1", nullptr,
            static_cast<int>(analysis.issues.size()))
                      .arg(QString::fromStdString(analysis.issues.front().message)));
        return false;
    }
    if (m_source->currentData().toString() == kFileSource && m_filePath.isEmpty()) {
        showError(tr("Choose a dataset file first, or pick a generator as the source."));
        return false;
    }
    try {
        const TrainConfig config = trainConfig();
        m_statusLabel->setStyleSheet({});
        m_progress->setRange(0, 0);
        m_progressLabel->setText(tr("Preparing…"));
        return m_session->start(m_model->graph(), dataChoice(), config);
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

bool TrainingDock::startGan()
{
    if (m_source->currentData().toString() == kFileSource && m_filePath.isEmpty()) {
        showError(tr("Choose a dataset file of real samples first, or pick a generator as the source."));
        return false;
    }
    try {
        const ModelGraph generator = m_ganSettings->generator(m_model->graph());
        const ModelGraph discriminator = m_ganSettings->discriminator(m_model->graph());
        for (const auto& [graph, role] : { std::pair { &generator, tr("generator") },
                 std::pair { &discriminator, tr("discriminator") } }) {
            const std::vector<GraphIssue> issues = graph->validate();
            if (!issues.empty()) {
                const int count = static_cast<int>(issues.size());
                showError(tr("The %1 '%2' has %n problem(s). First: %3", nullptr, count)
                              .arg(role, QString::fromStdString(graph->name()),
                                  QString::fromStdString(issues.front().message)));
                return false;
            }
        }
        const GanConfig config = m_ganSettings->config();
        m_statusLabel->setStyleSheet({});
        m_progress->setRange(0, 0);
        m_progressLabel->setText(tr("Preparing…"));
        return m_session->startGan(generator, discriminator, dataChoice(), config);
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

void TrainingDock::pauseOrResume()
{
    if (m_session->state() == TrainingSession::State::Paused)
        m_session->resume();
    else
        m_session->pause();
}

void TrainingDock::stop()
{
    m_session->stop();
}

bool TrainingDock::openRun(const QString& folder)
{
    try {
        m_session->addRun(readRunRecord(folder));
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

bool TrainingDock::saveRun(int runId, const QString& target)
{
    const RunRecord* run = m_session->run(runId);
    if (!run || run->folder.isEmpty()) {
        showError(
            tr("This run has no folder to save: runs are kept on disk only when the window keeps a runs "
               "folder."));
        return false;
    }
    try {
        RunFolder::copy(run->folder.toStdString(), target.toStdString());
        emit message(tr("%1 saved to %2.").arg(run->name, QDir::toNativeSeparators(target)), false);
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

void TrainingDock::updateButtons()
{
    const auto state = m_session->state();
    const bool running = m_session->isRunning();
    m_startButton->setEnabled(!running);
    m_pauseButton->setEnabled(running && state != TrainingSession::State::Stopping);
    m_pauseButton->setText(state == TrainingSession::State::Paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setToolTip(state == TrainingSession::State::Paused
            ? tr("Go on training")
            : tr("Hold training after the current batch"));
    m_stopButton->setEnabled(running && state != TrainingSession::State::Stopping);
    if (state == TrainingSession::State::Paused)
        m_statusLabel->setText(tr("Paused."));
    else if (state == TrainingSession::State::Stopping)
        m_statusLabel->setText(tr("Stopping after the current batch…"));
}

void TrainingDock::onStarted(int runId, const TrainStart& start)
{
    m_start = start;
    m_clock.start();
    m_lastRate = 0;
    const std::int64_t total
        = static_cast<std::int64_t>(start.epochs - start.firstEpoch + 1) * start.batchesPerEpoch;
    m_progress->setRange(0, static_cast<int>(std::min<std::int64_t>(total, std::numeric_limits<int>::max())));
    m_progress->setValue(0);
    m_progressLabel->setText(
        tr("Epoch %1 of %2 starting: %3 training and %4 validation samples, %5 parameters")
            .arg(start.firstEpoch)
            .arg(start.epochs)
            .arg(start.trainSamples)
            .arg(start.validationSamples)
            .arg(start.parameters));
    emit message(tr("Run %1 started on %2.").arg(runId).arg(QString::fromStdString(start.device)), false);
}

void TrainingDock::onBatch(int, const BatchStats& stats)
{
    const std::int64_t done
        = static_cast<std::int64_t>(stats.epoch - m_start.firstEpoch) * stats.batches + stats.batch;
    m_progress->setValue(static_cast<int>(std::min<std::int64_t>(done, m_progress->maximum())));
    const double fraction = m_progress->maximum() > 0 ? static_cast<double>(done) / m_progress->maximum() : 0;
    const double elapsed = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0;
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : NAN;
    m_lastRate = stats.samplesPerSecond;
    m_progressLabel->setText(tr("Epoch %1/%2, batch %3/%4 · loss %5 · %6 samples/s · %7 left")
                                 .arg(stats.epoch)
                                 .arg(stats.epochs)
                                 .arg(stats.batch)
                                 .arg(stats.batches)
                                 .arg(stats.meanLoss, 0, 'g', 3)
                                 .arg(std::lround(stats.samplesPerSecond))
                                 .arg(duration(eta)));
}

void TrainingDock::onEpoch(int, const EpochStats& stats)
{
    const std::int64_t done
        = static_cast<std::int64_t>(stats.epoch - m_start.firstEpoch + 1) * m_start.batchesPerEpoch;
    m_progress->setValue(static_cast<int>(std::min<std::int64_t>(done, m_progress->maximum())));
    QStringList parts;
    for (const char* name :
        { "loss", "val_loss", "accuracy", "val_accuracy", "auc", "val_auc", "mae", "val_mae", "d_loss",
            "g_loss", "energy_chi2_ndf" }) {
        auto it = stats.metrics.find(name);
        if (it != stats.metrics.end())
            parts << QStringLiteral("%1 %2").arg(name).arg(it->second, 0, 'g', 3);
    }
    const double elapsed = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0;
    const double fraction = m_progress->maximum() > 0 ? static_cast<double>(done) / m_progress->maximum() : 0;
    m_progressLabel->setText(tr("Epoch %1/%2 done: %3 · %4 samples/s · %5 left")
                                 .arg(stats.epoch)
                                 .arg(stats.epochs)
                                 .arg(parts.join(", "))
                                 .arg(std::lround(stats.samplesPerSecond))
                                 .arg(duration(fraction > 0 ? elapsed * (1 - fraction) / fraction : NAN)));
}

void TrainingDock::onFinished(const RunRecord& run)
{
    updateRunRow(run);
    m_progress->setRange(0, std::max(1, m_progress->maximum()));
    const bool failed = run.summary.reason == StopReason::Failed;
    if (failed)
        showError(QString::fromStdString(run.summary.message));
    else
        m_statusLabel->setText(tr("%1 %2 in %3.").arg(run.name, outcome(run), duration(run.summary.seconds)));
    m_progressLabel->setText(failed ? tr("Failed.") : tr("Finished."));
    emit message(tr("%1: %2").arg(run.name, outcome(run)), failed);
}

void TrainingDock::addRunRow(const RunRecord& run)
{
    const int row = m_runList->rowCount();
    m_runList->insertRow(row);
    for (int c = 0; c < kRunColumns; ++c)
        m_runList->setItem(row, c, new QTableWidgetItem);
    m_runList->item(row, kRunName)->setData(Qt::UserRole, run.id);
    updateRunRow(run);
    m_runList->scrollToBottom();
}

void TrainingDock::updateRunRow(const RunRecord& run)
{
    for (int row = 0; row < m_runList->rowCount(); ++row) {
        if (m_runList->item(row, kRunName)->data(Qt::UserRole).toInt() != run.id)
            continue;
        m_runList->item(row, kRunName)->setText(run.name);
        m_runList->item(row, kRunModel)->setText(run.modelName);
        m_runList->item(row, kRunData)->setText(run.dataName);
        m_runList->item(row, kRunSettings)->setText(run.settingsText());
        m_runList->item(row, kRunResult)->setText(run.finished ? outcome(run) : tr("training…"));
        m_runList->item(row, kRunResult)->setToolTip(m_runList->item(row, kRunResult)->text());
        if (!run.folder.isEmpty())
            m_runList->item(row, kRunName)->setToolTip(QDir::toNativeSeparators(run.folder));
        m_runList->resizeColumnsToContents();
        return;
    }
}

void TrainingDock::showError(const QString& text)
{
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet("color: #b00020;");
    m_progressLabel->setText(tr("Not started."));
    emit message(text, true);
}

} // namespace neurino
