#include "widgets/training/TrainingDock.h"

#include "widgets/editor/GraphModel.h"
#include "widgets/training/DataSourceForm.h"
#include "widgets/training/GanSettings.h"
#include "widgets/training/RunListPanel.h"
#include "widgets/training/RunProgressPanel.h"
#include "widgets/training/TrainConfigForm.h"

#include "core/run/GanRun.h"
#include "core/util/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace neurino {

TrainingDock::TrainingDock(GraphModel* model, RunScheduler* session, QWidget* parent)
    : QDockWidget(tr("Training"), parent)
    , m_model(model)
    , m_session(session)
{
    setObjectName("trainingDock");
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(createModeRow());
    m_data = new DataSourceForm;
    layout->addWidget(m_data);
    m_config = new TrainConfigForm;
    layout->addWidget(m_config);
    m_startWeights = new QCheckBox;
    m_startWeights->setObjectName("startWeights");
    m_startWeights->setVisible(false);
    layout->addWidget(m_startWeights);
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

    connect(m_session, &RunScheduler::stateChanged, this, &TrainingDock::updateButtons);
    connect(m_session, &RunScheduler::queueChanged, this, &TrainingDock::updateButtons);
    connect(m_model, &GraphModel::modelReset, this, &TrainingDock::suggestGenerator);
    connect(m_data, &DataSourceForm::error, this, &TrainingDock::showError);
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
        m_config->setVisible(!gan);
        m_startWeights->setVisible(!gan && !m_startWeightsFile.isEmpty());
        m_ganSettings->setVisible(gan);
        updateButtons();
        // The tutorial's GAN learns calorimeter showers; a file stays chosen.
        if (gan && !m_data->fileChosen() && generator() != "calorimeter")
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
    auto* specButton = new QPushButton(tr("Save Spec…"));
    specButton->setObjectName("saveSpecButton");
    specButton->setToolTip(tr("Save the model, the data and these settings as a run spec, to train the same "
                              "run headless: neurino-batch train --spec FILE --out FOLDER"));
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_pauseButton);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(specButton);
    layout->addLayout(buttons);
    connect(specButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Run Spec"), QStringLiteral("run.spec.json"), tr("Run specs (*.json)"));
        if (!path.isEmpty())
            saveSpec(path);
    });

    m_progressPanel = new RunProgressPanel(m_session, box);
    layout->addWidget(m_progressPanel);
    connect(m_progressPanel, &RunProgressPanel::message, this, &TrainingDock::message);

    m_runList = new RunListPanel(m_session, box);
    layout->addWidget(m_runList);
    connect(m_runList, &RunListPanel::runActivated, this, &TrainingDock::runActivated);
    connect(m_runList, &RunListPanel::message, this, [this](const QString& text, bool error) {
        if (error)
            showError(text);
        else
            emit message(text, false);
    });

    connect(m_startButton, &QPushButton::clicked, this, &TrainingDock::start);
    connect(m_pauseButton, &QPushButton::clicked, this, &TrainingDock::pauseOrResume);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainingDock::stop);
    return box;
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
    m_data->suggestFor(model);
}

void TrainingDock::setGenerator(const QString& name)
{
    m_data->setGenerator(name);
}

QString TrainingDock::generator() const
{
    return m_data->generator();
}

void TrainingDock::setGeneratorOption(const QString& name, const QVariant& value)
{
    m_data->setGeneratorOption(name, value);
}

void TrainingDock::setEvents(int events)
{
    m_data->setEvents(events);
}

void TrainingDock::setFile(
    const QString& path, const QString& features, const QString& targets, const QString& task)
{
    m_data->setFile(path, features, targets, task);
}

void TrainingDock::setEpochs(int epochs)
{
    m_config->setEpochs(epochs);
}

void TrainingDock::setBatchSize(int batchSize)
{
    m_config->setBatchSize(batchSize);
}

void TrainingDock::setLearningRate(double lr)
{
    m_config->setLearningRate(lr);
}

void TrainingDock::setOptimizer(const QString& name)
{
    m_config->setOptimizer(name);
}

void TrainingDock::setValidationSplit(double fraction)
{
    m_config->setValidationSplit(fraction);
}

void TrainingDock::setTestSplit(double fraction)
{
    m_config->setTestSplit(fraction);
}

void TrainingDock::setEarlyStopping(bool on, int patience)
{
    m_config->setEarlyStopping(on, patience);
}

void TrainingDock::setSeed(int seed)
{
    m_config->setSeed(seed);
}

QStringList TrainingDock::devices() const
{
    return m_config->devices();
}

DataSource TrainingDock::dataChoice() const
{
    return m_data->dataChoice();
}

TrainConfig TrainingDock::trainConfig() const
{
    return m_config->trainConfig();
}

