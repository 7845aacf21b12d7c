#pragma once

#include "core/run/ClusterJob.h"
#include "widgets/editor/LogDock.h"

#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QWidget;

namespace neurino {

class ClusterJobDialog;
class TrainingWorkspace;

// Train ▸ Run on a Cluster… and File ▸ Open Run Folder…: the model on the canvas with the training panel's
// data and settings written as a SLURM job folder (see writeClusterJob) that `sbatch` submits as it is, and
// a run folder (one that came back from the cluster, or any `neurino-batch train` wrote) opened in the
// training views like a run of this window. Folders are chosen by `FolderChooser` and the job's fields in a
// ClusterJobDialog shown by `DialogRunner` (the file dialog and exec() unless a test sets others); errors go
// to errorOccurred.
class ClusterJobActions : public QObject {
    Q_OBJECT

public:
    // The folder chosen under `title`, or empty when cancelled.
    using FolderChooser = std::function<QString(const QString& title)>;
    // Shows the dialog; true when the user accepted it.
    using DialogRunner = std::function<bool(ClusterJobDialog& dialog)>;

    ClusterJobActions(TrainingWorkspace* training, QWidget* dialogParent);

    QAction* runOnClusterAction() const { return m_runOnCluster; }
    QAction* openRunFolderAction() const { return m_openRunFolder; }
    void setFolderChooser(FolderChooser chooser) { m_chooser = std::move(chooser); }
    void setDialogRunner(DialogRunner runner) { m_runner = std::move(runner); }

    // Each returns false after telling what went wrong.
    bool writeJob(const QString& folder, const ClusterJobOptions& options);
    bool openRunFolder(const QString& folder);

signals:
    void message(const QString& text, LogDock::Level level);
    void errorOccurred(const QString& title, const QString& text);

private:
    void runOnCluster();

    TrainingWorkspace* m_training;
    QWidget* m_dialogParent;
    FolderChooser m_chooser;
    DialogRunner m_runner;
    QAction* m_runOnCluster;
    QAction* m_openRunFolder;
};

} // namespace neurino
