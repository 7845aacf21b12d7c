#pragma once

#include "widgets/session/RunScheduler.h"

#include <QDockWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace neurino {

class DataSourceForm;
class GanSettings;
class RunListPanel;
class RunProgressPanel;
class TrainConfigForm;
class GraphModel;
struct GanRunSpec;

// Trains the model on the canvas: the data (DataSourceForm: a catalog generator with its options, or an
// HDF5 file whose datasets the user maps), the settings (TrainConfigForm: split, optimizer, learning rate,
// batch size, epochs, early stopping, seed and device); Start, Pause/Resume, Stop; the progress
// (RunProgressPanel); and the session's run list (RunListPanel). In GAN mode it trains a generator against
// a discriminator instead (GanSettings), on the same data choices, with the same controls.
class TrainingDock : public QDockWidget {
    Q_OBJECT

public:
    enum class Mode { Classifier, Gan };

    TrainingDock(GraphModel* model, RunScheduler* session, QWidget* parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const;
    GanSettings* ganSettings() const { return m_ganSettings; }
    DataSourceForm* dataForm() const { return m_data; }
    TrainConfigForm* configForm() const { return m_config; }

    // The forms' settings (DataSourceForm, TrainConfigForm), for tests, screenshots and exercises.
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

    // The file whose weights the canvas's model came with (an imported Keras or ONNX model, an opened
    // checkpoint), offered as the run's starting point ("Start from the weights of …", on by default);
    // empty: none, the box is hidden.
    void setStartWeights(const QString& path);
    // The file a run would start from: empty when there is none or the box is off.
    QString startWeights() const;
    QCheckBox* startWeightsBox() const { return m_startWeights; }

    DataSource dataChoice() const;
    // Throws TrainError for settings core refuses.
    TrainConfig trainConfig() const;

    // The canvas's model, the data choice, the training settings and the starting weights as one run spec.
    // Throws TrainError.
    RunSpec runSpec() const;
    // In GAN mode: the generator and discriminator GanSettings makes of the canvas's model, the data choice
    // and the GAN settings as one GAN run spec. Throws ModelError (a network with problems), TrainError.
    GanRunSpec ganRunSpec() const;
    // Writes runSpec() (in GAN mode ganRunSpec()) to `path`, for neurino-batch train --spec (gan train
    // --spec); false with the reason shown.
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
    QProgressBar* progressBar() const;
    QLabel* progressLabel() const;
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
    QWidget* createControls();
    void suggestGenerator();
    void queued(int runId);
    void updateButtons();
    void showError(const QString& text);

    GraphModel* m_model;
    RunScheduler* m_session;

    QComboBox* m_mode = nullptr;
    DataSourceForm* m_data = nullptr;
    TrainConfigForm* m_config = nullptr;
    GanSettings* m_ganSettings = nullptr;
    QCheckBox* m_startWeights = nullptr;
    QString m_startWeightsFile;

    QPushButton* m_startButton = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    RunProgressPanel* m_progressPanel = nullptr;
    RunListPanel* m_runList = nullptr;
};

} // namespace neurino
