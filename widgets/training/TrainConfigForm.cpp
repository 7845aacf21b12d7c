#include "widgets/training/TrainConfigForm.h"

#include "widgets/session/TrainingData.h"

#include "core/util/Seed.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QSpinBox>

#include <limits>
#include <utility>

namespace neurino {

TrainConfigForm::TrainConfigForm(QWidget* parent)
    : QGroupBox(tr("Training"), parent)
{
    auto* form = new QFormLayout(this);
    createOptimizerRows(form);
    createSplitRows(form);
    createStopRow(form);
    createSeedAndDeviceRows(form);
    const std::pair<QWidget*, const char*> keys[] = { { m_optimizer, "optimizer.name" },
        { m_learningRate, "optimizer.learning_rate" }, { m_batchSize, "batch_size" }, { m_epochs, "epochs" },
        { m_validationSplit, "validation_split" }, { m_testSplit, "test_split" },
        { m_earlyStopping, "early_stopping.enabled" }, { m_patience, "early_stopping.patience" },
        { m_seed, "seed" }, { m_device, "device" } };
    for (const auto& [editor, key] : keys)
        editor->setProperty(kSettingProperty, QString::fromLatin1(key));
}

void TrainConfigForm::createOptimizerRows(QFormLayout* form)
{
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
}

void TrainConfigForm::createSplitRows(QFormLayout* form)
{
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
}

void TrainConfigForm::createStopRow(QFormLayout* form)
{
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
}

void TrainConfigForm::createSeedAndDeviceRows(QFormLayout* form)
{
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
}

void TrainConfigForm::setEpochs(int epochs)
{
    m_epochs->setValue(epochs);
}

void TrainConfigForm::setBatchSize(int batchSize)
{
    m_batchSize->setValue(batchSize);
}

void TrainConfigForm::setLearningRate(double lr)
{
    m_learningRate->setValue(lr);
}

void TrainConfigForm::setOptimizer(const QString& name)
{
    m_optimizer->setCurrentText(name);
}

void TrainConfigForm::setValidationSplit(double fraction)
{
    m_validationSplit->setValue(fraction);
}

void TrainConfigForm::setTestSplit(double fraction)
{
    m_testSplit->setValue(fraction);
}

void TrainConfigForm::setEarlyStopping(bool on, int patience)
{
    m_earlyStopping->setChecked(on);
    m_patience->setValue(patience);
}

void TrainConfigForm::setSeed(int seed)
{
    m_seed->setValue(seed);
}

QStringList TrainConfigForm::devices() const
{
    QStringList out;
    for (int i = 0; i < m_device->count(); ++i)
        out << m_device->itemData(i).toString();
    return out;
}

TrainConfig TrainConfigForm::trainConfig() const
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

} // namespace neurino
