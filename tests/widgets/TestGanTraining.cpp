// The training dock's GAN mode driven as a student drives it (offscreen): a short real run of the
// calorimeter tutorial's networks on a few generated showers fills the GAN view every epoch (losses, the
// sample grid, the physics comparison with a finite chi²/NDF); Stop ends within one batch and Pause holds;
// it trains on a foreign HDF5 file of (N, H, W) showers, and its run folder reopens as a GAN run; a network
// that does not fit is reported, not thrown. The view is also checked alone, with sample data.

// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/data/DatasetFile.h"
#include "datasets/Catalog.h"

#include "widgets/editor/GraphModel.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/GanSettings.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/ColorScale.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/physics/GanView.h"
#include "widgets/views/physics/ShowerImagePanel.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>

using namespace neurino;

namespace {

// Long enough for any run of these tests on a loaded 2-core machine.
constexpr int kRunTimeoutMs = 180 * 1000;

struct Bench {
    GraphModel model;
    RunScheduler session;
    TrainingDock dock { &model, &session };
    TrainingArea area { &session };

    Bench()
    {
        model.setGraph(loadModel(templatePath(GanSettings::kGeneratorTemplate)));
        // Threads that wait for each other make a loaded test machine crawl; one keeps the test short.
        dock.ganSettings()->setThreads(1);
    }
};

ImageData image(int rows, int columns, float scale)
{
    ImageData out;
    out.rows = rows;
    out.columns = columns;
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c)
            out.values.push_back(
                r == 0 ? 0.0f : scale * std::exp(-static_cast<float>(std::abs(r - rows / 2))));
    }
    return out;
}

} // namespace

class TestGanTraining : public QObject {
    Q_OBJECT

private slots:
    void ganTemplateOpensGanMode();
    void shortRunUpdatesTheViewEachEpoch();
    void stopEndsWithinOneBatch();
    void pauseHoldsAndResumeGoesOn();
    void trainsOnAForeignCalorimeterFile();
    void networkThatDoesNotFitIsReported();
    void viewAloneWithSampleData();
};

void TestGanTraining::ganTemplateOpensGanMode()
{
    Bench b;
    QCOMPARE(b.dock.mode(), TrainingDock::Mode::Gan);
    QCOMPARE(b.dock.generator(), QString("calorimeter"));
    QCOMPARE(b.dock.ganSettings()->generatorSource(), QString("template:calo_gan_generator"));
    QCOMPARE(b.dock.ganSettings()->discriminatorSource(), QString("template:calo_gan_discriminator"));
    const GanConfig config = b.dock.ganSettings()->config();
    QCOMPARE(QString::fromStdString(config.loss), QString("bce"));
    QCOMPARE(config.labelFlip, 0.05);
    QCOMPARE(config.physicsWeight, 0.0); // the tutorial's training by default
    QCOMPARE(QString::fromStdString(config.schedule.kind), QString("none"));
    QVERIFY(config.keepBest.empty());
    GanSettings* gan = b.dock.ganSettings();
    gan->setLearningRates(5e-4, 1e-3);
    gan->setPhysicsWeight(10);
    gan->setDecay("cosine");
    gan->setKeepBest("energy_chi2_ndf");
    const GanConfig lesson = gan->config();
    QCOMPARE(lesson.physicsWeight, 10.0);
    QCOMPARE(QString::fromStdString(lesson.schedule.kind), QString("cosine"));
    QCOMPARE(lesson.schedule.minLearningRate, 5e-5);
    QCOMPARE(QString::fromStdString(lesson.keepBest), QString("energy_chi2_ndf"));
    b.dock.setMode(TrainingDock::Mode::Classifier);
    QVERIFY(!b.dock.ganSettings()->isVisibleTo(&b.dock));
}

