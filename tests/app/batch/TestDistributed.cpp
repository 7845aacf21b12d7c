// neurino-batch launch: two ranks on the loopback interface (Gloo, one thread each) train as one process
// with the same global batch would; a killed rank fails the whole run promptly, naming itself.
#include "core/graph/ModelJson.h"
#include "core/train/Checkpoint.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cerrno>
#include <fstream>

#include <signal.h>

using namespace neurino;

namespace {

test::ProcessResult launchCli(const QStringList& args)
{
    return test::runProcess(QString(NEURINO_BATCH_EXE), args, {}, 120000);
}

#define LAUNCH_OK(result) QVERIFY2((result).exitCode == 0, qPrintable((result).out + (result).err))

// The largest difference between the two checkpoints' weights (every node's every parameter).
double maxWeightDifference(const Checkpoint& a, const Checkpoint& b)
{
    double largest = 0;
    for (const auto& [node, params] : a.weights)
        for (const auto& [name, tensor] : params)
            largest = std::max(largest, (tensor - b.weights.at(node).at(name)).abs().max().item<double>());
    return largest;
}

// The largest distance any weight moved from `start` to `end`.
double maxMovement(const Checkpoint& start, const Checkpoint& end)
{
    return maxWeightDifference(start, end);
}

std::vector<nlohmann::json> metricLines(const QString& run)
{
    std::ifstream in((run + "/metrics.jsonl").toStdString());
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(nlohmann::json::parse(line));
    return lines;
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;

    QString file(const QString& name) const { return m_dir.filePath(name); }

    QStringList trainArgs(const QString& model, const QString& out, int epochs = 2) const
    {
        return { "train", "--model", model, "--data", m_data, "--out", out, "--epochs",
            QString::number(epochs), "--batch-size", "512", "--seed", "7", "--threads", "1", "--quiet" };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // 4,000 seeded Higgs-like events: 3,200 to train on, six batches of 512 and a last one of 128.
        m_data = file("higgs.h5");
        LAUNCH_OK(launchCli(
            { "generate", "higgs", "--events", "4000", "--seed", "3", "--out", m_data, "--quiet" }));
        ModelGraph g;
        g.addNode("Input", { { "shape", { 28 } } }, "input");
        g.addNode("Dense", { { "units", 64 }, { "activation", "linear" } }, "dense");
        g.addNode("BatchNorm", nlohmann::json::object(), "norm");
        g.addNode("ReLU", nlohmann::json::object(), "relu");
        g.addNode("Dense", { { "units", 1 }, { "activation", "sigmoid" } }, "score");
        g.addNode("Output", nlohmann::json::object(), "output");
        g.connect("input", "dense");
        g.connect("dense", "norm");
        g.connect("norm", "relu");
        g.connect("relu", "score");
        g.connect("score", "output");
        saveModel(g, file("batchnorm.neurino.json").toStdString());
    }

    // Two ranks of 256 samples each end two epochs with the weights of one process taking batches of 512,
    // and write the same metrics. Without BatchNorm the gradients are the same sums in another order (float
    // rounding, 1e-5). With BatchNorm each rank normalises by its own half-batch's statistics (as PyTorch's
    // DDP does unless synced), so the gradients differ by the sampling noise of those statistics; the
    // difference must stay a small part of how far the second epoch moved them (a quarter; 0.12 measured).
    void twoRanksTrainAsOneProcess_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<double>("absolute");
        QTest::addColumn<double>("ofMovement");
        QTest::newRow("higgs shallow")
            << QString::fromStdString(test::templateFile("higgs_shallow")) << 1e-5 << 0.0;
        QTest::newRow("batchnorm") << file("batchnorm.neurino.json") << 0.0 << 0.25;
    }
    void twoRanksTrainAsOneProcess()
    {
        QFETCH(QString, model);
        QFETCH(double, absolute);
        QFETCH(double, ofMovement);
        const QString tag = QTest::currentDataTag();
        const QString alone = file(tag + "-alone"), ranks = file(tag + "-ranks");
        LAUNCH_OK(launchCli(trainArgs(model, alone)));
        LAUNCH_OK(
            launchCli(QStringList { "launch", "--nproc", "2", "--timeout", "60" } + trainArgs(model, ranks)));

        const Checkpoint one = loadCheckpoint((alone + "/checkpoint.h5").toStdString());
        const Checkpoint two = loadCheckpoint((ranks + "/checkpoint.h5").toStdString());
        QCOMPARE(two.epoch, 2);
        const double difference = maxWeightDifference(one, two);
        if (absolute > 0) {
            QVERIFY2(difference < absolute, qPrintable(QString("weights differ by %1").arg(difference)));
        } else {
            // How far the second epoch moved the weights of the run alone: from its first epoch's checkpoint,
            // which the run folder keeps as the previous one.
            const double moved
                = maxMovement(loadCheckpoint((alone + "/checkpoint.prev.h5").toStdString()), one);
            QVERIFY(moved > 0);
            QVERIFY2(difference < ofMovement * moved,
                qPrintable(QString("weights differ by %1; the second epoch moved them by %2")
                               .arg(difference)
                               .arg(moved)));
        }
        // The metrics mean the same: the loss over the epoch's global batches and the training AUC over all
        // of its samples.
        const auto a = metricLines(alone), b = metricLines(ranks);
        QCOMPARE(b.size(), a.size());
        const double tolerance = absolute > 0 ? 1e-5 : 1e-2;
        for (const char* key : { "loss", "auc", "val_loss", "val_auc" })
            QVERIFY2(
                std::abs(a.back().at(key).get<double>() - b.back().at(key).get<double>()) < tolerance, key);
        // Rank 0 alone wrote the run folder.
        QVERIFY(QFile::exists(ranks + "/best.h5"));
        QVERIFY(QFile::exists(ranks + "/summary.txt"));
    }

