// The views that look inside a network, fed by real training started from the training dock: the shapes
// CNN trains briefly once, and its kernels, feature maps, misclassified samples, weight and gradient
// histograms and embeddings are checked against numbers computed independently (the layer's shape, the
// confusion matrix, the graph's parameter count). PCA of two well separated Gaussian blobs separates them;
// t-SNE can be cancelled; each view also renders sample data alone and exports PNG and CSV.
#include "widgets/editor/GraphModel.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/session/TaskQueue.h"
#include "widgets/session/TrainedModel.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/HistogramView.h"
#include "widgets/views/inside/EmbeddingView.h"
#include "widgets/views/inside/FeatureMapView.h"
#include "widgets/views/inside/ImportanceView.h"
#include "widgets/views/inside/KernelView.h"
#include "widgets/views/inside/MisclassifiedView.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QComboBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <numeric>
#include <set>

using namespace neurino;

namespace {

// Long enough for any run of these tests on a loaded 2-core machine.
constexpr int kRunTimeoutMs = 180 * 1000;
constexpr int kEvents = 300;
constexpr double kValidation = 0.2;
constexpr int kEpochs = 2;

struct Bench {
    GraphModel model;
    RunScheduler session;
    TrainingDock dock { &model, &session };
    TrainingArea area { &session };
};

int distinctColors(const QImage& image)
{
    std::set<QRgb> colors;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colors.insert(image.pixel(x, y));
    }
    return static_cast<int>(colors.size());
}

// Shows `view` (a tab of `area`) and checks that its picture has content.
void checkPicture(TrainingArea& area, QWidget* view, QWidget* plot, int minimumColors)
{
    area.resize(1000, 700);
    area.setCurrentWidget(view);
    area.show();
    QVERIFY(QTest::qWaitForWindowExposed(&area));
    const QImage image = plot->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY2(distinctColors(image) >= minimumColors, qPrintable(QString::number(distinctColors(image))));
}

bool waitForEmbedding(EmbeddingView* view)
{
    QSignalSpy done(view, &EmbeddingView::computed);
    return !view->isRunning() || done.wait(kRunTimeoutMs);
}

bool waitForImportance(ImportanceView* view)
{
    QSignalSpy done(view, &ImportanceView::computed);
    return !view->isComputing() || done.wait(kRunTimeoutMs);
}

} // namespace

class TestInsideViews : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void kernelsShowEveryChannelAndChangeWhileTraining();
    void featureMapsFollowTheChosenSample();
    void galleryHoldsEveryMisclassifiedSample();
    void confusionCellShowsItsSamples();
    void histogramsCountEveryParameter();
    void embeddingOfTheShapesCnn();
    void importanceOfTheShapesCnn();
    void importanceOfFeatureData();
    void tsneCanBeCancelled();
    void pcaSeparatesSeparableClasses();
    void misclassifiedTableForFeatureData();
    void viewsStartEmpty();

private:
    Bench m_cnn;
    QList<QList<QVariant>> m_kernelUpdates;
    QList<QList<QVariant>> m_histogramUpdates;
};

