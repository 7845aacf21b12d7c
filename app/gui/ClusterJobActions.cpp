// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/run/RunSpec.h"
#include "core/util/Error.h"

#include "app/gui/ClusterJobActions.h"

#include "app/gui/ClusterJobDialog.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QRegularExpression>
#include <QSettings>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// A SLURM job name from the model's: letters, digits, '_', '.', '-'.
std::string jobNameFor(const std::string& model)
{
    QString name = qs(model).replace(QRegularExpression("[^A-Za-z0-9_.-]+"), "-");
    return name.isEmpty() ? std::string("neurino-train") : "neurino-" + name.toStdString();
}

QString deviceText(const std::string& device)
{
    return device == "cpu" ? QObject::tr("cpu (auto, to use them, when GPUs are asked for below)")
                           : qs(device);
}

QString summaryOf(const RunSpec& spec)
{
    const TrainConfig& t = spec.training;
    return QObject::tr("Trains <b>%1</b> on %2: %3, learning rate %4, global batch %5 (split between the "
                       "tasks), %6 epochs, seed %7, device %8.")
        .arg(qs(spec.model.name()).toHtmlEscaped(), qs(spec.data.describe()).toHtmlEscaped(),
            qs(t.optimizer.name))
        .arg(t.optimizer.learningRate)
        .arg(t.batchSize)
        .arg(t.epochs)
        .arg(t.seed)
        .arg(deviceText(t.device));
}

QString summaryOf(const GanRunSpec& spec)
{
    const GanConfig& g = spec.gan;
    return QObject::tr("Trains the GAN <b>%1</b> against <b>%2</b> on %3: %4 loss, learning rates %5 and %6, "
                       "global batch %7 (split between the tasks), %8 epochs, seed %9, device %10.")
        .arg(qs(spec.generator.name()).toHtmlEscaped(), qs(spec.discriminator.name()).toHtmlEscaped(),
            qs(spec.data.describe()).toHtmlEscaped(), qs(g.loss))
        .arg(g.generatorOptimizer.learningRate)
        .arg(g.discriminatorOptimizer.learningRate)
        .arg(g.batchSize)
        .arg(g.epochs)
        .arg(g.seed)
        .arg(deviceText(g.device));
}

} // namespace

ClusterJobActions::ClusterJobActions(TrainingWorkspace* training, QWidget* dialogParent)
    : QObject(training)
    , m_training(training)
    , m_dialogParent(dialogParent)
    , m_chooser([this](const QString& title) {
        const QString dir = QFileDialog::getExistingDirectory(
            m_dialogParent, title, QSettings().value("lastDirectory", QDir::homePath()).toString());
        if (!dir.isEmpty())
            QSettings().setValue("lastDirectory", dir);
        return dir;
    })
    , m_runner([](ClusterJobDialog& dialog) { return dialog.exec() == QDialog::Accepted; })
    , m_runOnCluster(new QAction(tr("Run on a &Cluster…"), this))
    , m_openRunFolder(new QAction(tr("Open &Run Folder…"), this))
{
    m_runOnCluster->setObjectName("runOnClusterAction");
    m_runOnCluster->setStatusTip(tr("Write this model with the training panel's data and settings as a SLURM "
                                    "job to submit on a cluster"));
    m_openRunFolder->setObjectName("openRunFolderAction");
    m_openRunFolder->setStatusTip(tr("Show a run folder (from neurino-batch train or a cluster) in the "
                                     "training views"));
    connect(m_runOnCluster, &QAction::triggered, this, &ClusterJobActions::runOnCluster);
    connect(m_openRunFolder, &QAction::triggered, this, [this] {
        const QString folder = m_chooser(tr("Open Run Folder"));
        if (!folder.isEmpty())
            openRunFolder(folder);
    });
}

void ClusterJobActions::runOnCluster()
{
    TrainingDock* dock = m_training->dock();
    const bool gan = dock->mode() == TrainingDock::Mode::Gan;
    QString summary;
    std::string model;
    DataSource data;
    try {
        if (gan) {
            const GanRunSpec spec = dock->ganRunSpec();
            summary = summaryOf(spec);
            model = spec.generator.name();
            data = spec.data;
        } else {
            const RunSpec spec = dock->runSpec();
            summary = summaryOf(spec);
            model = spec.model.name();
            data = spec.data;
        }
    } catch (const Error& e) {
        emit errorOccurred(tr("Run on a Cluster"), qs(e.what()));
        return;
    }
    ClusterJobDialog dialog(
        summary, data.kind == DataSource::Kind::File,
        [this] { return m_chooser(tr("Folder for the Cluster Job")); }, m_dialogParent);
    ClusterJobOptions defaults;
    defaults.jobName = jobNameFor(model);
    dialog.setOptions(defaults);
    if (m_runner(dialog))
        writeJob(dialog.folder(), dialog.options());
}

bool ClusterJobActions::writeJob(const QString& folder, const ClusterJobOptions& options)
{
    const QDir dir(folder);
    if (dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)) {
        emit errorOccurred(tr("Run on a Cluster"),
            tr("%1 is not empty; choose a new or empty folder for the job.")
                .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    TrainingDock* dock = m_training->dock();
    const bool gan = dock->mode() == TrainingDock::Mode::Gan;
    try {
        if (gan)
            writeClusterJob(dock->ganRunSpec(), folder.toStdString(), options);
        else
            writeClusterJob(dock->runSpec(), folder.toStdString(), options);
    } catch (const Error& e) {
        emit errorOccurred(tr("Run on a Cluster"), qs(e.what()));
        return false;
    }
    emit message(tr("Cluster job written to %1 (%2%3, %4; README.txt says how to submit it). On the "
                    "cluster: cd %5 && sbatch %4")
                     .arg(QDir::toNativeSeparators(folder), gan ? QString() : qs(kClusterModelFile) + ", ",
                         qs(kClusterSpecFile), qs(kClusterScriptFile), dir.dirName()),
        LogDock::Level::Info);
    return true;
}

bool ClusterJobActions::openRunFolder(const QString& folder)
{
    if (!m_training->dock()->openRun(folder))
        return false; // the run list has said why
    RunScheduler* scheduler = m_training->scheduler();
    m_training->showTraining();
    if (!scheduler->runs().empty()) {
        m_training->area()->showEvaluation(scheduler->runs().back());
        m_training->areaDock()->show();
        m_training->areaDock()->raise();
    }
    emit message(tr("Opened the run folder %1.").arg(QDir::toNativeSeparators(folder)), LogDock::Level::Info);
    return true;
}

} // namespace neurino
