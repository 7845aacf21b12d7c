#include "widgets/training/GanSettings.h"

#include "widgets/session/TrainingData.h"

#include "core/graph/ModelJson.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>

#include <algorithm>
#include <cstring>
#include <limits>

namespace neurino {

namespace {

constexpr const char* kCanvas = "canvas";
constexpr const char* kTemplatePrefix = "template:";
constexpr const char* kFilePrefix = "file:";
constexpr const char* kModelSuffix = ".neurino.json";

QStringList templateNames()
{
    QStringList names;
    const QDir dir(QString::fromStdString(resourceDir()) + "/models");
    for (const QString& file : dir.entryList({ QString("*") + kModelSuffix }, QDir::Files, QDir::Name))
        names << file.left(file.size() - static_cast<int>(std::char_traits<char>::length(kModelSuffix)));
    return names;
}

// Selects the entry of `box` whose data is `value`; leaves it as it is when there is none.
void selectData(QComboBox* box, const QString& value)
{
    const int index = box->findData(value);
    if (index >= 0)
        box->setCurrentIndex(index);
}

QDoubleSpinBox* rateBox(const QString& objectName)
{
    auto* box = new QDoubleSpinBox;
    box->setObjectName(objectName);
    box->setDecimals(6);
    box->setRange(1e-6, 10);
    box->setSingleStep(1e-5);
    return box;
}

} // namespace

GanSettings::GanSettings(QWidget* parent)
    : QGroupBox(tr("GAN"), parent)
{
    setObjectName("ganSettings");
    const GanConfig defaults;
    auto* form = new QFormLayout(this);
    addNetworkRows(form);
    addOptimizerRows(form, defaults);
    addAdversarialRows(form, defaults);
    addRunRows(form, defaults);
}

// Which generator and discriminator, and the loss they play by.
void GanSettings::addNetworkRows(QFormLayout* form)
{
    m_generator = networkChoice("ganGenerator", kGeneratorTemplate);
    m_generator->setToolTip(
        tr("The network that turns latent noise into samples; its output shape must be the "
           "data's sample shape"));
    form->addRow(tr("Generator"), m_generator);
    m_discriminator = networkChoice("ganDiscriminator", kDiscriminatorTemplate);
    m_discriminator->setToolTip(
        tr("The network that tells real samples from generated ones; it ends in one value per sample"));
    form->addRow(tr("Discriminator"), m_discriminator);

    m_loss = new QComboBox;
    m_loss->setObjectName("ganLoss");
    m_loss->addItem(tr("bce (the tutorial's)"), "bce");
    m_loss->addItem(tr("wgan-gp"), "wgan-gp");
    m_loss->setToolTip(tr("bce: binary cross-entropy, the generator maximising log D. wgan-gp: Wasserstein "
                          "loss with gradient penalty, steadier; its discriminator ends without a sigmoid"));
    form->addRow(tr("Loss"), m_loss);
}

// The optimizer, both learning rates and their decay, the batch size and the epochs.
void GanSettings::addOptimizerRows(QFormLayout* form, const GanConfig& defaults)
{
    m_optimizer = new QComboBox;
    m_optimizer->setObjectName("ganOptimizer");
    for (const std::string& name : optimizerNames())
        m_optimizer->addItem(QString::fromStdString(name));
    m_optimizer->setCurrentText(QString::fromStdString(defaults.generatorOptimizer.name));
    m_optimizer->setToolTip(tr("The optimizer of both networks (the tutorial uses RMSprop)"));
    form->addRow(tr("Optimizer"), m_optimizer);

    m_lrGenerator = rateBox("ganLrGenerator");
    m_lrGenerator->setValue(defaults.generatorOptimizer.learningRate);
    m_lrDiscriminator = rateBox("ganLrDiscriminator");
    m_lrDiscriminator->setValue(defaults.discriminatorOptimizer.learningRate);
    auto* rates = new QWidget;
    auto* ratesLayout = new QHBoxLayout(rates);
    ratesLayout->setContentsMargins(0, 0, 0, 0);
    ratesLayout->addWidget(new QLabel(tr("G")));
    ratesLayout->addWidget(m_lrGenerator, 1);
    ratesLayout->addWidget(new QLabel(tr("D")));
    ratesLayout->addWidget(m_lrDiscriminator, 1);
    rates->setToolTip(tr("Learning rates of the generator (G) and the discriminator (D)"));
    form->addRow(tr("Learning rates"), rates);

    m_decay = new QComboBox;
    m_decay->setObjectName("ganDecay");
    m_decay->addItem(tr("constant"), "none");
    m_decay->addItem(tr("cosine to a tenth"), "cosine");
    selectData(m_decay, QString::fromStdString(defaults.schedule.kind));
    m_decay->setToolTip(
        tr("Both learning rates fall along a cosine to a tenth of the smaller one by the last "
           "epoch, so that the networks settle instead of chasing each other"));
    form->addRow(tr("Rate decay"), m_decay);

    m_batchSize = new QSpinBox;
    m_batchSize->setObjectName("ganBatchSize");
    m_batchSize->setRange(2, 1 << 20);
    m_batchSize->setValue(static_cast<int>(defaults.batchSize));
    m_batchSize->setToolTip(tr("Real samples per step (the tutorial uses up to 1000)"));
    form->addRow(tr("Batch size"), m_batchSize);

    m_epochs = new QSpinBox;
    m_epochs->setObjectName("ganEpochs");
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(defaults.epochs);
    form->addRow(tr("Epochs"), m_epochs);
}

// What keeps the game balanced: label flipping, the latent scale, the physics term, the epoch kept.
void GanSettings::addAdversarialRows(QFormLayout* form, const GanConfig& defaults)
{
    m_labelFlip = new QDoubleSpinBox;
    m_labelFlip->setObjectName("ganLabelFlip");
    m_labelFlip->setRange(0, 0.5);
    m_labelFlip->setSingleStep(0.01);
    m_labelFlip->setValue(defaults.labelFlip);
    m_labelFlip->setToolTip(
        tr("Fraction of the discriminator's labels swapped (real called generated and back), so that it "
           "does not win too soon (bce only)"));
    form->addRow(tr("Label flip"), m_labelFlip);

    m_latentLow = new QDoubleSpinBox;
    m_latentLow->setObjectName("ganLatentLow");
    m_latentHigh = new QDoubleSpinBox;
    m_latentHigh->setObjectName("ganLatentHigh");
    for (QDoubleSpinBox* box : { m_latentLow, m_latentHigh }) {
        box->setRange(0.01, 100);
        box->setSingleStep(0.5);
    }
    m_latentLow->setValue(defaults.latentScaleLow);
    m_latentHigh->setValue(defaults.latentScaleHigh);
    auto* latent = new QWidget;
    auto* latentLayout = new QHBoxLayout(latent);
    latentLayout->setContentsMargins(0, 0, 0, 0);
    latentLayout->addWidget(new QLabel(tr("U(")));
    latentLayout->addWidget(m_latentLow, 1);
    latentLayout->addWidget(new QLabel(tr(",")));
    latentLayout->addWidget(m_latentHigh, 1);
    latentLayout->addWidget(new QLabel(tr(")")));
    latent->setToolTip(
        tr("Each event's latent noise N(0, 1) is multiplied by a number drawn from U(low, high), "
           "as in the tutorial; 1 and 1 switch the scaling off"));
    form->addRow(tr("Latent scale"), latent);

    m_physics = new QDoubleSpinBox;
    m_physics->setObjectName("ganPhysics");
    m_physics->setRange(0, 1000);
    m_physics->setSingleStep(1);
    m_physics->setValue(defaults.physicsWeight);
    m_physics->setSpecialValueText(tr("off"));
    m_physics->setToolTip(
        tr("Weight of a physics term in the generator's loss, for images: how far the energy sums of a "
           "generated batch lie from a real batch's (the 1-D Wasserstein distance) plus the difference of "
           "their average profiles, relative to the mean energy. Off: the generator learns from the "
           "discriminator alone"));
    form->addRow(tr("Physics term"), m_physics);

    m_keepBest = new QComboBox;
    m_keepBest->setObjectName("ganKeepBest");
    m_keepBest->addItem(tr("the last epoch"), QString());
    m_keepBest->addItem(tr("best energy chi2/NDF"), "energy_chi2_ndf");
    m_keepBest->addItem(tr("best profiles"), "profile_deviation");
    selectData(m_keepBest, QString::fromStdString(defaults.keepBest));
    m_keepBest->setToolTip(tr("Which networks to keep when training ends: GANs do not converge to one "
                              "answer, so keep the epoch whose showers compared best with the real ones "
                              "(calorimeter images only)"));
    form->addRow(tr("Keep"), m_keepBest);
}

// The seed, the device and the CPU threads.
void GanSettings::addRunRows(QFormLayout* form, const GanConfig& defaults)
{
    m_seed = new QSpinBox;
    m_seed->setObjectName("ganSeed");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(static_cast<int>(defaults.seed));
    m_seed->setToolTip(tr("Seeds both networks' weights, the noise and the shuffling: same seed, same run"));
    form->addRow(tr("Seed"), m_seed);

    m_device = new QComboBox;
    m_device->setObjectName("ganDevice");
    for (const std::string& d : availableDevices())
        m_device->addItem(
            d == "cpu" ? tr("CPU") : QString::fromStdString(d).toUpper(), QString::fromStdString(d));
    m_device->setCurrentIndex(m_device->count() > 1 ? 1 : 0);
    m_device->setToolTip(m_device->count() > 1
            ? tr("Where both networks train")
            : tr("LibTorch sees no CUDA GPU here, so training runs on the CPU"));
    form->addRow(tr("Device"), m_device);

    m_threads = new QSpinBox;
    m_threads->setObjectName("ganThreads");
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("auto"));
    m_threads->setValue(defaults.threads);
    m_threads->setToolTip(tr("CPU threads for training; auto times a few steps of both networks at each "
                             "count when training starts and keeps the fastest"));
    form->addRow(tr("CPU threads"), m_threads);
}

