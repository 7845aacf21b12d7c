// Train ▸ Run on a Cluster… and File ▸ Open Run Folder… in the window, triggered as the menus do with the
// folder and fields a user would choose: the job folder holds the model, a run spec that the batch CLI's
// reader takes back, the data, and an sbatch script that bash parses and that runs the command; the run
// the spec trains (as the job would, in its folder) opens in the training views.
// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/data/DatasetFile.h"
#include "core/graph/ModelJson.h"
#include "core/run/ClusterJob.h"
#include "core/run/Run.h"
#include "core/run/RunSpec.h"
#include "core/util/AtomicFile.h"

#include "app/gui/ClusterJobActions.h"
#include "app/gui/ClusterJobDialog.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/TrainingWorkspace.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/DataSourceForm.h"
#include "widgets/training/TrainingDock.h"

#include "tests/TestMain.h"
#include "tests/TestSupport.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace neurino;

namespace {

MainWindow::Options clusterJobQuiet()
{
    MainWindow::Options options;
    options.interactive = false;
    options.restoreSettings = false;
    options.autosave = false;
    return options;
}

QMenu* clusterJobMenu(MainWindow& window, const QString& title)
{
    for (QAction* a : window.menuBar()->actions())
        if (a->menu() && a->text().remove('&') == title)
            return a->menu();
    return nullptr;
}

// 400 seeded XOR points, the xor_mlp lesson model's data.
void clusterJobWriteXor(const QString& path)
{
    torch::manual_seed(11);
    Dataset xor_;
    xor_.features = torch::rand({ 400, 2 }) * 2 - 1;
    xor_.targets = ((xor_.features.select(1, 0) > 0) ^ (xor_.features.select(1, 1) > 0)).to(torch::kInt64);
    xor_.info.task = Task::Binary;
    xor_.info.classNames = { "same", "different" };
    writeDataset(path.toStdString(), xor_);
}

} // namespace

