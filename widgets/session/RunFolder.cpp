#include "widgets/session/RunFolder.h"

#include <QDir>
#include <QFileInfo>

namespace neurino {

void setGanConfig(RunRecord& run, const GanConfig& config)
{
    run.gan = true;
    run.config.optimizer = config.discriminatorOptimizer;
    run.config.epochs = config.epochs;
    run.config.batchSize = config.batchSize;
    run.config.seed = config.seed;
    run.config.device = config.device;
    run.settings = QObject::tr("GAN %1, %2, lr G %3 / D %4, batch %5, %6 epochs, flip %7, seed %8")
                       .arg(QString::fromStdString(config.loss))
                       .arg(QString::fromStdString(config.generatorOptimizer.name))
                       .arg(config.generatorOptimizer.learningRate)
                       .arg(config.discriminatorOptimizer.learningRate)
                       .arg(config.batchSize)
                       .arg(config.epochs)
                       .arg(config.labelFlip)
                       .arg(config.seed);
}

RunRecord runRecord(const RunFolder& folder)
{
    RunRecord run;
    const QDir dir(QString::fromStdString(folder.dir));
    run.folder = dir.absolutePath();
    run.name = dir.dirName();
    run.modelName = QString::fromStdString(folder.modelName);
    run.dataName = QFileInfo(QString::fromStdString(folder.data)).fileName();
    if (folder.kind == RunKind::Gan)
        setGanConfig(run, folder.gan);
    else
        run.config = folder.training;
    run.start = folder.start;
    run.epochs = folder.epochs;
    run.summary = folder.summary;
    run.finished = true;
    return run;
}

RunRecord readRunRecord(const QString& folder)
{
    return runRecord(RunFolder::read(QDir::toNativeSeparators(folder).toStdString()));
}

} // namespace neurino
