// File ▸ Export ▸ ONNX… and File ▸ Import ONNX Model… in the window: the actions, triggered as the menu
// does with the files a user would choose, write an ONNX file of a trained checkpoint and put an ONNX file's
// graph on the canvas; a file that cannot be imported leaves the canvas as it was.
// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/graph/ModelJson.h"
#include "core/io/OnnxExport.h"
#include "core/io/OnnxImport.h"
#include "core/train/Checkpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/Resources.h"

#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/OnnxExchange.h"
#include "widgets/editor/GraphModel.h"

#include "tests/TestMain.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurino;

class TestOnnxActions : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("NeurinoTest");
        QCoreApplication::setApplicationName("NeurinoTest");
        QVERIFY(m_dir.isValid());
        if (!onnxAvailable())
            QSKIP("built without libonnx-dev: the ONNX actions are disabled");
    }

    void init() { QSettings().clear(); }

    void menuHoldsTheActions()
    {
        MainWindow window(quiet());
        QMenu* file = window.menuBar()->actions().at(0)->menu();
        QAction* exportMenu = nullptr;
        bool importListed = false;
        for (QAction* a : file->actions()) {
            if (a->menu() && a->text().remove('&') == "Export")
                exportMenu = a;
            importListed = importListed || a == window.onnxExchange()->importAction();
        }
        QVERIFY(exportMenu);
        QVERIFY(exportMenu->menu()->actions().contains(window.onnxExchange()->exportAction()));
        QVERIFY(importListed);
        QCOMPARE(window.onnxExchange()->importAction()->text().remove('&'), QString("Import ONNX Model…"));
        QCOMPARE(window.onnxExchange()->exportAction()->text().remove('&'), QString("ONNX…"));
    }

    void exportThenImportThroughTheActions()
    {
        const ModelGraph graph = loadModel(templatePath("higgs_shallow"));
        Checkpoint checkpoint;
        checkpoint.graph = graph;
        torch::manual_seed(3);
        checkpoint.weights = copyWeights(GraphModule(graph));
        checkpoint.epoch = 4;
        const QString checkpointFile = m_dir.filePath("trained.h5");
        const QString onnxFile = m_dir.filePath("exported.onnx");
        saveCheckpoint(checkpointFile.toStdString(), checkpoint);

        MainWindow window(quiet());
        QList<OnnxExchange::Choice> asked;
        window.onnxExchange()->setFileChooser([&](OnnxExchange::Choice choice) {
            asked << choice;
            return choice == OnnxExchange::Choice::Checkpoint ? checkpointFile : onnxFile;
        });
        window.onnxExchange()->exportAction()->trigger();
        QCOMPARE(asked,
            (QList<OnnxExchange::Choice> {
                OnnxExchange::Choice::Checkpoint, OnnxExchange::Choice::OnnxToWrite }));
        QVERIFY(QFile::exists(onnxFile));
        const Checkpoint back = importOnnxFile(onnxFile.toStdString());
        QCOMPARE(back.graph.parameterCount().total(), graph.parameterCount().total());

        // The imported graph replaces the canvas's model, as a new untitled one.
        ModelDocument* doc = window.document();
        QVERIFY(doc->newFromTemplate("xor_mlp"));
        window.onnxExchange()->importAction()->trigger();
        const ModelGraph& shown = doc->model()->graph();
        QCOMPARE(shown.name(), graph.name());
        QCOMPARE(shown.nodes().size(), graph.nodes().size());
        for (const Node& n : graph.nodes())
            QVERIFY2(shown.hasNode(n.id), n.id.c_str());
        QVERIFY(doc->filePath().isEmpty());
    }

    void badFileLeavesTheCanvas()
    {
        const QString bad = m_dir.filePath("bad.onnx");
        writeTextFileAtomically(bad.toStdString(), "not a protobuf message at all");
        MainWindow window(quiet());
        ModelDocument* doc = window.document();
        QVERIFY(doc->newFromTemplate("xor_mlp"));
        const ModelGraph before = doc->model()->graph();
        QSignalSpy errors(window.onnxExchange(), &OnnxExchange::errorOccurred);
        QVERIFY(!window.onnxExchange()->importFile(bad));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(
            errors.at(0).at(1).toString().contains("bad.onnx"), qPrintable(errors.at(0).at(1).toString()));
        QVERIFY(doc->model()->graph() == before);
        QVERIFY(!window.onnxExchange()->exportCheckpoint(bad, m_dir.filePath("none.onnx")));
        QVERIFY(!QFile::exists(m_dir.filePath("none.onnx")));
    }

private:
    static MainWindow::Options quiet()
    {
        MainWindow::Options options;
        options.interactive = false;
        options.restoreSettings = false;
        options.autosave = false;
        return options;
    }

    QTemporaryDir m_dir;
};

NEURINO_TEST_MAIN(TestOnnxActions)
#include "TestOnnxActions.moc"