    // SIGKILL to rank 1 mid-run: launch stops rank 0, exits non-zero well within the collective timeout and
    // names the rank and the signal.
    void killedRankFailsTheRun()
    {
        const QString out = file("killed");
        QProcess launch;
        launch.start(QString(NEURINO_BATCH_EXE),
            QStringList { "launch", "--nproc", "2", "--timeout", "30" }
                + trainArgs(QString::fromStdString(test::templateFile("higgs_shallow")), out, 100000));
        QVERIFY(launch.waitForStarted());
        QElapsedTimer clock;
        clock.start();
        QString err;
        const QRegularExpression pidLine("rank (\\d) pid (\\d+)");
        std::map<int, qint64> pids;
        while (clock.elapsed() < 30000 && (pids.size() < 2 || metricLines(out).empty())) {
            launch.waitForReadyRead(100);
            err += launch.readAllStandardError();
            for (auto it = pidLine.globalMatch(err); it.hasNext();) {
                const auto match = it.next();
                pids[match.captured(1).toInt()] = match.captured(2).toLongLong();
            }
            QVERIFY2(launch.state() == QProcess::Running, qPrintable(err));
        }
        QCOMPARE(pids.size(), std::size_t(2));
        QVERIFY2(!metricLines(out).empty(), "the ranks trained no epoch in 30 s");
        clock.restart();
        QCOMPARE(::kill(static_cast<pid_t>(pids[1]), SIGKILL), 0);
        QVERIFY(launch.waitForFinished(30000));
        const qint64 took = clock.elapsed();
        err += launch.readAllStandardError();
        QCOMPARE(launch.exitStatus(), QProcess::NormalExit);
        QCOMPARE(launch.exitCode(), 1);
        QVERIFY2(err.contains("rank 1 of 2 was killed by signal 9"), qPrintable(err));
        QVERIFY2(took < 30000, qPrintable(QString("launch took %1 ms to end").arg(took)));
        qInfo("launch ended %lld ms after the kill", took);
        // Rank 0 is gone too (reaped by launch, so not even a zombie).
        QCOMPARE(::kill(static_cast<pid_t>(pids[0]), 0), -1);
        QCOMPARE(errno, ESRCH);
    }
};

NEURINO_TEST_MAIN(TestDistributed)
#include "TestDistributed.moc"