class TestClusterJobActions : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("NeurinoTest");
        QCoreApplication::setApplicationName("NeurinoTest");
        QVERIFY(m_dir.isValid());
        clusterJobWriteXor(m_dir.filePath("xor.h5"));
    }

    void init() { QSettings().clear(); }

    void menusHoldTheActions()
    {
        MainWindow window(clusterJobQuiet());
        QVERIFY(clusterJobMenu(window, "File")
                    ->actions()
                    .contains(window.clusterJobActions()->openRunFolderAction()));
        QVERIFY(clusterJobMenu(window, "Train")
                    ->actions()
                    .contains(window.clusterJobActions()->runOnClusterAction()));
        QCOMPARE(window.clusterJobActions()->runOnClusterAction()->text().remove('&'),
            QString("Run on a Cluster…"));
        QCOMPARE(window.clusterJobActions()->openRunFolderAction()->text().remove('&'),
            QString("Open Run Folder…"));
    }

    // The job written through the action and its dialog (the folder from Choose…, the SLURM fields filled
    // in), trained as the job trains, and its run folder opened through File ▸ Open Run Folder….
    void writesAJobAndOpensItsRun()
    {
        MainWindow window(clusterJobQuiet());
        QVERIFY(window.document()->newFromTemplate("xor_mlp"));
        TrainingDock* dock = window.trainingWorkspace()->dock();
        dock->dataForm()->setFile(m_dir.filePath("xor.h5"), "features", "targets");
        const RunSpec panel = dock->runSpec();

        const QString job = m_dir.filePath("job");
        ClusterJobActions* actions = window.clusterJobActions();
        QStringList asked;
        QString chosen = job;
        actions->setFolderChooser([&](const QString& title) {
            asked << title;
            return chosen;
        });
        bool shown = false;
        actions->setDialogRunner([&](ClusterJobDialog& dialog) {
            shown = true;
            QTest::mouseClick(dialog.chooseButton(), Qt::LeftButton);
            ClusterJobOptions o = dialog.options();
            o.nodes = 2;
            o.tasksPerNode = 4;
            o.gpusPerNode = 4;
            o.time = "12:00:00";
            o.partition = "gpu";
            dialog.setOptions(o);
            if (!qEnvironmentVariableIsEmpty("NEURINO_CLUSTER_DIALOG_PNG")) {
                dialog.resize(dialog.sizeHint());
                dialog.grab().save(qEnvironmentVariable("NEURINO_CLUSTER_DIALOG_PNG"));
            }
            return true;
        });
        QSignalSpy errors(actions, &ClusterJobActions::errorOccurred);
        actions->runOnClusterAction()->trigger();
        QVERIFY(shown);
        QCOMPARE(errors.count(), 0);
        QCOMPARE(asked.size(), 1);

        // The spec, read back by the reader `neurino-batch train --spec` uses: the panel's settings, the data
        // copied beside it.
        const RunSpec spec = RunSpec::load((job + "/run.json").toStdString());
        TrainConfig expected = panel.training;
        QCOMPARE(expected.device, std::string("cpu"));
        expected.device = "auto"; // GPUs were asked for
        QCOMPARE(spec.training.toJson().dump(), expected.toJson().dump());
        QCOMPARE(spec.data.path, std::string("data/xor.h5"));
        QVERIFY(QFile::exists(job + "/data/xor.h5"));
        QCOMPARE(modelToJson(loadModel((job + "/model.neurino.json").toStdString())).dump(),
            modelToJson(panel.model).dump());
        const QString script = QString::fromStdString(readTextFile((job + "/train.sbatch").toStdString()));
        for (const QString& line : { QString::fromStdString(clusterTrainCommand()),
                 QString("#SBATCH --nodes=2"), QString("#SBATCH --ntasks-per-node=4"),
                 QString("#SBATCH --gres=gpu:4"), QString("#SBATCH --time=12:00:00"),
                 QString("#SBATCH --partition=gpu"), QString("#SBATCH --job-name=neurino-xor_mlp") })
            QVERIFY2(script.contains(line + "\n"), qPrintable(line + " is not in\n" + script));
        QVERIFY2(!script.contains("higgs_deep"), "the template's own command was left in");
        QProcess bash;
        bash.start("bash", { "-n", job + "/train.sbatch" });
        QVERIFY(bash.waitForFinished());
        QVERIFY2(bash.exitCode() == 0, bash.readAllStandardError().constData());
        QVERIFY(QString::fromStdString(readTextFile((job + "/README.txt").toStdString()))
                    .contains("cd job && sbatch train.sbatch"));

        // What each task runs, in the job's folder: the spec with the model file, into run-<job id>.
        const QString previous = QDir::currentPath();
        QVERIFY(QDir::setCurrent(job));
        RunSpec trained = RunSpec::load("run.json");
        trained.model = loadModel("model.neurino.json");
        trained.training.epochs = 2;
        Run run(trained);
        run.keepFolder((job + "/run-1").toStdString());
        run.execute();
        QVERIFY(QDir::setCurrent(previous));

        chosen = job + "/run-1";
        actions->openRunFolderAction()->trigger();
        QCOMPARE(errors.count(), 0);
        const RunRecord& opened = window.trainingWorkspace()->scheduler()->runs().back();
        QCOMPARE(QDir(opened.folder).canonicalPath(), QDir(chosen).canonicalPath());
        QCOMPARE(opened.epochs.size(), std::size_t(2));
        QVERIFY(opened.finished);
        QVERIFY(!window.trainingWorkspace()->areaDock()->isHidden());
    }

    // In GAN mode the job is a GAN run spec with both networks, and what each task runs on it (gan train
    // --spec, in the job's folder) trains the GAN.
    void writesAGanJob()
    {
        MainWindow window(clusterJobQuiet());
        QVERIFY(window.document()->newFromTemplate("calo_gan_generator"));
        TrainingDock* dock = window.trainingWorkspace()->dock();
        dock->setMode(TrainingDock::Mode::Gan);
        dock->setEvents(64);
        const GanRunSpec panel = dock->ganRunSpec();
        const QString job = m_dir.filePath("gan-job");
        ClusterJobActions* actions = window.clusterJobActions();
        QSignalSpy errors(actions, &ClusterJobActions::errorOccurred);
        QVERIFY(actions->writeJob(job, ClusterJobOptions()));
        QCOMPARE(errors.count(), 0);
        QCOMPARE(GanRunSpec::load((job + "/run.json").toStdString()).toJson().dump(), panel.toJson().dump());
        QVERIFY(!QFile::exists(job + "/model.neurino.json"));
        const QString script = QString::fromStdString(readTextFile((job + "/train.sbatch").toStdString()));
        QCOMPARE(script.count(QString::fromStdString(clusterGanTrainCommand())), 1);

        const test::ProcessResult r = test::runProcess(NEURINO_BATCH_EXE,
            { "gan", "train", "--spec", job + "/run.json", "--out", job + "/run-1", "--epochs", "1",
                "--batch-size", "32", "--validation-showers", "32" },
            {}, 300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(QFile::exists(job + "/run-1/generator.h5"));
    }

    // A folder that holds files already and a time limit SLURM would not take are refused, saying so;
    // cancelling the dialog writes nothing.
    void refusesWhatSlurmWouldNot()
    {
        MainWindow window(clusterJobQuiet());
        QVERIFY(window.document()->newFromTemplate("xor_mlp"));
        ClusterJobActions* actions = window.clusterJobActions();
        QSignalSpy errors(actions, &ClusterJobActions::errorOccurred);
        const QString full = m_dir.filePath("full");
        QVERIFY(QDir().mkpath(full));
        writeTextFileAtomically((full + "/notes.txt").toStdString(), "mine\n");
        QVERIFY(!actions->writeJob(full, ClusterJobOptions()));
        QVERIFY(errors.takeFirst().at(1).toString().contains("not empty"));

        ClusterJobOptions late;
        late.time = "4h";
        QVERIFY(!actions->writeJob(m_dir.filePath("late"), late));
        QVERIFY(errors.takeFirst().at(1).toString().contains("'4h' is not [D-]HH:MM:SS"));
        QVERIFY(!QFile::exists(m_dir.filePath("late/run.json")));

        actions->setFolderChooser([&](const QString&) { return m_dir.filePath("cancelled"); });
        actions->setDialogRunner([](ClusterJobDialog&) { return false; });
        actions->runOnClusterAction()->trigger();
        QVERIFY(!QFile::exists(m_dir.filePath("cancelled")));
        QCOMPARE(errors.count(), 0);
    }

private:
    QTemporaryDir m_dir;
};

NEURINO_TEST_MAIN(TestClusterJobActions)
#include "TestClusterJobActions.moc"
