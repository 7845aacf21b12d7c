// File ▸ Import Keras Model…: a Keras .h5 file (made by tests/tools/make_keras_fixtures.py) is put on the
// canvas as an untitled model, laid out without overlapping nodes, and its weights start the next run
// unless the training dock's box is turned off; a malformed one leaves the model as it was and says why in
// the log.
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/NodeItem.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingDock.h"

#include "app/gui/TrainingWorkspace.h"
#include "core/data/Dataset.h"
#include "core/data/DatasetFile.h"
#include "core/io/KerasImport.h"
#include "core/train/Checkpoint.h"

#include "tests/TestMain.h"
#include "tests/TestSupport.h"

#include <QAction>
#include <QCheckBox>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurino;

class TestKerasImportWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_ready = false;

    static MainWindow::Options quiet()
    {
        MainWindow::Options options;
        options.interactive = false;
        options.restoreSettings = false;
        options.autosave = false;
        return options;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("NeurinoTest");
        QCoreApplication::setApplicationName("NeurinoTest");
        QVERIFY(m_dir.isValid());
        const test::ProcessResult r = test::runProcess("/usr/bin/python3",
            { QString::fromStdString(test::sourcePath("tests/tools/make_keras_fixtures.py")), m_dir.path() },
            {}, 120000);
        m_ready = r.exitCode == 0;
    }

    void init()
    {
        if (!m_ready)
            QSKIP(
                "/usr/bin/python3 with h5py and numpy is not installed (Debian: python3-h5py python3-numpy)");
    }

    void fileMenuHasTheAction()
    {
        MainWindow window(quiet());
        QMenu* file = window.menuBar()->actions().front()->menu();
        bool found = false;
        for (QAction* a : file->actions())
            found = found || a->text().remove('&') == "Import Keras Model…";
        QVERIFY(found);
    }

    void importPutsTheGraphOnTheCanvas()
    {
        MainWindow window(quiet());
        window.resize(1600, 1000);
        window.show();
        ModelDocument* doc = window.document();
        QVERIFY(doc->importKeras(m_dir.filePath("func_branches_cl.h5")));
        const ModelGraph& graph = doc->model()->graph();
        QCOMPARE(graph.name(), std::string("func_branches_cl"));
        QCOMPARE(graph.parameterCount().total(), std::int64_t { 931 });
        QVERIFY(graph.validate().empty());
        QVERIFY(doc->filePath().isEmpty()); // untitled: Save never writes over the .h5
        QCOMPARE(window.scene()->nodeItems().size(), static_cast<int>(graph.nodes().size()));
        QVERIFY(window.logDock()->text().contains("931 parameters"));
        // Laid out: no two nodes' boxes overlap.
        const QList<NodeItem*> items = window.scene()->nodeItems();
        for (int i = 0; i < items.size(); ++i)
            for (int j = i + 1; j < items.size(); ++j)
                QVERIFY(!items[i]->sceneBoundingRect().intersects(items[j]->sceneBoundingRect()));
    }

    // Trains the canvas's model one epoch at a learning rate of 1e-6 and returns the run's final weights.
    static NodeTensors trainOneEpoch(MainWindow& window, const QString& data)
    {
        TrainingWorkspace* training = window.trainingWorkspace();
        TrainingDock* dock = training->dock();
        dock->setFile(data, "features", "targets", "classification");
        dock->setEpochs(1);
        dock->setLearningRate(1e-6);
        QSignalSpy finished(training->scheduler(), &RunScheduler::runFinished);
        if (!dock->start())
            return {};
        if (!finished.wait(120000))
            return {};
        const RunRecord run = finished.front().front().value<RunRecord>();
        return loadCheckpoint(QDir(run.folder).filePath("checkpoint.h5").toStdString()).weights;
    }

    static double largestChange(const NodeTensors& from, const NodeTensors& to)
    {
        double moved = 0;
        for (const auto& [node, tensors] : from)
            for (const auto& [name, before] : tensors)
                if (name.rfind("running_", 0) != 0) // BatchNorm's statistics follow the new data
                    moved = std::max(moved, (to.at(node).at(name) - before).abs().max().item<double>());
        return moved;
    }

    void importedWeightsStartTheRun()
    {
        torch::manual_seed(5);
        Dataset data;
        data.features = torch::randn({ 64, 10 });
        data.targets = torch::randint(0, 4, { 64 }, torch::kLong);
        data.info.task = Task::Classification;
        const QString dataFile = m_dir.filePath("window_tune.h5");
        writeDataset(dataFile.toStdString(), data);

        MainWindow window(quiet());
        window.trainingWorkspace()->scheduler()->setRunsFolder(m_dir.filePath("window_runs"));
        ModelDocument* doc = window.document();
        const QString keras = m_dir.filePath("seq_mlp.h5");
        QVERIFY(doc->importKeras(keras));
        QCOMPARE(doc->weightsFile(), QFileInfo(keras).absoluteFilePath());
        TrainingDock* dock = window.trainingWorkspace()->dock();
        QVERIFY(!dock->startWeightsBox()->isHidden());
        QVERIFY(dock->startWeightsBox()->isChecked());
        QVERIFY(dock->startWeightsBox()->text().contains("seq_mlp.h5"));
        QCOMPARE(QString::fromStdString(dock->runSpec().init), QFileInfo(keras).absoluteFilePath());

        const NodeTensors imported = importKerasModel(keras.toStdString()).checkpoint.weights;
        const NodeTensors tuned = trainOneEpoch(window, dataFile);
        QVERIFY(!tuned.empty());
        const double moved = largestChange(imported, tuned);
        QVERIFY2(moved > 0 && moved < 1e-3, qPrintable(QString::number(moved)));
        const QString log = window.logDock()->text();
        QVERIFY2(log.contains("started from the weights in '" + QFileInfo(keras).absoluteFilePath() + "'"),
            qPrintable(log));
        QVERIFY2(log.contains("standardisation off"), qPrintable(log));

        // Off: every layer starts fresh, far from the file's weights.
        dock->startWeightsBox()->setChecked(false);
        QVERIFY(dock->runSpec().init.empty());
        const NodeTensors fresh = trainOneEpoch(window, dataFile);
        QVERIFY(!fresh.empty());
        QVERIFY2(largestChange(imported, fresh) > 0.05,
            qPrintable(QString::number(largestChange(imported, fresh))));

        // A drawn model has no weights to start from: the box goes.
        doc->newModel();
        QVERIFY(doc->weightsFile().isEmpty());
        QVERIFY(dock->startWeightsBox()->isHidden());
        QVERIFY(dock->runSpec().init.empty());
    }

    void malformedFileKeepsTheModel()
    {
        MainWindow window(quiet());
        ModelDocument* doc = window.document();
        QVERIFY(doc->importKeras(m_dir.filePath("seq_mlp.h5")));
        const ModelGraph before = doc->model()->graph();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(".*LSTM.*"));
        QVERIFY(!doc->importKeras(m_dir.filePath("bad_unknown_class.h5")));
        QVERIFY(doc->model()->graph() == before);
        QVERIFY(window.logDock()->text().contains("(LSTM): this class has no Neurino layer"));
    }
};

NEURINO_TEST_MAIN(TestKerasImportWindow)
#include "TestKerasImportWindow.moc"
