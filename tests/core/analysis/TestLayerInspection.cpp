// Looking inside a GraphModule: kernels have the layer's shape and are its weights, activations cover
// every layer, histograms count every parameter (and the gradients a backward pass left), misclassified
// rows are the ones whose arg-max differs from the target; PCA copes with more dimensions than samples.
#include "core/analysis/LayerInspection.h"
#include "core/analysis/Pca.h"
#include "core/graph/ModelJson.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <numeric>

using namespace neurino;

class TestLayerInspection : public QObject {
    Q_OBJECT

private slots:
    void kernelsAreTheConvolutionWeights()
    {
        torch::manual_seed(3);
        GraphModule module(loadModel(templatePath("shapes_cnn")));
        const std::vector<std::string> convs = convolutionNodes(module->graph());
        QCOMPARE(convs, (std::vector<std::string> { "conv2d_1", "conv2d_2", "conv2d_3" }));
        const std::vector<KernelSet> sets = kernelSets(module);
        QCOMPARE(sets.size(), std::size_t(3));
        const KernelSet& second = sets[1];
        QCOMPARE(second.outChannels, 32);
        QCOMPARE(second.inChannels, 16);
        QCOMPARE(second.height, 3);
        QCOMPARE(second.width, 3);
        QCOMPARE(second.values.size(), std::size_t(32 * 16 * 9));
        const torch::Tensor w = module->nodeTensors().at("conv2d_2").at("weight");
        QCOMPARE(second.at(5, 7, 2, 1), w[5][7][2][1].item<float>());
        QCOMPARE(second.maxAbs(), w.abs().max().item<float>());
        const std::vector<float> mean = second.averagedOverInputs();
        QCOMPARE(mean.size(), std::size_t(32 * 9));
        QVERIFY(std::abs(mean[4 * 9 + 3] - w[4].mean(0)[1][0].item<float>()) < 1e-6f);
        QVERIFY_THROWS_EXCEPTION(ModelError, kernelSet(module, "dense_1"));
    }

    void activationsCoverEveryLayer()
    {
        torch::manual_seed(3);
        GraphModule module(loadModel(templatePath("shapes_cnn")));
        module->train();
        const torch::Tensor x = torch::rand({ 1, 1, 32, 32 });
        const std::vector<LayerActivation> layers = layerActivations(module, x);
        QVERIFY(module->is_training()); // restored
        QCOMPARE(layers.size(), module->graph().nodes().size() - 1); // all but Output
        QCOMPARE(layers.front().node, std::string("input"));
        QCOMPARE(layers.front().values, std::vector<float>(x.data_ptr<float>(), x.data_ptr<float>() + 1024));
        QCOMPARE(layers[1].node, std::string("conv2d_1"));
        QCOMPARE(layers[1].shape, (Shape { 16, 32, 32 }));
        QCOMPARE(layers[1].values.size(), std::size_t(16 * 32 * 32));
        // conv2d_1 has a ReLU: nothing negative; the softmax sums to one.
        QVERIFY(*std::min_element(layers[1].values.begin(), layers[1].values.end()) >= 0);
        const LayerActivation& last = layers.back();
        QCOMPARE(last.node, std::string("dense_2"));
        QVERIFY(std::abs(std::accumulate(last.values.begin(), last.values.end(), 0.0f) - 1) < 1e-5f);
    }

