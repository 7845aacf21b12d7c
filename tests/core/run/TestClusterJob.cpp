// writeClusterJob for a CPU partition and generated data: resources/slurm's template with the fields filled
// in (no GPUs asked for, no partition line), the spec as it was (the data made again on the cluster from its
// seed), and a clear refusal of fields SLURM would not take.
#include "core/graph/ModelJson.h"
#include "core/run/ClusterJob.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "tests/TestMain.h"
#include "tests/TestSupport.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

using namespace neurino;

namespace {

RunSpec clusterSpecXor()
{
    RunSpec spec;
    spec.name = "xor on the cluster";
    spec.model = loadModel(test::templateFile("xor_mlp"));
    spec.data = DataSource::fromGenerator("xor", nlohmann::json::object(), 500, 9);
    spec.training.epochs = 7;
    spec.training.batchSize = 64;
    return spec;
}

} // namespace

class TestClusterJob : public QObject {
    Q_OBJECT

private slots:
    void cpuPartitionAndGeneratedData()
    {
        QTemporaryDir dir;
        const std::string job = dir.filePath("cpu-job").toStdString();
        ClusterJobOptions options;
        options.jobName = "xor-cpu";
        options.nodes = 3;
        options.tasksPerNode = 2;
        options.cpusPerTask = 32;
        options.time = "1-00:00:00";
        const RunSpec spec = clusterSpecXor();
        writeClusterJob(spec, job, options);

        QCOMPARE(RunSpec::load(job + "/run.json").toJson().dump(), spec.toJson().dump());
        QVERIFY(!QFile::exists(QString::fromStdString(job + "/data")));
        const QString script = QString::fromStdString(readTextFile(job + "/train.sbatch"));
        for (const char* line : { "#SBATCH --job-name=xor-cpu\n", "#SBATCH --nodes=3\n",
                 "#SBATCH --ntasks-per-node=2\n", "#SBATCH --cpus-per-task=32\n",
                 "#SBATCH --time=1-00:00:00\n", "##SBATCH --gres=gpu:1\n", "RUN=run-$SLURM_JOB_ID\n" })
            QVERIFY2(script.contains(line), line);
        QVERIFY(!script.contains("--partition"));
        QVERIFY(!script.contains("\n#SBATCH --gres"));
        // The command once, as the last uncommented srun; the template's example gone.
        QCOMPARE(script.count(QString::fromStdString(clusterTrainCommand())), 1);
        QVERIFY(!script.contains("HIGGS.h5"));
        const QString readme = QString::fromStdString(readTextFile(job + "/README.txt"));
        QVERIFY(readme.contains("3 node(s) x 2 task(s), CPUs only, time limit 1-00:00:00"));
        QVERIFY(readme.contains("global batch 64"));
    }

    // A run that starts from imported weights takes them along: the job names the copy in its folder.
    void startingWeightsGoWithTheJob()
    {
        QTemporaryDir dir;
        const std::string weights = dir.filePath("imported.h5").toStdString();
        writeTextFileAtomically(weights, "the weights' bytes");
        RunSpec spec = clusterSpecXor();
        spec.init = weights;
        const std::string job = dir.filePath("tuned").toStdString();
        writeClusterJob(spec, job, ClusterJobOptions {});
        QCOMPARE(RunSpec::load(job + "/run.json").init, std::string("weights/imported.h5"));
        QCOMPARE(readTextFile(job + "/weights/imported.h5"), std::string("the weights' bytes"));
        QVERIFY(QString::fromStdString(readTextFile(job + "/README.txt")).contains("weights/"));
    }

    // A GAN job: one spec with both networks, the GAN command, no model file of its own.
    void ganJob()
    {
        QTemporaryDir dir;
        GanRunSpec spec;
        spec.name = "showers";
        spec.generator = loadModel(test::templateFile("calo_gan_generator"));
        spec.discriminator = loadModel(test::templateFile("calo_gan_discriminator"));
        spec.data = DataSource::fromGenerator("calorimeter", nlohmann::json::object(), 1000, 3);
        spec.gan.device = "cpu";
        ClusterJobOptions options;
        options.gpusPerNode = 2;
        const std::string job = dir.filePath("gan").toStdString();
        writeClusterJob(spec, job, options);
        GanRunSpec expected = spec;
        expected.gan.device = "auto"; // GPUs were asked for
        QCOMPARE(GanRunSpec::load(job + "/run.json").toJson().dump(), expected.toJson().dump());
        QVERIFY(!QFile::exists(QString::fromStdString(job + "/model.neurino.json")));
        const QString script = QString::fromStdString(readTextFile(job + "/train.sbatch"));
        QCOMPARE(script.count(QString::fromStdString(clusterGanTrainCommand())), 1);
        QVERIFY(script.contains("\n#SBATCH --gres=gpu:2\n"));
        const QString readme = QString::fromStdString(readTextFile(job + "/README.txt"));
        QVERIFY2(readme.contains("neurino-batch gan train --resume --out run-<job id>"), qPrintable(readme));
    }

    void fieldsSlurmWouldNotTake_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("time") << "time"
                              << "90 minutes"
                              << "'90 minutes' is not [D-]HH:MM:SS";
        QTest::newRow("partition") << "partition"
                                   << "gpu; rm -rf ~"
                                   << "may hold letters, digits";
        QTest::newRow("job name") << "jobName"
                                  << ""
                                  << "the job needs a name";
    }
    void fieldsSlurmWouldNotTake()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, message);
        ClusterJobOptions options;
        (field == "time"               ? options.time
                : field == "partition" ? options.partition
                                       : options.jobName)
            = value.toStdString();
        QTemporaryDir dir;
        try {
            writeClusterJob(clusterSpecXor(), dir.filePath("job").toStdString(), options);
            QFAIL("written");
        } catch (const TrainError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        QVERIFY(!QFile::exists(dir.filePath("job")));
    }
};

NEURINO_TEST_MAIN(TestClusterJob)
#include "TestClusterJob.moc"