void TestInsideViews::initTestCase()
{
    m_cnn.model.setGraph(loadModel(templatePath("shapes_cnn")));
    m_cnn.dock.setGenerator("shapes");
    m_cnn.dock.setEvents(kEvents);
    m_cnn.dock.setEpochs(kEpochs);
    m_cnn.dock.setBatchSize(32);
    m_cnn.dock.setLearningRate(2e-3);
    m_cnn.dock.setValidationSplit(kValidation);
    m_cnn.dock.setTestSplit(0);
    QSignalSpy kernels(&m_cnn.session, &RunScheduler::kernelsUpdated);
    QSignalSpy histograms(&m_cnn.session, &RunScheduler::histogramsUpdated);
    QSignalSpy ready(&m_cnn.session, &RunScheduler::modelReady);
    QSignalSpy finished(&m_cnn.session, &RunScheduler::runFinished);
    QVERIFY(m_cnn.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QCOMPARE(m_cnn.session.runs().front().summary.reason, StopReason::Completed);
    QCOMPARE(ready.count(), 1);
    m_kernelUpdates = kernels;
    m_histogramUpdates = histograms;
}

void TestInsideViews::kernelsShowEveryChannelAndChangeWhileTraining()
{
    KernelView* view = m_cnn.area.kernels();
    QVERIFY(!view->isEmpty());
    QCOMPARE(view->data().epoch, kEpochs);
    QCOMPARE(view->data().layers.size(), std::size_t(3));
    QCOMPARE(view->currentLayer(), QString("conv2d_1"));
    QCOMPARE(view->tileCount(), 16); // 16 filters of one input channel
    view->setCurrentLayer("conv2d_2");
    QCOMPARE(view->tileCount(), 32 * 16);
    view->setAveraged(true);
    QCOMPARE(view->tileCount(), 32);
    view->setAveraged(false);
    checkPicture(m_cnn.area, view, view->plot(), 40);
    QCOMPARE(view->toCsv().trimmed().split('\n').size(), 1 + 32 * 16 * 9);

    // One update per epoch at most, the last the final one; the weights moved between the first and last.
    QVERIFY(m_kernelUpdates.size() >= 2);
    QVERIFY(m_kernelUpdates.size() <= kEpochs);
    const auto first = m_kernelUpdates.front().at(1).value<KernelsData>();
    const auto last = m_kernelUpdates.back().at(1).value<KernelsData>();
    QVERIFY(first.epoch < last.epoch);
    QCOMPARE(last.layers[0].values, view->data().layers[0].values);
    double moved = 0;
    for (std::size_t i = 0; i < first.layers[0].values.size(); ++i)
        moved += std::abs(first.layers[0].values[i] - last.layers[0].values[i]);
    QVERIFY2(moved > 1e-3, qPrintable(QString::number(moved)));
}

void TestInsideViews::featureMapsFollowTheChosenSample()
{
    FeatureMapView* view = m_cnn.area.featureMaps();
    QVERIFY(!view->isEmpty());
    QCOMPARE(view->sampleCount(), static_cast<int>(kEvents * kValidation));
    const FeatureMapData first = view->data();
    QCOMPARE(first.sample, 0);
    // Every node but the Output, each with its inferred shape.
    const auto shapes = m_cnn.model.graph().inferShapes();
    QCOMPARE(first.layers.size(), m_cnn.model.graph().nodes().size() - 1);
    for (const LayerActivation& a : first.layers) {
        QCOMPARE(a.shape, shapes.at(a.node));
        QCOMPARE(static_cast<std::int64_t>(a.values.size()), shapeVolume(a.shape));
    }
    QCOMPARE(view->tileCount("input"), 1);
    QCOMPARE(view->tileCount("conv2d_1"), 16);
    QCOMPARE(view->tileCount("conv2d_3"), 64);
    QCOMPARE(view->tileCount("dense_1"), 0);
    QVERIFY(first.truth >= 0 && first.truth < 3);
    QVERIFY(first.predicted >= 0 && first.predicted < 3);

    view->showSample(7);
    QCOMPARE(view->data().sample, 7);
    QVERIFY(view->data().row != first.row);
    QVERIFY(view->data().layers[1].values != first.layers[1].values);
    checkPicture(m_cnn.area, view, view->plot(), 40);
    const QStringList csv = view->toCsv().trimmed().split('\n');
    std::int64_t values = 0;
    for (const LayerActivation& a : view->data().layers)
        values += static_cast<std::int64_t>(a.values.size());
    QCOMPARE(csv.size(), static_cast<int>(values) + 1);
}

void TestInsideViews::galleryHoldsEveryMisclassifiedSample()
{
    const RunRecord& run = m_cnn.session.runs().front();
    const ConfusionData& confusion = run.evaluation.confusion;
    std::int64_t wrong = 0;
    for (std::size_t t = 0; t < confusion.counts.size(); ++t) {
        for (std::size_t p = 0; p < confusion.counts[t].size(); ++p)
            wrong += t == p ? 0 : confusion.counts[t][p];
    }
    MisclassifiedView* view = m_cnn.area.misclassified();
    QVERIFY(!view->isEmpty());
    QVERIFY(view->showsGallery());
    QCOMPARE(view->data().evaluated, confusion.total());
    QCOMPARE(view->data().total, wrong);
    QCOMPARE(view->itemCount(), static_cast<int>(wrong));
    for (const Misclassification& m : view->data().items) {
        QVERIFY(m.truth != m.predicted);
        QVERIFY(m.probability >= 1.0f / 3 - 1e-6f);
    }
    QCOMPARE(view->data().values.size(), view->data().items.size() * 32 * 32);
    if (wrong > 0)
        checkPicture(m_cnn.area, view, view->plot(), 20);
    QCOMPARE(view->toCsv().trimmed().split('\n').size(), static_cast<int>(wrong) + 1);
}

void TestInsideViews::confusionCellShowsItsSamples()
{
    const ConfusionData& confusion = m_cnn.session.runs().front().evaluation.confusion;
    // The off-diagonal cell with the most samples, as a teacher would click it.
    int truth = -1, predicted = -1;
    std::int64_t most = 0;
    for (std::size_t t = 0; t < confusion.counts.size(); ++t)
        for (std::size_t p = 0; p < confusion.counts[t].size(); ++p)
            if (t != p && confusion.counts[t][p] > most) {
                most = confusion.counts[t][p];
                truth = int(t);
                predicted = int(p);
            }
    if (most == 0)
        QSKIP("the CNN made no mistake on the held-out part");
    MisclassifiedView* view = m_cnn.area.misclassified();
    const int all = view->itemCount();
    emit m_cnn.area.confusion()->cellActivated(truth, predicted);
    QCOMPARE(m_cnn.area.currentWidget(), static_cast<QWidget*>(view));
    QVERIFY(view->filtered());
    QCOMPARE(view->itemCount(), static_cast<int>(most));
    QVERIFY(view->itemCount() < all || all == most);
    QCOMPARE(view->toCsv().trimmed().split('\n').size(), static_cast<int>(most) + 1);
    emit m_cnn.area.confusion()->cellActivated(truth, truth); // right answers: every mistake again
    QVERIFY(!view->filtered());
    QCOMPARE(view->itemCount(), all);
}

void TestInsideViews::histogramsCountEveryParameter()
{
    HistogramView* view = m_cnn.area.histograms();
    QVERIFY(!view->isEmpty());
    QCOMPARE(view->data().epoch, kEpochs);
    std::int64_t total = 0;
    for (const ParameterHistogram& h : view->data().parameters) {
        QCOMPARE(static_cast<std::int64_t>(std::accumulate(h.counts.begin(), h.counts.end(), 0.0)), h.count);
        QVERIFY(h.hasGradient);
        QCOMPARE(
            static_cast<std::int64_t>(std::accumulate(h.gradientCounts.begin(), h.gradientCounts.end(), 0.0)),
            h.count);
        QVERIFY(h.gradientNorm > 0);
        total += h.count;
    }
    QCOMPARE(total, m_cnn.model.graph().analyze().totalParams().total());
    QCOMPARE(view->shown().size(), std::size_t(10)); // weight and bias of five layers
    view->setLayer("dense_2");
    QCOMPARE(view->shown().size(), std::size_t(2));
    view->setLayer({});
    checkPicture(m_cnn.area, view, view->plot(), 10);
    QVERIFY(!m_histogramUpdates.isEmpty());
    QVERIFY(view->toCsv().trimmed().split('\n').size() == 1 + 10 * 2 * 40);
}

void TestInsideViews::embeddingOfTheShapesCnn()
{
    EmbeddingView* view = m_cnn.area.embedding();
    QVERIFY(waitForEmbedding(view));
    // The PCA started on its own, of the last hidden dense layer.
    QCOMPARE(view->data().method, QString("PCA"));
    QCOMPARE(view->data().node, std::string("dense_1"));
    QCOMPARE(view->data().size(), kEvents);
    QCOMPARE(
        std::set<int>(view->data().labels.begin(), view->data().labels.end()), (std::set<int> { 0, 1, 2 }));
    QVERIFY(view->data().explained[0] >= view->data().explained[1]);
    QVERIFY(view->data().explained[0] > 0);
    QVERIFY(view->data().images);

    // The inputs (1024 dimensions) and a convolution layer (16384, more than samples) project as well.
    view->compute("conv2d_1", "PCA");
    QVERIFY(view->isRunning());
    QVERIFY(waitForEmbedding(view));
    QCOMPARE(view->data().node, std::string("conv2d_1"));
    QCOMPARE(view->data().size(), kEvents);
    checkPicture(m_cnn.area, view, view->plot(), 5);
    view->showHover(3);
    QCOMPARE(view->hovered(), 3);
    QCOMPARE(view->toCsv().trimmed().split('\n').size(), kEvents + 1);
}

void TestInsideViews::tsneCanBeCancelled()
{
    EmbeddingView* view = m_cnn.area.embedding();
    QVERIFY(waitForEmbedding(view));
    QSignalSpy done(view, &EmbeddingView::computed);
    view->compute("dense_1", "t-SNE");
    QVERIFY(view->isRunning());
    view->cancel();
    QVERIFY(done.wait(kRunTimeoutMs));
    QVERIFY(!view->isRunning());
    QCOMPARE(view->data().method, QString("t-SNE"));
    QVERIFY(view->data().cancelled);
    QCOMPARE(view->data().size(), kEvents);
}

void TestInsideViews::pcaSeparatesSeparableClasses()
{
    Bench b;
    b.model.setGraph(loadModel(templatePath("xor_mlp")));
    b.dock.setGenerator("gaussians");
    b.dock.setGeneratorOption("separation", 6.0);
    b.dock.setGeneratorOption("sigma", 0.5);
    b.dock.setEvents(300);
    b.dock.setEpochs(2);
    b.dock.setBatchSize(30);
    b.dock.setValidationSplit(0.2);
    QSignalSpy finished(&b.session, &RunScheduler::runFinished);
    QVERIFY(b.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    EmbeddingView* view = b.area.embedding();
    QVERIFY(waitForEmbedding(view));
    view->compute("input", "PCA");
    QVERIFY(waitForEmbedding(view));
    const EmbeddingData& d = view->data();
    QCOMPARE(d.size(), 300);
    // The blobs lie on the diagonal: the first component is the line through them, and no point crosses.
    QVERIFY(d.explained[0] > 0.9);
    float maxA = -1e9f, minA = 1e9f, maxB = -1e9f, minB = 1e9f;
    for (int i = 0; i < d.size(); ++i) {
        float& hi = d.labels[i] == 0 ? maxA : maxB;
        float& lo = d.labels[i] == 0 ? minA : minB;
        hi = std::max(hi, d.x[i]);
        lo = std::min(lo, d.x[i]);
    }
    QVERIFY2(maxA < minB || maxB < minA,
        qPrintable(QString("%1 %2 %3 %4").arg(minA).arg(maxA).arg(minB).arg(maxB)));
    // No image data: no kernels, and the mistakes (if any) are a table.
    QVERIFY(b.area.kernels()->isEmpty());
    QVERIFY(!b.area.misclassified()->showsGallery());
}

void TestInsideViews::misclassifiedTableForFeatureData()
{
    MisclassifiedData d;
    d.evaluated = 10;
    d.total = 3;
    d.sampleShape = { 2 };
    d.classNames = { "background", "signal" };
    d.featureNames = { "x1", "x2" };
    d.part = "validation";
    for (int i = 0; i < 3; ++i) {
        d.items.push_back({ 10 + i, i, i % 2, 1 - i % 2, 0.6f + 0.1f * i, 0.4f - 0.1f * i });
        d.values.push_back(0.5f * i);
        d.values.push_back(-0.5f * i);
    }
    MisclassifiedView view;
    view.setData(d, "sample");
    QVERIFY(!view.showsGallery());
    QCOMPARE(view.itemCount(), 3);
    QCOMPARE(view.table()->columnCount(), 5 + 2);
    QCOMPARE(view.table()->horizontalHeaderItem(5)->text(), QString("x1"));
    const QStringList csv = view.toCsv().trimmed().split('\n');
    QCOMPARE(csv.size(), 4);
    QVERIFY(csv[1].startsWith("12,")); // the most confident mistake first
    QTemporaryDir dir;
    view.resize(700, 400);
    QVERIFY(view.exportPng(dir.filePath("table.png")));
    QVERIFY(!QImage(dir.filePath("table.png")).isNull());
}

// The importance view explains the predicted class of the first held-out image at first (the class the
// feature maps, computed another way, also predict), then any chosen sample and class.
void TestInsideViews::importanceOfTheShapesCnn()
{
    ImportanceView* view = m_cnn.area.importance();
    QVERIFY(view->isEmpty()); // not computed while not looked at
    m_cnn.area.setCurrentWidget(view);
    QVERIFY(waitForImportance(view));
    const ImportanceData first = view->data();
    QVERIFY(first.images);
    QCOMPARE(first.maps.height, std::int64_t(32));
    QCOMPARE(first.maps.width, std::int64_t(32));
    QCOMPARE(first.image.size(), std::size_t(32 * 32));
    QCOMPARE(first.maps.gradient.size(), std::size_t(32 * 32));
    QCOMPARE(first.maps.occlusion.size(), std::size_t(32 * 32));
    QCOMPARE(first.sample, 0);
    QCOMPARE(first.maps.classIndex, first.maps.predicted);
    FeatureMapView* maps = m_cnn.area.featureMaps();
    maps->showSample(0);
    QCOMPARE(first.maps.predicted, maps->data().predicted);
    QVERIFY(*std::min_element(first.maps.gradient.begin(), first.maps.gradient.end()) >= 0);
    QVERIFY(*std::max_element(first.maps.gradient.begin(), first.maps.gradient.end()) > 0);

    const int other = (first.maps.predicted + 1) % 3;
    view->showSample(4, other);
    QVERIFY(waitForImportance(view));
    QCOMPARE(view->data().sample, 4);
    QCOMPARE(view->data().maps.classIndex, other);
    QVERIFY(view->data().maps.gradient != first.maps.gradient);
    QCOMPARE(view->toCsv().trimmed().split('\n').size(), 1 + 32 * 32);
    checkPicture(m_cnn.area, view, view->plot(), 20);
}

// A small classifier of two features (xor) trained for real: both features count, in both measures.
void TestInsideViews::importanceOfFeatureData()
{
    Bench xor_;
    xor_.model.setGraph(loadModel(templatePath("xor_mlp")));
    xor_.dock.setGenerator("xor");
    xor_.dock.setEvents(600);
    xor_.dock.setEpochs(30);
    xor_.dock.setBatchSize(32);
    xor_.dock.setLearningRate(2e-2);
    xor_.dock.setValidationSplit(0.3);
    xor_.dock.setTestSplit(0);
    QSignalSpy finished(&xor_.session, &RunScheduler::runFinished);
    QVERIFY(xor_.dock.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    ImportanceView* view = xor_.area.importance();
    xor_.area.setCurrentWidget(view);
    QVERIFY(waitForImportance(view));
    const ImportanceData& d = view->data();
    QVERIFY(!d.images);
    QCOMPARE(d.features.gradientTimesInput.size(), std::size_t(2));
    QCOMPARE(d.features.permutation.size(), std::size_t(2));
    QCOMPARE(d.features.metric, std::string("AUC"));
    QCOMPARE(d.features.samples, 180);
    for (std::size_t f = 0; f < 2; ++f) {
        QVERIFY2(d.features.gradientTimesInput[f] > 0,
            qPrintable(QString::number(d.features.gradientTimesInput[f])));
        // Without either coordinate xor is a coin toss: the AUC falls by a good part of its excess over 0.5.
        QVERIFY2(d.features.permutation[f] > 0.1, qPrintable(QString::number(d.features.permutation[f])));
    }
    const QStringList csv = view->toCsv().trimmed().split('\n');
    QCOMPARE(csv.size(), 3);
    QCOMPARE(csv[0], QString("feature,gradient_x_input,permutation"));
    checkPicture(xor_.area, view, view->plot(), 4);
}

void TestInsideViews::viewsStartEmpty()
{
    KernelView kernels;
    FeatureMapView maps;
    MisclassifiedView wrong;
    HistogramView histograms;
    TaskQueue tasks;
    EmbeddingView embedding(&tasks);
    ImportanceView importance(&tasks);
    QVERIFY(kernels.isEmpty() && maps.isEmpty() && wrong.isEmpty() && histograms.isEmpty()
        && embedding.isEmpty() && importance.isEmpty());
    QVERIFY(!importance.isComputing());
    QCOMPARE(kernels.tileCount(), 0);
    QCOMPARE(kernels.toCsv().trimmed().split('\n').size(), 1);
    QCOMPARE(histograms.toCsv().trimmed().split('\n').size(), 1);
    QVERIFY(!embedding.isRunning());
    embedding.compute(); // without a model: nothing to do
    QVERIFY(!embedding.isRunning());
}

NEURINO_TEST_MAIN(TestInsideViews)
#include "TestInsideViews.moc"
