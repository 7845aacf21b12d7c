// The decision boundary over the input plane: a real xor training started from the training dock sends
// boundary updates, and the final one classifies the four quadrants as the xor generator labels them
// (class 1 where x1*x2 > 0); the view alone renders sample data and exports its grid.
#include "widgets/editor/GraphModel.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/inside/DecisionBoundaryView.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace neurino;

namespace {

// Long enough for any run of these tests on a loaded 2-core machine.
constexpr int kRunTimeoutMs = 120 * 1000;

// Sample data without training: class 1 where x*y > 0, more sure away from the axes.
DecisionBoundaryData sampleData(int classes)
{
    DecisionBoundaryData d;
    d.xMin = d.yMin = -1.2;
    d.xMax = d.yMax = 1.2;
    d.columns = d.rows = 40;
    d.classes = classes;
    d.epoch = 7;
    d.classNames = { "x1*x2<0", "x1*x2>0", "third" };
    for (int r = 0; r < d.rows; ++r) {
        for (int c = 0; c < d.columns; ++c) {
            const double p = 1 / (1 + std::exp(-8 * d.cellX(c) * d.cellY(r)));
            const int predicted = classes == 2 ? (p >= 0.5 ? 1 : 0) : (c * 3 / d.columns);
            d.probability.push_back(static_cast<float>(classes == 2 ? p : 0.4 + 0.5 * std::abs(p - 0.5)));
            d.predicted.push_back(predicted);
        }
    }
    for (int i = 0; i < 50; ++i) {
        const float x = -1 + 0.04f * i, y = (i % 2 ? 0.6f : -0.6f);
        d.pointX.push_back(x);
        d.pointY.push_back(y);
        d.pointLabel.push_back(x * y > 0 ? 1 : 0);
    }
    return d;
}

int distinctColors(const QImage& image)
{
    std::set<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colors.insert(image.pixel(x, y));
    }
    return static_cast<int>(colors.size());
}

} // namespace

class TestDecisionBoundaryView : public QObject {
    Q_OBJECT

private slots:
    void xorTrainingDrawsTheBoundary();
    void viewAloneRendersSampleData_data();
    void viewAloneRendersSampleData();
    void emptyViewExplainsItself();
};

void TestDecisionBoundaryView::xorTrainingDrawsTheBoundary()
{
    GraphModel model;
    RunScheduler session;
    TrainingDock dock(&model, &session);
    TrainingArea area(&session);
    model.setGraph(loadModel(templatePath("xor_mlp")));
    dock.setEvents(1000);
    dock.setEpochs(25);
    dock.setBatchSize(20);
    dock.setLearningRate(0.03);
    dock.setValidationSplit(0.2);
    QSignalSpy updates(&session, &RunScheduler::boundaryUpdated);
    QSignalSpy finished(&session, &RunScheduler::runFinished);

    QTest::mouseClick(dock.startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QCOMPARE(session.runs().front().summary.reason, StopReason::Completed);

    // At least one update, at most one per epoch plus none extra, and the last one is the final model's.
    QVERIFY(updates.count() >= 1);
    QVERIFY(updates.count() <= 25);
    const DecisionBoundaryData& d = area.boundary()->data();
    QVERIFY(!area.boundary()->isEmpty());
    QCOMPARE(d.epoch, 25);
    QCOMPARE(d.classes, 2);
    QCOMPARE(d.columns * d.rows, static_cast<int>(d.probability.size()));
    // The grid spans the data ([-1, 1] on both axes) plus a margin.
    QVERIFY(d.xMin < -0.95 && d.xMax > 0.95 && d.yMin < -0.95 && d.yMax > 0.95);
    QCOMPARE(d.pointX.size(), std::size_t(800)); // the training part
    QCOMPARE(d.pointLabel.size(), d.pointX.size());

    // xor labels class 1 where x1*x2 > 0.
    for (double x : { -0.5, 0.5 }) {
        for (double y : { -0.5, 0.5 }) {
            const bool one = x * y > 0;
            QVERIFY2((d.probabilityAt(x, y) > 0.5) == one,
                qPrintable(QString("p(%1, %2) = %3").arg(x).arg(y).arg(d.probabilityAt(x, y))));
            QCOMPARE(d.classAt(x, y), one ? 1 : 0);
        }
    }
}

void TestDecisionBoundaryView::viewAloneRendersSampleData_data()
{
    QTest::addColumn<int>("classes");
    QTest::newRow("binary") << 2;
    QTest::newRow("three classes") << 3;
}

void TestDecisionBoundaryView::viewAloneRendersSampleData()
{
    QFETCH(int, classes);
    DecisionBoundaryView view;
    view.resize(760, 520);
    view.setData(sampleData(classes), "sample");
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.isEmpty());
    QCOMPARE(view.data().classAt(0.5, 0.5), classes == 2 ? 1 : 2);

    const QImage image = view.plot()->grab().toImage();
    QVERIFY(!image.isNull());
    // The plane's shades, the points, the axes and the legend: many colours, not a blank widget.
    QVERIFY(distinctColors(image) > 50);

    const QStringList lines = view.toCsv().trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + 40 * 40);
    QVERIFY(lines.front().startsWith("x1,x2,"));
    QTemporaryDir dir;
    const QString png = dir.filePath("boundary.png");
    QVERIFY(view.exportPng(png));
    QVERIFY(!QImage(png).isNull());
}

void TestDecisionBoundaryView::emptyViewExplainsItself()
{
    DecisionBoundaryView view;
    QVERIFY(view.isEmpty());
    QVERIFY(view.toCsv().trimmed().split('\n').size() == 1);
    view.setData(sampleData(2));
    view.clear();
    QVERIFY(view.isEmpty());
}

NEURINO_TEST_MAIN(TestDecisionBoundaryView)
#include "TestDecisionBoundaryView.moc"
