#pragma once

#include "widgets/session/TrainingData.h"
#include "widgets/session/RunScheduler.h"

#include <QDockWidget>
#include <QElapsedTimer>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace neurino {

class GanSettings;
class RunListPanel;
class GraphModel;

// Trains the model on the canvas: the data (a catalog generator with its options, or an HDF5 file whose
// datasets the user maps), the split, optimizer, learning rate, batch size, epochs, early stopping, seed
// and device; Start, Pause/Resume, Stop; progress with samples per second and the time left; and the
// session's run list with each run's settings and final metrics. In GAN mode it trains a generator against
// a discriminator instead (GanSettings), on the same data choices, with the same controls.
class TrainingDock : public QDockWidget {
    Q_OBJECT

public:
    enum class Mode { Classifier, Gan };

    TrainingDock(GraphModel* model, RunScheduler* session, QWidget* parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const;
    GanSettings* ganSettings() const { return m_ganSettings; }

    // The form, for tests, screenshots and exercises.
    void setGenerator(const QString& name);
    QString generator() const;
    void setGeneratorOption(const QString& name, const QVariant& value);
    void setEvents(int events);
    // Trains on an HDF5 file with these dataset paths (as the mapping dialog would set them).
    void setFile(
        const QString& path, const QString& features, const QString& targets, const QString& task = {});
    void setEpochs(int epochs);
    void setBatchSize(int batchSize);
    void setLearningRate(double lr);
    void setOptimizer(const QString& name);
    void setValidationSplit(double fraction);
    void setTestSplit(double fraction);
    void setEarlyStopping(bool on, int patience = 5);
    void setSeed(int seed);
    QStringList devices() const;

    DataSource dataChoice() const;
    // Throws TrainError for settings core refuses.
    TrainConfig trainConfig() const;

    // The canvas's model, the data choice and the training settings as one run spec. Throws TrainError.
    RunSpec runSpec() const;
    // Writes runSpec() to `path` (for neurino-batch train --spec); false with the reason shown.
    bool saveSpec(const QString& path);
    // Starts a run of the canvas's model, or queues it behind the running one; false (with the reason
    // shown) when the model or the settings do not allow a run.
    bool start();
    void pauseOrResume();
    void stop();
    // Adds a run folder (as neurino-batch train writes) to the run list; false with the reason shown.
    bool openRun(const QString& folder);
    // Copies the selected run's folder elsewhere; false with the reason shown.
    bool saveRun(int runId, const QString& target);

    QPushButton* startButton() const { return m_startButton; }
    QPushButton* pauseButton() const { return m_pauseButton; }
    QPushButton* stopButton() const { return m_stopButton; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* progressLabel() const { return m_progressLabel; }
    QTableView* runList() const;
    RunListPanel* runListPanel() const { return m_runList; }

signals:
    // Something for the log: a run started, ended or failed.
    void message(const QString& text, bool error);
    // A run in the list was double-clicked: show its results.
    void runActivated(int runId);

private:
    QWidget* createModeRow();
    bool startGan();
    QWidget* createDataGroup();
    QWidget* createTrainingGroup();
    QWidget* createControls();
    void showGeneratorOptions();
    void chooseFile();
    void suggestGenerator();
    void queued(int runId);
    void updateButtons();
    void onStarted(int runId, const TrainStart& start);
    void onBatch(int runId, const BatchStats& stats);
    void onEpoch(int runId, const EpochStats& stats);
    void onFinished(const RunRecord& run);
    void showError(const QString& text);

    GraphModel* m_model;
    RunScheduler* m_session;
    std::vector<GeneratorInfo> m_generators;

    QComboBox* m_mode = nullptr;
    QWidget* m_trainingGroup = nullptr;
    GanSettings* m_ganSettings = nullptr;
    QComboBox* m_source = nullptr;
    QGroupBox* m_optionsBox = nullptr;
    QFormLayout* m_optionsForm = nullptr;
    std::map<QString, QWidget*> m_optionEditors;
    QSpinBox* m_events = nullptr;
    QSpinBox* m_dataSeed = nullptr;
    QWidget* m_fileRow = nullptr;
    QLabel* m_fileLabel = nullptr;
    QString m_filePath, m_featuresPath, m_targetsPath, m_task;

    QComboBox* m_optimizer = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QSpinBox* m_epochs = nullptr;
    QDoubleSpinBox* m_validationSplit = nullptr;
    QDoubleSpinBox* m_testSplit = nullptr;
    QCheckBox* m_earlyStopping = nullptr;
    QSpinBox* m_patience = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_device = nullptr;

    QPushButton* m_startButton = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_progressLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    RunListPanel* m_runList = nullptr;
    int m_currentRun = 0; // the run the progress shows

    TrainStart m_start;
    QElapsedTimer m_clock;
    double m_lastRate = 0;
};

} // namespace neurino
