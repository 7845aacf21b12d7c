#pragma once

#include "core/train/TrainConfig.h"

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QSpinBox;

namespace neurino {

// How a run trains: optimizer, learning rate, batch size, epochs, the validation and test parts, early
// stopping, the seed and the device.
class TrainConfigForm : public QGroupBox {
    Q_OBJECT

public:
    // The property that names a setting's editor by its key in the training config schema
    // ("optimizer.learning_rate"), for help on the setting (F1).
    static constexpr const char* kSettingProperty = "neurinoSetting";

    explicit TrainConfigForm(QWidget* parent = nullptr);

    void setEpochs(int epochs);
    void setBatchSize(int batchSize);
    void setLearningRate(double lr);
    void setOptimizer(const QString& name);
    void setValidationSplit(double fraction);
    void setTestSplit(double fraction);
    void setEarlyStopping(bool on, int patience = 5);
    void setSeed(int seed);
    // The devices offered: "cpu", and "cuda" when LibTorch sees a GPU.
    QStringList devices() const;

    // Throws TrainError for settings core refuses.
    TrainConfig trainConfig() const;

private:
    void createOptimizerRows(QFormLayout* form);
    void createSplitRows(QFormLayout* form);
    void createStopRow(QFormLayout* form);
    void createSeedAndDeviceRows(QFormLayout* form);

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
};

} // namespace neurino
