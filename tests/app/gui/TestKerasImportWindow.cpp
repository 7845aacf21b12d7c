// File ▸ Import Keras Model…: a Keras .h5 file (made by tests/tools/make_keras_fixtures.py) is put on the
// canvas as an untitled model, laid out without overlapping nodes; a malformed one leaves the model as it
// was and says why in the log.
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphScene.h"
#include "widgets/editor/LogDock.h"
#include "widgets/editor/NodeItem.h"

#include "tests/TestMain.h"
#include "tests/TestSupport.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
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
