// neurino-batch sweep: a grid of four settings (learning rate x a layer's width) gives four run folders,
// trained as their specs say, and a ranking by the chosen metric in results.csv and on the terminal; a
// random search draws the same trials from the same seed, within the ranges given; --slurm writes a job
// array.
#include "core/graph/ModelJson.h"
#include "core/run/RunSpec.h"
#include "core/run/Sweep.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"
#include <QFile>
#include <QTemporaryDir>

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace neurino;

namespace {

test::ProcessResult sweepCli(const QStringList& args)
{
    return test::runProcess(QString(NEURINO_BATCH_EXE), args, {}, 120000);
}

#define SWEEP_OK(result) QVERIFY2((result).exitCode == 0, qPrintable((result).out + (result).err))

// The smallest val_loss over the epochs of a run's metrics.jsonl.
double bestValLoss(const QString& run)
{
    std::ifstream in((run + "/metrics.jsonl").toStdString());
    double best = 1e300;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            best = std::min(best, nlohmann::json::parse(line).at("val_loss").get<double>());
    return best;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_sweep;

    QString file(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString data = file("higgs.h5");
        SWEEP_OK(
            sweepCli({ "generate", "higgs", "--events", "2000", "--seed", "4", "--out", data, "--quiet" }));
        RunSpec base;
        base.model = loadModel(test::templateFile("higgs_shallow"));
        base.data = DataSource::fromFile(data.toStdString());
        base.training.epochs = 2;
        base.training.batchSize = 128;
        base.training.validationSplit = 0.25;
        base.training.threads = 1;
        base.training.seed = 9;
        base.save(file("base.json").toStdString());
        const nlohmann::json sweep
            = { { "format", "neurino-sweep" }, { "base", "base.json" }, { "search", "grid" },
                  { "parameters",
                      { { "training.optimizer.learning_rate", { 0.0003, 0.01 } },
                          { "model.dense_1.units", { 8, 32 } } } },
                  { "rank_by", "val_loss" } };
        m_sweep = file("sweep.json");
        std::ofstream(m_sweep.toStdString()) << sweep.dump(2);
    }

    void gridOfFourRanksFourRuns()
    {
        const QString out = file("grid");
        const auto result = sweepCli({ "sweep", "--spec", m_sweep, "--out", out });
        SWEEP_OK(result);
        QVERIFY2(result.out.contains("ranking by val_loss (lower is better)"), qPrintable(result.out));

        // Each run trained as its settings say: its checkpoint holds the width and learning rate it was
        // given.
        std::map<QString, double> best;
        for (int i = 0; i < 4; ++i) {
            const QString run = out + QString("/run-%1").arg(i, 3, 10, QChar('0'));
            const Checkpoint c = loadCheckpoint((run + "/checkpoint.h5").toStdString());
            QCOMPARE(c.epoch, 2);
            QCOMPARE(c.graph.node("dense_1").layer.params.at("units").get<int>(), i < 2 ? 8 : 32);
            QCOMPARE(c.config.optimizer.learningRate, i % 2 == 0 ? 0.0003 : 0.01);
            best[run.section('/', -1)] = bestValLoss(run);
        }

        // results.csv: a header and four rows, ranked 1-4 by each run's best val_loss, lowest first.
        QFile table(out + "/results.csv");
        QVERIFY(table.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(table.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        const QStringList header = lines[0].split(',');
        QCOMPARE(header.mid(0, 4),
            QStringList({ "rank", "run", "model.dense_1.units", "training.optimizer.learning_rate" }));
        const int column = header.indexOf("val_loss");
        QVERIFY(column > 0);
        double previous = -1;
        for (int row = 1; row <= 4; ++row) {
            const QStringList cells = lines[row].split(',');
            QCOMPARE(cells[0].toInt(), row);
            const double value = cells[column].toDouble();
            QVERIFY(std::abs(value - best.at(cells[1])) < 1e-6);
            QVERIFY(value >= previous);
            previous = value;
        }
        // The printed ranking starts with the same run.
        QVERIFY2(result.out.contains("  1  " + lines[1].split(',')[1]), qPrintable(result.out));
    }

    void randomSearchIsSeededAndInRange()
    {
        nlohmann::json doc = nlohmann::json::parse(std::ifstream(m_sweep.toStdString()));
        doc["search"] = "random";
        doc["trials"] = 5;
        doc["seed"] = 3;
        doc["parameters"] = { { "training.optimizer.learning_rate", { { "log_uniform", { 1e-4, 1e-1 } } } },
            { "training.batch_size", { 64, 256 } }, { "model.dense_1.units", { { "int", { 4, 40 } } } } };
        const SweepSpec sweep = SweepSpec::fromJson(doc, "sweep", m_dir.path().toStdString());
        const auto first = expandSweep(sweep), second = expandSweep(sweep);
        QCOMPARE(first.size(), std::size_t(5));
        std::set<double> rates;
        for (std::size_t i = 0; i < first.size(); ++i) {
            QCOMPARE(first[i].settings, second[i].settings);
            const double lr = first[i].spec.training.optimizer.learningRate;
            QVERIFY(lr >= 1e-4 && lr <= 1e-1);
            rates.insert(lr);
            const int batch = first[i].spec.training.batchSize;
            QVERIFY(batch == 64 || batch == 256);
            const int units = first[i].spec.model.node("dense_1").layer.params.at("units").get<int>();
            QVERIFY(units >= 4 && units <= 40);
        }
        QCOMPARE(rates.size(), std::size_t(5));
        // A setting that names no node of the model is refused, naming it.
        doc["parameters"] = { { "model.dense_9.units", { 4 } } };
        doc["search"] = "grid";
        try {
            expandSweep(SweepSpec::fromJson(doc, "sweep", m_dir.path().toStdString()));
            QFAIL("an unknown node was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("dense_9"), e.what());
        }
    }

    void slurmWritesAJobArray()
    {
        const QString out = file("cluster");
        SWEEP_OK(sweepCli({ "sweep", "--spec", m_sweep, "--out", out, "--slurm" }));
        QFile script(out + "/sweep.sbatch");
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(script.readAll());
        QVERIFY2(text.contains("#SBATCH --array=0-3"), qPrintable(text));
        QVERIFY2(text.contains("train --spec " + out + "/specs/$RUN.json --out " + out + "/$RUN"),
            qPrintable(text));
        for (int i = 0; i < 4; ++i)
            RunSpec::load((out + QString("/specs/run-%1.json").arg(i, 3, 10, QChar('0'))).toStdString());
        QVERIFY(!QFile::exists(out + "/run-000"));
    }
};

NEURINO_TEST_MAIN(TestSweep)
#include "TestSweep.moc"
