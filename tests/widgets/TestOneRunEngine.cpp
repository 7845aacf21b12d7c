// One run engine under every face: the same RunSpec run through the scheduler as the training dock starts
// it, through `neurino-batch train --spec`, and as a lesson step trains, gives identical metrics.jsonl
// values and identical weights.
#include "core/graph/ModelJson.h"
#include "core/run/DataSource.h"
#include "core/run/RunFolder.h"
#include "core/run/RunSpec.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "datasets/Catalog.h"
#include "exercises/LessonTools.h"
#include "tests/TestMain.h"
#include "tests/TestSupport.h"
#include "widgets/session/RunScheduler.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <sstream>

using namespace neurino;

namespace one_engine {

constexpr int kEngineTimeoutMs = 180 * 1000;

// What a lesson step's code talks to: the log, the observations and the evaluations are kept.
class LessonLog : public exercises::LessonContext {
public:
    const exercises::RunOptions& options() const override { return m_options; }
    void record(const std::string&, double) override { }
    void observe(const std::string&, double) override { }
    void log(const std::string& line) override { lines.push_back(line); }
    void evaluated(const exercises::ModelEvaluation& evaluation) override
    {
        evaluations.push_back(evaluation);
    }
    TrainingObserver* trainingObserver() override { return nullptr; }
    const StopToken* stopToken() const override { return nullptr; }

    std::vector<std::string> lines;
    std::vector<exercises::ModelEvaluation> evaluations;

private:
    exercises::RunOptions m_options;
};

RunSpec xorSpec()
{
    RunSpec spec;
    spec.name = "xor_mlp three ways";
    spec.model = loadModel(test::templateFile("xor_mlp"));
    spec.data = DataSource::fromGenerator("xor", { { "noise", 0.3 } }, 600, 5);
    spec.training.epochs = 4;
    spec.training.batchSize = 16;
    spec.training.optimizer.learningRate = 0.01;
    spec.training.seed = 21;
    spec.training.threads = 1;
    spec.training.device = "cpu";
    return spec;
}

// metrics.jsonl without the timings, which differ from run to run.
std::vector<nlohmann::json> metricsOf(const std::string& folder)
{
    std::vector<nlohmann::json> rows;
    std::istringstream lines(readTextFile(folder + "/metrics.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        nlohmann::json row = nlohmann::json::parse(line);
        row.erase("seconds");
        row.erase("samples_per_second");
        rows.push_back(row);
    }
    return rows;
}

bool sameWeights(const NodeTensors& a, const NodeTensors& b)
{
    if (a.size() != b.size())
        return false;
    for (const auto& [node, tensors] : a) {
        for (const auto& [name, tensor] : tensors) {
            if (!b.count(node) || !b.at(node).count(name) || !torch::equal(tensor, b.at(node).at(name)))
                return false;
        }
    }
    return true;
}

} // namespace one_engine

using namespace one_engine;

class TestOneRunEngine : public QObject {
    Q_OBJECT

private slots:
    void sameSpecThreeWaysSameNumbers()
    {
        QTemporaryDir dir;
        const RunSpec spec = xorSpec();

        // 1. The window: the scheduler queues the spec and trains it on its worker thread.
        RunScheduler scheduler;
        scheduler.setRunsFolder(dir.filePath("window"));
        QSignalSpy finished(&scheduler, &RunScheduler::runFinished);
        scheduler.start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kEngineTimeoutMs);
        const RunRecord& windowRun = scheduler.runs().front();
        QCOMPARE(windowRun.summary.reason, StopReason::Completed);
        const std::string windowFolder = windowRun.folder.toStdString();

        // 2. The command line, from the spec saved as a file.
        const std::string specFile = dir.filePath("spec.json").toStdString();
        spec.save(specFile);
        const std::string batchFolder = dir.filePath("batch").toStdString();
        const test::ProcessResult batch = test::runProcess(NEURINO_BATCH_EXE,
            { "train", "--spec", QString::fromStdString(specFile), "--out",
                QString::fromStdString(batchFolder), "--quiet" });
        QVERIFY2(batch.exitCode == 0, qPrintable(batch.err));

        // 3. A lesson step: the lesson has made the data; the step hands the spec to the engine.
        LessonLog lesson;
        const exercises::TrainedModel trained = exercises::trainModel(
            spec, openDataSource(spec.data, datasets::Catalog::instance().generatorFn()), lesson);

        const std::vector<nlohmann::json> window = metricsOf(windowFolder), cli = metricsOf(batchFolder);
        QCOMPARE(window.size(), std::size_t(4));
        QCOMPARE(cli, window);
        QCOMPARE(trained.history.size(), window.size());
        for (std::size_t epoch = 0; epoch < window.size(); ++epoch) {
            const std::map<std::string, double>& lessonEpoch = trained.history.epoch(epoch);
            QVERIFY(window[epoch].contains("val_loss"));
            for (const auto& [name, value] : window[epoch].items()) {
                if (name == "epoch")
                    continue;
                QVERIFY2(lessonEpoch.count(name), name.c_str());
                QCOMPARE(lessonEpoch.at(name), value.get<double>());
            }
        }
        const NodeTensors windowWeights = loadCheckpoint(windowFolder + "/checkpoint.h5").weights;
        QVERIFY(sameWeights(loadCheckpoint(batchFolder + "/checkpoint.h5").weights, windowWeights));
        QVERIFY(sameWeights(trained.module->nodeTensors(), windowWeights));
    }
};

NEURINO_TEST_MAIN(TestOneRunEngine)
#include "TestOneRunEngine.moc"
