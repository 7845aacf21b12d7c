// The training dock driven as a student drives it (offscreen): a short real run fills the curves, the
// confusion matrix, the ROC curve and the output distributions; Stop ends within one batch; the run list
// keeps every run. The views are also checked alone, with sample data.
#include "widgets/editor/GraphModel.h"
#include "widgets/session/RunFolder.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/charts/OutputDistributionView.h"
#include "widgets/views/charts/RocView.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <H5Cpp.h>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurino;

namespace {

// Long enough for any run of these tests on a loaded 2-core machine.
constexpr int kRunTimeoutMs = 120 * 1000;

struct Bench {
    GraphModel model;
    RunScheduler session;
    TrainingDock dock { &model, &session };
    TrainingArea area { &session };

    explicit Bench(const char* templateName) { model.setGraph(loadModel(templatePath(templateName))); }
};

} // namespace

class TestTrainingDock : public QObject {
    Q_OBJECT

private slots:
    void dockSuggestsTheTemplatesData();
    void shortRunFillsCurvesAndViews();
    void stopEndsWithinOneBatch();
    void pauseHoldsAndResumeGoesOn();
    void runListKeepsEveryRun();
    void runsAreSavedAndReopened();
    void invalidSettingsAreReportedNotThrown();
    void foreignCalorimeterFileGetsItsChannel();
    void metricChartFollowsTheData();
    void longBatchCurvesAreThinnedNotCut();
    void confusionMatrixViewAlone();
    void rocAndOutputViewsAlone();
};

void TestTrainingDock::dockSuggestsTheTemplatesData()
{
    Bench b("shapes_dense");
    QCOMPARE(b.dock.generator(), QString("shapes"));
    QVERIFY(b.dock.devices().contains("cpu"));
    b.model.setGraph(loadModel(templatePath("xor_mlp")));
    QCOMPARE(b.dock.generator(), QString("xor"));
    QCOMPARE(QString::fromStdString(b.dock.dataChoice().generator), QString("xor"));
}

void TestTrainingDock::shortRunFillsCurvesAndViews()
{
    Bench b("xor_mlp");
    b.dock.setEvents(500);
    b.dock.setEpochs(4);
    b.dock.setBatchSize(25);
    b.dock.setLearningRate(0.02);
    b.dock.setValidationSplit(0.2);
    QSignalSpy epochs(&b.session, &RunScheduler::epochEnded);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);

    // The longest the event loop went without turning while training, for the record (not a timed test).
    QElapsedTimer sinceTick;
    qint64 longestStall = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        if (sinceTick.isValid())
            longestStall = std::max(longestStall, sinceTick.elapsed());
        sinceTick.start();
    });
    ticker.start();

    QTest::mouseClick(b.dock.startButton(), Qt::LeftButton);
    QVERIFY(b.session.isRunning());
    // While it trains, Start queues the next run instead.
    QCOMPARE(b.dock.startButton()->text(), QString("Queue"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QCOMPARE(b.dock.startButton()->text(), QString("Start"));
    ticker.stop();
    qInfo("longest event-loop stall while training: %lld ms", longestStall);

    QCOMPARE(epochs.count(), 4);
    QCOMPARE(b.area.curves()->epochCount(1), 4);
    QVERIFY(b.area.curves()->metrics().contains("accuracy"));
    QVERIFY(b.area.curves()->toCsv().contains(",4,,val_loss,"));
    QVERIFY(b.area.curves()->batchPointCount(1) > 0);
    QVERIFY(b.area.curves()->bestEpoch(1) >= 1);

    // 500 samples, a fifth held out for validation: the matrix counts the 100 validation samples.
    QVERIFY(!b.area.confusion()->isEmpty());
    QCOMPARE(b.area.confusion()->data().total(), std::int64_t(100));
    QCOMPARE(b.area.confusion()->data().counts.size(), std::size_t(2));
    QCOMPARE(b.area.roc()->curveCount(), 1);
    const RocData* roc = b.area.roc()->curve(1);
    QVERIFY(roc && roc->auc > 0.5 && roc->auc <= 1.0);
    QVERIFY(!b.area.outputs()->isEmpty());
    QVERIFY(b.area.outputs()->data().ksSignal >= 0 && b.area.outputs()->data().ksSignal <= 1);

    const RunRecord& run = b.session.runs().front();
    QVERIFY(run.finished);
    QCOMPARE(run.summary.reason, StopReason::Completed);
    QCOMPARE(static_cast<int>(run.epochs.size()), 4);
    QCOMPARE(run.batches, std::int64_t(4 * 16)); // 400 training samples in batches of 25
    QVERIFY(b.dock.startButton()->isEnabled());
    QCOMPARE(b.dock.progressBar()->value(), b.dock.progressBar()->maximum());
}

void TestTrainingDock::stopEndsWithinOneBatch()
{
    Bench b("xor_mlp");
    b.dock.setEvents(50000);
    b.dock.setEpochs(50);
    b.dock.setBatchSize(8);
    QSignalSpy batches(&b.session, &RunScheduler::batchEnded);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 2, kRunTimeoutMs);

    QTest::mouseClick(b.dock.stopButton(), Qt::LeftButton);
    QCOMPARE(b.session.state(), RunScheduler::State::Stopping);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    const RunRecord& run = b.session.runs().front();
    QCOMPARE(run.summary.reason, StopReason::Cancelled);
    QVERIFY2(run.batchesAfterStop >= 0 && run.batchesAfterStop <= 1,
        qPrintable(QString("%1 batches ran after Stop").arg(run.batchesAfterStop)));
    QVERIFY(run.batches < 50 * 5000);
    // Thinned to at most one report per interval: far fewer reports than steps.
    QVERIFY(batches.count() < run.batches);
    QVERIFY(!b.session.isRunning());
    QVERIFY(b.dock.runList()->model()->index(0, 4).data().toString().contains("stopped"));
}