QComboBox* GanSettings::networkChoice(const QString& objectName, const QString& defaultTemplate)
{
    auto* box = new QComboBox;
    box->setObjectName(objectName);
    for (const QString& name : templateNames())
        box->addItem(name, kTemplatePrefix + name);
    box->insertSeparator(box->count());
    box->addItem(tr("the model on the canvas"), kCanvas);
    box->addItem(tr("a file…"), kFilePrefix);
    setSource(box, kTemplatePrefix + defaultTemplate);
    connect(box, &QComboBox::activated, this, [this, box](int index) {
        if (box->itemData(index).toString() == kFilePrefix)
            chooseFile(box);
        else
            box->setProperty("lastIndex", index);
    });
    return box;
}

void GanSettings::setSource(QComboBox* box, const QString& source)
{
    int index = box->findData(source);
    if (index < 0 && source.startsWith(kFilePrefix)
        && source.size() > static_cast<int>(strlen(kFilePrefix))) {
        const QString path = source.mid(static_cast<int>(strlen(kFilePrefix)));
        index = box->count() - 1; // before "a file…"
        box->insertItem(index, QFileInfo(path).fileName(), source);
        box->setItemData(index, QDir::toNativeSeparators(path), Qt::ToolTipRole);
    }
    if (index >= 0) {
        box->setCurrentIndex(index);
        box->setProperty("lastIndex", index);
    }
}