bool TrainingDock::start()
{
    if (mode() == Mode::Gan)
        return startGan();
    const GraphAnalysis& analysis = m_model->analysis();
    if (!analysis.ok()) {
        showError(tr("The model has %n problem(s); the Problems panel lists them. First: %1", nullptr,
            static_cast<int>(analysis.issues.size()))
                      .arg(QString::fromStdString(analysis.issues.front().message)));
        return false;
    }
    if (m_data->fileMissing()) {
        showError(tr("Choose a dataset file first, or pick a generator as the source."));
        return false;
    }
    try {
        queued(m_session->start(runSpec()));
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

void TrainingDock::setStartWeights(const QString& path)
{
    m_startWeightsFile = path;
    m_startWeights->setText(tr("Start from the weights of %1").arg(QFileInfo(path).fileName()));
    m_startWeights->setToolTip(
        tr("The model came with weights from %1. On: each layer that still fits them starts from them "
           "(fine-tuning); off: every layer starts fresh.")
            .arg(QDir::toNativeSeparators(path)));
    m_startWeights->setChecked(true);
    m_startWeights->setVisible(!path.isEmpty() && mode() == Mode::Classifier);
}

QString TrainingDock::startWeights() const
{
    return m_startWeights->isChecked() ? m_startWeightsFile : QString();
}

RunSpec TrainingDock::runSpec() const
{
    RunSpec spec;
    spec.model = m_model->graph();
    spec.data = dataChoice();
    spec.training = trainConfig();
    spec.init = startWeights().toStdString();
    return spec;
}

GanRunSpec TrainingDock::ganRunSpec() const
{
    GanRunSpec spec;
    spec.generator = m_ganSettings->generator(m_model->graph());
    spec.discriminator = m_ganSettings->discriminator(m_model->graph());
    for (const ModelGraph* graph : { &spec.generator, &spec.discriminator }) {
        const std::vector<GraphIssue> issues = graph->validate();
        if (!issues.empty())
            throw ModelError("the network '" + graph->name() + "' has " + std::to_string(issues.size())
                + " problem(s); first: " + issues.front().message);
    }
    spec.data = dataChoice();
    spec.gan = m_ganSettings->config();
    return spec;
}

bool TrainingDock::saveSpec(const QString& path)
{
    try {
        const bool gan = mode() == Mode::Gan;
        if (gan)
            ganRunSpec().save(path.toStdString());
        else
            runSpec().save(path.toStdString());
        emit message(
            tr("Run spec saved to %1; train it headless with: neurino-batch %2 --spec %1 --out FOLDER")
                .arg(QDir::toNativeSeparators(path), gan ? "gan train" : "train"),
            false);
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

bool TrainingDock::startGan()
{
    if (m_data->fileMissing()) {
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
        queued(m_session->startGan(generator, discriminator, dataChoice(), m_ganSettings->config()));
        return true;
    } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

void TrainingDock::pauseOrResume()
{
    if (m_session->state() == RunScheduler::State::Paused)
        m_session->resume();
    else
        m_session->pause();
}

void TrainingDock::stop()
{
    m_session->stop();
}

QProgressBar* TrainingDock::progressBar() const
{
    return m_progressPanel->progressBar();
}

QLabel* TrainingDock::progressLabel() const
{
    return m_progressPanel->progressLabel();
}

QTableView* TrainingDock::runList() const
{
    return m_runList->view();
}

bool TrainingDock::openRun(const QString& folder)
{
    return m_runList->openRun(folder);
}

bool TrainingDock::saveRun(int runId, const QString& target)
{
    return m_runList->saveRun(runId, target);
}

// Run `runId` entered the queue: it starts now, or says what it waits for.
void TrainingDock::queued(int runId)
{
    const RunRecord* run = m_session->run(runId);
    if (run && run->queued)
        emit message(tr("%1 waits in the queue: %n run(s) or lesson step(s) before it.", nullptr,
                         static_cast<int>(m_session->queue().size()) - 1 + (m_session->isRunning() ? 1 : 0))
                         .arg(run->name),
            false);
}

void TrainingDock::updateButtons()
{
    const auto state = m_session->state();
    const bool running = m_session->isRunning();
    const int waiting = static_cast<int>(m_session->queue().size());
    m_startButton->setText(running ? tr("Queue") : tr("Start"));
    m_startButton->setToolTip(running
            ? tr("Queue a run with these settings: it starts when the current one ends (%n waiting)", nullptr,
                waiting)
            : mode() == Mode::Gan ? tr("Train the chosen generator against the chosen discriminator")
                                  : tr("Train the model on the canvas with these settings"));
    m_pauseButton->setEnabled(running && state != RunScheduler::State::Stopping);
    m_pauseButton->setText(state == RunScheduler::State::Paused ? tr("Resume") : tr("Pause"));
    m_pauseButton->setToolTip(state == RunScheduler::State::Paused
            ? tr("Go on training")
            : tr("Hold training after the current batch"));
    m_stopButton->setEnabled(running && state != RunScheduler::State::Stopping);
}

void TrainingDock::showError(const QString& text)
{
    m_progressPanel->showError(text);
}

} // namespace neurino