void TestTrainingDock::pauseHoldsAndResumeGoesOn()
{
    Bench b("xor_mlp");
    b.dock.setEvents(20000);
    b.dock.setEpochs(3);
    b.dock.setBatchSize(8);
    QSignalSpy batches(&b.session, &RunScheduler::batchEnded);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 1, kRunTimeoutMs);
    QTest::mouseClick(b.dock.pauseButton(), Qt::LeftButton);
    QCOMPARE(b.session.state(), RunScheduler::State::Paused);
    QCOMPARE(b.dock.pauseButton()->text(), QString("Resume"));
    // Let a report already queued arrive, then nothing more may come while paused.
    QTest::qWait(200);
    const int held = batches.count();
    QTest::qWait(300);
    QCOMPARE(batches.count(), held);
    QTest::mouseClick(b.dock.pauseButton(), Qt::LeftButton);
    QCOMPARE(b.session.state(), RunScheduler::State::Training);
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() > held, kRunTimeoutMs);
    b.dock.stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
}

void TestTrainingDock::runListKeepsEveryRun()
{
    Bench b("xor_mlp");
    b.dock.setEvents(300);
    b.dock.setEpochs(2);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QSignalSpy started(&b.session, &RunScheduler::runStarted);
    QVERIFY(b.dock.start());
    QVERIFY(b.session.isRunning());
    // A second run while the first trains waits in the queue, visibly, and starts after it.
    b.dock.setOptimizer("sgd");
    b.dock.setLearningRate(0.1);
    QVERIFY(b.dock.start());
    QCOMPARE(b.session.queue().size(), 1);
    QCOMPARE(b.dock.runList()->model()->index(1, 4).data().toString(), QString("queued"));
    QCOMPARE(b.dock.startButton()->text(), QString("Queue"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kRunTimeoutMs);
    QCOMPARE(started.count(), 2);
    QCOMPARE(started.at(0).at(0).toInt(), 1);
    QCOMPARE(started.at(1).at(0).toInt(), 2);
    QVERIFY(b.session.queue().isEmpty());
    QCOMPARE(b.dock.startButton()->text(), QString("Start"));

    QCOMPARE(b.session.runs().size(), std::size_t(2));
    QCOMPARE(b.dock.runList()->model()->rowCount(), 2);
    QCOMPARE(b.dock.runList()->model()->index(0, 0).data().toString(), QString("Run 1 (xor_mlp, lr 0.001)"));
    QVERIFY(b.dock.runList()->model()->index(0, 3).data().toString().startsWith("adam"));
    QVERIFY(b.dock.runList()->model()->index(1, 3).data().toString().startsWith("sgd, lr 0.1"));
    QVERIFY(b.dock.runList()->model()->index(0, 4).data().toString().contains("val_loss"));
    QCOMPARE(b.area.curves()->runIds(), QList<int>({ 1, 2 }));
    QVERIFY(b.area.curves()->runColor(1) != b.area.curves()->runColor(2));
    QCOMPARE(b.area.roc()->curveCount(), 2);
}

void TestTrainingDock::runsAreSavedAndReopened()
{
    QTemporaryDir dir;
    Bench b("xor_mlp");
    b.session.setRunsFolder(dir.filePath("runs"));
    b.dock.setEvents(300);
    b.dock.setEpochs(3);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    const RunRecord trained = b.session.runs().front();
    QVERIFY(QFileInfo::exists(trained.folder + "/metrics.jsonl"));
    QVERIFY(QFileInfo::exists(trained.folder + "/checkpoint.h5"));

    QVERIFY(b.dock.saveRun(trained.id, dir.filePath("saved")));
    QVERIFY(!b.dock.saveRun(trained.id, dir.filePath("saved"))); // never over another run
    const RunRecord loaded = readRunRecord(dir.filePath("saved"));
    QCOMPARE(loaded.modelName, QString("xor_mlp"));
    QCOMPARE(loaded.config.epochs, 3);
    QCOMPARE(loaded.summary.reason, StopReason::Completed);
    QCOMPARE(loaded.epochs.size(), trained.epochs.size());
    QCOMPARE(loaded.epochs.back().metrics.at("val_loss"), trained.epochs.back().metrics.at("val_loss"));

    QVERIFY(b.dock.openRun(dir.filePath("saved")));
    QCOMPARE(b.dock.runList()->model()->rowCount(), 2);
    QCOMPARE(b.area.curves()->epochCount(b.session.runs().back().id), 3);
    QVERIFY(!b.dock.openRun(dir.path())); // not a run folder: refused with a message
}

void TestTrainingDock::invalidSettingsAreReportedNotThrown()
{
    Bench b("shapes_dense");
    // The dense shapes model expects 32x32 images; XOR gives two numbers per sample.
    b.dock.setGenerator("xor");
    b.dock.setEvents(100);
    b.dock.setEpochs(1);
    QSignalSpy failed(&b.session, &RunScheduler::runFailed);
    QSignalSpy messages(&b.dock, &TrainingDock::message);
    QVERIFY(b.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kRunTimeoutMs);
    QVERIFY(!failed.front().at(1).toString().isEmpty());
    QVERIFY(!b.session.isRunning());
    QCOMPARE(b.session.runs().front().summary.reason, StopReason::Failed);
    QVERIFY(b.dock.runList()->model()->index(0, 4).data().toString().startsWith("failed"));

    b.dock.setFile({}, {}, {});
    QVERIFY(!b.dock.start());
}

void TestTrainingDock::foreignCalorimeterFileGetsItsChannel()
{
    // As the calorimeter tutorial's files store them: ECAL (N, 25, 25), target (N), no attributes. The
    // window reads (N, 1, 25, 25) images, as `neurino-batch train` does (TestBatchCli).
    QTemporaryDir dir;
    const QString path = dir.filePath("ecal.h5");
    {
        constexpr hsize_t kShowers = 40;
        std::vector<float> showers(kShowers * 25 * 25), energies(kShowers);
        for (std::size_t i = 0; i < showers.size(); ++i)
            showers[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f;
        for (std::size_t i = 0; i < energies.size(); ++i)
            energies[i] = 10.0f * static_cast<float>(i);
        H5::H5File file(path.toStdString(), H5F_ACC_TRUNC);
        const hsize_t showerDims[3] = { kShowers, 25, 25 }, energyDims[1] = { kShowers };
        file.createDataSet("ECAL", H5::PredType::NATIVE_FLOAT, H5::DataSpace(3, showerDims))
            .write(showers.data(), H5::PredType::NATIVE_FLOAT);
        file.createDataSet("target", H5::PredType::NATIVE_FLOAT, H5::DataSpace(1, energyDims))
            .write(energies.data(), H5::PredType::NATIVE_FLOAT);
    }
    ModelGraph g;
    g.setName("calo_energy");
    g.addNode("Input", { { "shape", { 1, 25, 25 } } }, "input");
    g.addNode("Flatten", nlohmann::json::object(), "flatten");
    g.addNode("Dense", { { "units", 1 } }, "energy");
    g.addNode("Output", nlohmann::json::object(), "output");
    g.connect("input", "flatten");
    g.connect("flatten", "energy");
    g.connect("energy", "output");

    Bench b("xor_mlp");
    b.model.setGraph(g);
    b.dock.setFile(path, "ECAL", "target");
    b.dock.setEpochs(1);
    b.dock.setBatchSize(8);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QSignalSpy failed(&b.session, &RunScheduler::runFailed);
    QVERIFY(b.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count() + failed.count(), 1, kRunTimeoutMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().at(1).toString()));
    const RunRecord& run = b.session.runs().front();
    QCOMPARE(run.summary.reason, StopReason::Completed);
    QCOMPARE(run.dataName, QString("ecal.h5"));
}

void TestTrainingDock::metricChartFollowsTheData()
{
    MetricChart chart;
    chart.addRun(7, "sample");
    for (int e = 1; e <= 5; ++e) {
        EpochStats s;
        s.epoch = e;
        s.epochs = 5;
        s.metrics = { { "loss", 1.0 / e }, { "val_loss", 1.2 / e + (e == 5 ? 0.2 : 0) },
            { "accuracy", 0.5 + e / 20.0 } };
        s.bestEpoch = e == 5 ? 4 : e;
        chart.addEpoch(7, s);
    }
    QCOMPARE(chart.epochCount(7), 5);
    QCOMPARE(chart.bestEpoch(7), 4);
    QCOMPARE(chart.xRange().y(), 5.0);
    // Ticks on whole epochs only: half-epoch ticks were labelled 0, 0, 1, 1, 2, 2 ...
    QCOMPARE(chart.epochTickInterval(), 1.0);
    QVERIFY(chart.yRange().x() <= 0.2 && chart.yRange().y() >= 1.2);
    chart.setLogScale(true);
    QVERIFY(chart.logScale());
    QVERIFY(chart.yRange().x() > 0);
    chart.setMetric("accuracy");
    QVERIFY(chart.yRange().y() >= 0.75 && chart.yRange().y() < 1.5);
    QTemporaryDir dir;
    QVERIFY(chart.exportPng(dir.filePath("curves.png")));
    QVERIFY(QFileInfo(dir.filePath("curves.png")).size() > 0);
    QVERIFY(chart.toCsv().startsWith("run,epoch,batch,scalar,value\nsample,1,,accuracy,"));
}

void TestTrainingDock::longBatchCurvesAreThinnedNotCut()
{
    MetricChart chart;
    chart.addRun(1, "long");
    const int batches = 1000, epochs = 20;
    for (int i = 0; i < batches * epochs; ++i) {
        BatchStats b;
        b.epoch = i / batches + 1;
        b.batch = i % batches + 1;
        b.batches = batches;
        // A decaying loss with one spike that thinning must keep.
        chart.addBatch(1, b, i == 12345 ? 9.0 : 1.0 + 1.0 / (1 + i / 100.0));
    }
    QCOMPARE(chart.batchPointCount(1), batches * epochs); // every batch is kept for CSV
    QCOMPARE(chart.drawnBatchPointCount(1), 0); // drawn when the event loop turns
    QCoreApplication::processEvents();
    QVERIFY2(
        chart.drawnBatchPointCount(1) <= 2000, qPrintable(QString::number(chart.drawnBatchPointCount(1))));
    QVERIFY(chart.drawnBatchPointCount(1) >= 1000);
    QCOMPARE(chart.xRange().y(), double(epochs));
    QCOMPARE(chart.epochTickInterval(), 2.0);
    QVERIFY(chart.yRange().y() >= 9.0); // the spike sets the axis
    QVERIFY(chart.yRange().x() <= 1.01);
    chart.setLogScale(true); // redrawn from all batches, thinned again
    QVERIFY(chart.drawnBatchPointCount(1) <= 2000);
    QVERIFY(chart.yRange().y() >= 9.0);
    QCOMPARE(chart.toCsv().count("smoothed_batch_loss"), batches * epochs);
}

void TestTrainingDock::confusionMatrixViewAlone()
{
    ConfusionMatrixView view;
    QVERIFY(view.isEmpty());
    view.setData(
        { { "circle", "square", "triangle" }, { { 8, 1, 1 }, { 0, 9, 1 }, { 2, 0, 8 } }, "validation" });
    QCOMPARE(view.data().total(), std::int64_t(30));
    QCOMPARE(view.toCsv(),
        QString("true \\ predicted,circle,square,triangle\ncircle,8,1,1\nsquare,0,9,1\n"
                "triangle,2,0,8\n"));
    view.setNormalized(true);
    QVERIFY(view.normalized());
    view.resize(500, 400);
    QTemporaryDir dir;
    QVERIFY(view.exportPng(dir.filePath("cm.png")));
    QSignalSpy cells(&view, &ConfusionMatrixView::cellActivated);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
}

void TestTrainingDock::rocAndOutputViewsAlone()
{
    RocView roc;
    roc.setCurve(1, { "a", { 0, 0.5, 1 }, { 1, 0.9, 0 }, 0.8, "test" });
    roc.setCurve(2, { "b", { 0, 1 }, { 1, 0 }, 0.5, "test" });
    QCOMPARE(roc.curveCount(), 2);
    QVERIFY(roc.toCsv().contains("a,0.8,0.5,0.9"));
    roc.removeCurve(2);
    QCOMPARE(roc.curveCount(), 1);

    OutputDistributionView outputs;
    QVERIFY(outputs.isEmpty());
    OutputDistributions d;
    d.trainSignal = { 0, 1, 3 };
    d.trainBackground = { 3, 1, 0 };
    d.testSignal = { 0, 1.2, 2.8 };
    d.testBackground = { 2.9, 1.1, 0 };
    d.ksSignal = 0.7;
    d.ksBackground = 0.01;
    d.testPart = "test";
    outputs.setData(d, "run");
    QVERIFY(!outputs.isEmpty());
    QVERIFY(outputs.findChild<QLabel*>("overtrainingVerdict")->text().contains("overtraining"));
    QVERIFY(outputs.toCsv().contains("# ks_probability_background,0.01"));
}

NEURINO_TEST_MAIN(TestTrainingDock)
#include "TestTrainingDock.moc"