void TestGanTraining::shortRunUpdatesTheViewEachEpoch()
{
    Bench b;
    b.dock.setEvents(200);
    GanSettings* gan = b.dock.ganSettings();
    gan->setEpochs(2);
    gan->setBatchSize(50);
    gan->setLearningRates(1e-3, 1e-3);
    QSignalSpy epochs(&b.session, &RunScheduler::epochEnded);
    QSignalSpy samples(&b.session, &RunScheduler::ganSamples);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);

    // After the first epoch the view must already show it, before the run ends.
    int lossPointsAtFirstSamples = -1;
    int gridAtFirstSamples = -1;
    connect(&b.session, &RunScheduler::ganSamples, this, [&](int, const GanEpochData&) {
        if (lossPointsAtFirstSamples < 0)
            QTimer::singleShot(0, this, [&] {
                lossPointsAtFirstSamples = b.area.gan()->lossPointCount();
                gridAtFirstSamples = b.area.gan()->sampleCount();
            });
    });

    QTest::mouseClick(b.dock.startButton(), Qt::LeftButton);
    QVERIFY(b.session.isRunning());
    QCOMPARE(b.area.currentWidget(), static_cast<QWidget*>(b.area.gan()));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);

    const RunRecord& run = b.session.runs().front();
    QVERIFY2(run.summary.reason == StopReason::Completed, run.summary.message.c_str());
    QVERIFY(run.gan);
    QCOMPARE(epochs.count(), 2);
    QVERIFY(samples.count() >= 1);
    QVERIFY(lossPointsAtFirstSamples >= 1);
    QVERIFY(gridAtFirstSamples > 0);

    GanView* view = b.area.gan();
    QCOMPARE(view->lossPointCount(), 2);
    QCOMPARE(view->samples().epoch, 2); // the last epoch is always sent
    QCOMPARE(view->sampleCount(), 32); // 16 generated beside 16 real
    QVERIFY(view->sampleGrid()->high() > 0); // real showers deposit energy
    QVERIFY(!view->averageImages()->groups().empty());
    const GanEpochData& s = view->samples();
    QVERIFY(s.hasComparison);
    QCOMPARE(s.showersCompared, std::int64_t(200));
    QCOMPARE(s.realTransverse.size(), std::size_t(25));
    QCOMPARE(s.realLongitudinal.size(), std::size_t(25));
    QVERIFY(s.ndf > 0);
    QVERIFY(std::isfinite(s.chi2PerNdf()) && s.chi2PerNdf() > 0);
    QVERIFY2(view->energyTitle().contains(QString("χ²/NDF = %1 / %2 = %3")
                                              .arg(s.chi2, 0, 'f', 1)
                                              .arg(s.ndf)
                                              .arg(s.chi2PerNdf(), 0, 'f', 2)),
        qPrintable(view->energyTitle()));
    QVERIFY(view->caption().contains("epoch 2 of 2"));
    QVERIFY(view->caption().contains("energy χ²/NDF"));
    const QString csv = view->toCsv();
    QVERIFY(csv.contains("\nd_loss,1,,,"));
    QVERIFY(csv.contains("\ng_loss,2,,,"));
    QVERIFY(csv.contains("\nenergy_generated,2,"));
    QVERIFY(csv.contains("\naverage_real,2,24,24,"));

    QVERIFY(b.dock.runList()->model()->index(0, 3).data().toString().startsWith("GAN bce, rmsprop"));
    QVERIFY(b.dock.startButton()->isEnabled());
    QCOMPARE(b.dock.progressBar()->value(), b.dock.progressBar()->maximum());
}

void TestGanTraining::stopEndsWithinOneBatch()
{
    Bench b;
    b.dock.setEvents(500);
    b.dock.ganSettings()->setEpochs(50);
    b.dock.ganSettings()->setBatchSize(10);
    QSignalSpy batches(&b.session, &RunScheduler::batchEnded);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 2, kRunTimeoutMs);

    QElapsedTimer sinceStop;
    sinceStop.start();
    QTest::mouseClick(b.dock.stopButton(), Qt::LeftButton);
    QCOMPARE(b.session.state(), RunScheduler::State::Stopping);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    qInfo("the GAN run ended %lld ms after Stop", sinceStop.elapsed());
    const RunRecord& run = b.session.runs().front();
    QCOMPARE(run.summary.reason, StopReason::Cancelled);
    QVERIFY2(run.batchesAfterStop >= 0 && run.batchesAfterStop <= 1,
        qPrintable(QString("%1 batches ran after Stop").arg(run.batchesAfterStop)));
    QVERIFY(run.batches < 50 * 50);
    QVERIFY(!b.session.isRunning());
    QVERIFY(b.dock.runList()->model()->index(0, 4).data().toString().contains("stopped"));
}

void TestGanTraining::pauseHoldsAndResumeGoesOn()
{
    Bench b;
    b.dock.setEvents(500);
    b.dock.ganSettings()->setEpochs(50);
    b.dock.ganSettings()->setBatchSize(10);
    QSignalSpy batches(&b.session, &RunScheduler::batchEnded);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() >= 1, kRunTimeoutMs);
    QTest::mouseClick(b.dock.pauseButton(), Qt::LeftButton);
    QCOMPARE(b.session.state(), RunScheduler::State::Paused);
    QCOMPARE(b.dock.pauseButton()->text(), QString("Resume"));
    // The batch under way when Pause came may still report (a batch takes long on a loaded machine); wait
    // until the reports stop, then nothing more may come while paused.
    for (int before = -1; before != batches.count();) {
        before = batches.count();
        QTest::qWait(2500);
    }
    const int held = batches.count();
    QTest::qWait(1000);
    QCOMPARE(batches.count(), held);
    QTest::mouseClick(b.dock.pauseButton(), Qt::LeftButton);
    QCOMPARE(b.session.state(), RunScheduler::State::Training);
    QTRY_VERIFY_WITH_TIMEOUT(batches.count() > held, kRunTimeoutMs);
    b.dock.stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QCOMPARE(b.session.runs().front().summary.reason, StopReason::Cancelled);
}

