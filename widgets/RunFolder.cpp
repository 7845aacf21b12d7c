#include "widgets/RunFolder.h"

#include <QDir>
#include <QFileInfo>

namespace neurino {

RunRecord runRecord(const RunFolder& folder)
{
    RunRecord run;
    const QDir dir(QString::fromStdString(folder.dir));
    run.folder = dir.absolutePath();
    run.name = dir.dirName();
    run.modelName = QString::fromStdString(folder.modelName);
    run.dataName = QFileInfo(QString::fromStdString(folder.data)).fileName();
    if (folder.kind == RunKind::Gan)
        run.setGanConfig(folder.gan);
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