    void histogramsCountEveryParameter()
    {
        torch::manual_seed(3);
        const ModelGraph graph = loadModel(templatePath("shapes_cnn"));
        GraphModule module(graph);
        std::vector<ParameterHistogram> hs = parameterHistograms(module, 30);
        std::int64_t total = 0;
        for (const ParameterHistogram& h : hs) {
            QCOMPARE(h.counts.size(), std::size_t(30));
            QCOMPARE(
                static_cast<std::int64_t>(std::accumulate(h.counts.begin(), h.counts.end(), 0.0)), h.count);
            QVERIFY(!h.hasGradient);
            total += h.count;
        }
        QCOMPARE(total, graph.analyze().totalParams().total());
        QCOMPARE(hs.front().node, std::string("conv2d_1"));
        QCOMPARE(hs.front().param, std::string("weight"));
        const torch::Tensor w = module->nodeTensors().at("conv2d_1").at("weight").to(torch::kDouble);
        QVERIFY(std::abs(hs.front().mean - w.mean().item<double>()) < 1e-6);
        QVERIFY(std::abs(hs.front().stdDev - w.std().item<double>()) < 1e-6);
        QVERIFY(hs.front().low <= w.min().item<double>() && hs.front().high > w.max().item<double>());

        // The first class's probability: the sum of all (softmax) outputs would be 1 whatever the weights,
        // with a gradient of rounding errors only, exactly 0 on some BLAS.
        module->forward(torch::rand({ 4, 1, 32, 32 })).select(1, 0).sum().backward();
        hs = parameterHistograms(module, 30);
        const torch::Tensor g = module->nodeTensors().at("conv2d_1").at("weight").grad().to(torch::kDouble);
        QVERIFY(g.norm().item<double>() > 1e-6);
        QVERIFY(std::abs(hs.front().gradientNorm - g.norm().item<double>()) < 1e-4 * g.norm().item<double>());
        for (const ParameterHistogram& h : hs) {
            QVERIFY(h.hasGradient);
            QCOMPARE(static_cast<std::int64_t>(
                         std::accumulate(h.gradientCounts.begin(), h.gradientCounts.end(), 0.0)),
                h.count);
        }
    }

    void misclassifiedRowsAreTheWrongOnes()
    {
        const torch::Tensor scores
            = torch::tensor({ 0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f, 0.5f, 0.4f, 0.1f })
                  .reshape({ 4, 3 });
        const torch::Tensor targets = torch::tensor({ 0, 2, 2, 1 }, torch::kLong);
        const torch::Tensor rows = torch::tensor({ 10, 11, 12, 13 }, torch::kLong);
        const std::vector<Misclassification> wrong = misclassifications(scores, targets, rows);
        QCOMPARE(wrong.size(), std::size_t(2));
        QCOMPARE(wrong[0].row, std::int64_t(11));
        QCOMPARE(wrong[0].truth, 2);
        QCOMPARE(wrong[0].predicted, 1);
        QCOMPARE(wrong[0].probability, 0.8f);
        QCOMPARE(wrong[0].truthProbability, 0.1f);
        QCOMPARE(wrong[1].row, std::int64_t(13));
        QCOMPARE(wrong[1].position, 3);

        // Binary: one column of p(class 1).
        const auto binary = misclassifications(
            torch::tensor({ 0.9f, 0.2f, 0.6f }).reshape({ 3, 1 }), torch::tensor({ 1.0f, 1.0f, 0.0f }));
        QCOMPARE(binary.size(), std::size_t(2));
        QCOMPARE(binary[0].row, std::int64_t(1));
        QCOMPARE(binary[0].predicted, 0);
        QVERIFY(std::abs(binary[0].probability - 0.8f) < 1e-6f);
    }

    void pcaWithMoreDimensionsThanSamples()
    {
        torch::manual_seed(5);
        // Two classes 40 apart along one direction of a 2000-dimensional space, 60 samples.
        const torch::Tensor direction = torch::randn({ 2000 });
        const torch::Tensor labels = torch::arange(60) % 2;
        const torch::Tensor data = torch::randn({ 60, 2000 })
            + labels.unsqueeze(1).to(torch::kFloat) * direction / direction.norm() * 40;
        Pca pca(data, 2);
        QVERIFY(torch::allclose(
            pca.components().mm(pca.components().t()), torch::eye(2, torch::kDouble), 1e-6, 1e-6));
        const torch::Tensor projected = pca.transform(data).select(1, 0);
        const torch::Tensor a = projected.masked_select(labels == 0),
                            b = projected.masked_select(labels == 1);
        QVERIFY(
            a.max().item<float>() < b.min().item<float>() || b.max().item<float>() < a.min().item<float>());
        // The same axes as the scatter-matrix route gives for data of few dimensions.
        const torch::Tensor small = torch::randn({ 5, 8 });
        Pca gram(small, 3);
        QCOMPARE(gram.components().size(1), std::int64_t(8));
        QVERIFY(gram.explainedVarianceRatio().sum().item<float>() <= 1.0f + 1e-5f);
    }
};

NEURINO_TEST_MAIN(TestLayerInspection)
#include "TestLayerInspection.moc"