void TestGanTraining::trainsOnAForeignCalorimeterFile()
{
    // As the tutorial's files store them: (N, 25, 25) showers under ECAL, no channel axis.
    QTemporaryDir dir;
    const QString path = dir.filePath("showers.h5");
    Dataset showers = datasets::Catalog::instance().generate("calorimeter", nlohmann::json::object(), 120, 7);
    showers.features = showers.features.squeeze(1);
    writeDataset(path.toStdString(), showers);

    Bench b;
    b.session.setRunsFolder(dir.filePath("runs"));
    b.dock.setFile(path, "features", "targets");
    b.dock.ganSettings()->setEpochs(1);
    b.dock.ganSettings()->setBatchSize(40);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    const RunRecord run = b.session.runs().front();
    QVERIFY2(run.summary.reason == StopReason::Completed, run.summary.message.c_str());
    QCOMPARE(run.dataName, QString("showers.h5"));
    QCOMPARE(b.area.gan()->samples().showersCompared, std::int64_t(120));
    QVERIFY(std::isfinite(b.area.gan()->samples().chi2PerNdf()));

    // Its folder reopens as a GAN run, as the batch GAN's does.
    QVERIFY(QFileInfo::exists(run.folder + "/generator.h5"));
    QVERIFY(b.dock.openRun(run.folder));
    const RunRecord reopened = b.session.runs().back();
    QVERIFY(reopened.gan);
    QCOMPARE(reopened.settingsText(), run.settingsText());
    QCOMPARE(reopened.dataName, QString("showers.h5"));
    QCOMPARE(reopened.summary.reason, StopReason::Completed);
    QCOMPARE(reopened.epochs.size(), std::size_t(1));
    QCOMPARE(reopened.epochs.back().metrics.at("g_loss"), run.epochs.back().metrics.at("g_loss"));
    QCOMPARE(b.dock.runList()->model()->rowCount(), 2);
    QCOMPARE(b.area.curves()->epochCount(reopened.id), 1);
    QCOMPARE(b.area.gan()->runId(), reopened.id);
    QCOMPARE(b.area.gan()->lossPointCount(), 1);
}

void TestGanTraining::networkThatDoesNotFitIsReported()
{
    Bench b;
    b.model.setGraph(loadModel(templatePath("xor_mlp")));
    b.dock.setMode(TrainingDock::Mode::Gan);
    b.dock.setGenerator("calorimeter");
    b.dock.setEvents(100);
    b.dock.ganSettings()->setGeneratorSource("canvas");
    QSignalSpy failed(&b.session, &RunScheduler::runFailed);
    QVERIFY(b.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kRunTimeoutMs);
    const QString message = failed.front().at(1).toString();
    QVERIFY2(message.contains("generator"), qPrintable(message));
    QVERIFY(!b.session.isRunning());
    QVERIFY(b.dock.startButton()->isEnabled());
}

void TestGanTraining::viewAloneWithSampleData()
{
    GanView view;
    view.resize(1400, 700);
    QVERIFY(view.isEmpty());
    QCOMPARE(view.sampleCount(), 0);
    view.setRun(7, "Run 7 (GAN)");
    EpochStats e;
    e.epoch = 1;
    e.epochs = 3;
    e.metrics = { { "d_loss", 0.6 }, { "g_loss", 0.9 }, { "d_real", 0.7 }, { "d_fake", 0.3 } };
    view.addEpoch(e);
    QCOMPARE(view.lossPointCount(), 1);

    GanEpochData s;
    s.epoch = 1;
    s.generated = { image(5, 4, 1e-3f), image(5, 4, 2e-3f) };
    s.real = { image(5, 4, 1.0f), image(5, 4, 0.5f) };
    s.hasComparison = true;
    s.showersCompared = 2;
    s.realAverage = image(5, 4, 0.75f);
    s.generatedAverage = image(5, 4, 1.5e-3f);
    s.realTransverse = { 0, 0.1, 1, 0.1, 0.01 };
    s.generatedTransverse = { 0, 0, 0.001, 0, 0 };
    s.realLongitudinal = { 0.2, 0.5, 0.3, 0.1 };
    s.generatedLongitudinal = { 0.001, 0.001, 0.001, 0.001 };
    s.energyEdges = { 0, 1, 2, 3 };
    s.realEnergy = { 0.2, 0.5, 0.3 };
    s.generatedEnergy = { 1, 0, 0 };
    s.chi2 = 58;
    s.ndf = 29;
    view.setSamples(s);

    QCOMPARE(view.sampleCount(), 4);
    QCOMPARE(view.energyTitle(), QString("Energy sums: χ²/NDF = 58.0 / 29 = 2.00"));
    QVERIFY(view.caption().startsWith("Run 7 (GAN), epoch 1 of 3"));
    // One log scale for generated and real: from the faintest generated cell to the brightest real one.
    QCOMPARE(view.sampleGrid()->high(), 1.0);
    QVERIFY(view.sampleGrid()->low() > 0 && view.sampleGrid()->low() < 1e-3);
    QVERIFY(ColorScale::sequential(0) != ColorScale::sequential(1));
    QVERIFY(!view.figures()->grab().isNull());
    QVERIFY(view.toCsv().contains("\nenergy_real,1,1.5,,0.5\n"));

    view.clear();
    QVERIFY(view.isEmpty());
    QCOMPARE(view.lossPointCount(), 0);
    QCOMPARE(view.sampleCount(), 0);
}

NEURINO_TEST_MAIN(TestGanTraining)
#include "TestGanTraining.moc"
