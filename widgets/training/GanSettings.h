#pragma once

#include "core/gan/GanConfig.h"
#include "core/graph/ModelGraph.h"

#include <QGroupBox>

class QComboBox;
class QFormLayout;
class QDoubleSpinBox;
class QSpinBox;

namespace neurino {

// The GAN part of the training dock: which networks play generator and discriminator (a template, the
// model on the canvas, or a file; the calorimeter tutorial's by default) and how they are trained
// (loss, optimizer, both learning rates with their decay, batch size, epochs, label flipping, latent
// scaling, the physics term, which epoch to keep, seed, device, CPU threads), with GanConfig's defaults,
// which are the tutorial's.
class GanSettings : public QGroupBox {
    Q_OBJECT

public:
    // The templates the tutorial trains.
    static constexpr const char* kGeneratorTemplate = "calo_gan_generator";
    static constexpr const char* kDiscriminatorTemplate = "calo_gan_discriminator";

    explicit GanSettings(QWidget* parent = nullptr);

    // A network's source: "template:NAME", "canvas" or "file:PATH".
    void setGeneratorSource(const QString& source);
    void setDiscriminatorSource(const QString& source);
    QString generatorSource() const;
    QString discriminatorSource() const;
    // The chosen networks; `canvas` is the model on the canvas. Throws IoError or ModelError for a file
    // or template that cannot be read.
    ModelGraph generator(const ModelGraph& canvas) const;
    ModelGraph discriminator(const ModelGraph& canvas) const;

    void setEpochs(int epochs);
    void setBatchSize(int batchSize);
    void setLearningRates(double generator, double discriminator);
    void setLoss(const QString& loss);
    void setLabelFlip(double fraction);
    void setLatentScale(double low, double high);
    void setPhysicsWeight(double weight);
    // "none" or "cosine" (down to a tenth of each rate by the last epoch).
    void setDecay(const QString& kind);
    // The epoch metric whose best epoch is kept ("energy_chi2_ndf", "profile_deviation"); empty: the last.
    void setKeepBest(const QString& metric);
    void setSeed(int seed);
    // CPU threads of the run; 0: auto, the fastest count timed when training starts.
    void setThreads(int threads);
    // Throws TrainError for settings core refuses.
    GanConfig config() const;

private:
    void addNetworkRows(QFormLayout* form);
    void addOptimizerRows(QFormLayout* form, const GanConfig& defaults);
    void addAdversarialRows(QFormLayout* form, const GanConfig& defaults);
    void addRunRows(QFormLayout* form, const GanConfig& defaults);
    QComboBox* networkChoice(const QString& objectName, const QString& defaultTemplate);
    void setSource(QComboBox* box, const QString& source);
    void chooseFile(QComboBox* box);
    static ModelGraph graphOf(const QComboBox* box, const ModelGraph& canvas);

    QComboBox* m_generator = nullptr;
    QComboBox* m_discriminator = nullptr;
    QComboBox* m_loss = nullptr;
    QComboBox* m_optimizer = nullptr;
    QDoubleSpinBox* m_lrGenerator = nullptr;
    QDoubleSpinBox* m_lrDiscriminator = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QSpinBox* m_epochs = nullptr;
    QDoubleSpinBox* m_labelFlip = nullptr;
    QDoubleSpinBox* m_latentLow = nullptr;
    QDoubleSpinBox* m_latentHigh = nullptr;
    QDoubleSpinBox* m_physics = nullptr;
    QComboBox* m_decay = nullptr;
    QComboBox* m_keepBest = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_threads = nullptr;
};

} // namespace neurino