void GanSettings::chooseFile(QComboBox* box)
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose a Network"), {}, tr("Neurino models (*.neurino.json *.json);;All files (*)"));
    if (path.isEmpty())
        box->setCurrentIndex(box->property("lastIndex").toInt());
    else
        setSource(box, kFilePrefix + path);
}

ModelGraph GanSettings::graphOf(const QComboBox* box, const ModelGraph& canvas)
{
    const QString source = box->currentData().toString();
    if (source == kCanvas)
        return canvas;
    if (source.startsWith(kTemplatePrefix))
        return loadModel(templatePath(source.mid(static_cast<int>(strlen(kTemplatePrefix))).toStdString()));
    return loadModel(source.mid(static_cast<int>(strlen(kFilePrefix))).toStdString());
}

void GanSettings::setGeneratorSource(const QString& source)
{
    setSource(m_generator, source);
}

void GanSettings::setDiscriminatorSource(const QString& source)
{
    setSource(m_discriminator, source);
}

QString GanSettings::generatorSource() const
{
    return m_generator->currentData().toString();
}

QString GanSettings::discriminatorSource() const
{
    return m_discriminator->currentData().toString();
}

ModelGraph GanSettings::generator(const ModelGraph& canvas) const
{
    return graphOf(m_generator, canvas);
}

ModelGraph GanSettings::discriminator(const ModelGraph& canvas) const
{
    return graphOf(m_discriminator, canvas);
}

void GanSettings::setEpochs(int epochs)
{
    m_epochs->setValue(epochs);
}

void GanSettings::setBatchSize(int batchSize)
{
    m_batchSize->setValue(batchSize);
}

void GanSettings::setLearningRates(double generator, double discriminator)
{
    m_lrGenerator->setValue(generator);
    m_lrDiscriminator->setValue(discriminator);
}

void GanSettings::setLoss(const QString& loss)
{
    selectData(m_loss, loss);
}

void GanSettings::setLabelFlip(double fraction)
{
    m_labelFlip->setValue(fraction);
}

void GanSettings::setLatentScale(double low, double high)
{
    m_latentLow->setValue(low);
    m_latentHigh->setValue(high);
}

void GanSettings::setPhysicsWeight(double weight)
{
    m_physics->setValue(weight);
}

void GanSettings::setDecay(const QString& kind)
{
    selectData(m_decay, kind);
}

void GanSettings::setKeepBest(const QString& metric)
{
    selectData(m_keepBest, metric);
}

void GanSettings::setSeed(int seed)
{
    m_seed->setValue(seed);
}

void GanSettings::setThreads(int threads)
{
    m_threads->setValue(threads);
}

GanConfig GanSettings::config() const
{
    GanConfig c;
    c.loss = m_loss->currentData().toString().toStdString();
    c.epochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    c.generatorOptimizer.name = c.discriminatorOptimizer.name = m_optimizer->currentText().toStdString();
    c.generatorOptimizer.learningRate = m_lrGenerator->value();
    c.discriminatorOptimizer.learningRate = m_lrDiscriminator->value();
    c.labelFlip = m_labelFlip->value();
    c.latentScaleLow = m_latentLow->value();
    c.latentScaleHigh = m_latentHigh->value();
    c.physicsWeight = m_physics->value();
    c.schedule.kind = m_decay->currentData().toString().toStdString();
    c.schedule.minLearningRate
        = 0.1 * std::min(c.generatorOptimizer.learningRate, c.discriminatorOptimizer.learningRate);
    c.keepBest = m_keepBest->currentData().toString().toStdString();
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    c.device = m_device->currentData().toString().toStdString();
    c.threads = m_threads->value();
    c.validate();
    return c;
}

} // namespace neurino
