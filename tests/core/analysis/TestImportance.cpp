// Importance maps on constructed cases: a model that reads one feature or one pixel must light up that
// feature or pixel and nothing else, in every method (gradient, occlusion, gradient × input, permutation).
#include "core/analysis/Importance.h"
#include "core/graph/ModelJson.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

using namespace neurino;

namespace {

// Input (shape) → [Flatten] → Dense(1, sigmoid) whose only non-zero weight is `weight` on flat input `at`.
GraphModule readsOneInput(const std::vector<std::int64_t>& shape, std::int64_t at, float weight)
{
    ModelGraph g;
    g.setName("reads_one_input");
    g.addNode("Input", { { "shape", shape } }, "input");
    std::string last = "input";
    if (shape.size() > 1) {
        g.addNode("Flatten", nlohmann::json::object(), "flatten");
        g.connect("input", "flatten");
        last = "flatten";
    }
    g.addNode("Dense", { { "units", 1 }, { "activation", "sigmoid" } }, "score");
    g.addNode("Output", nlohmann::json::object(), "output");
    g.connect(last, "score");
    g.connect("score", "output");
    GraphModule module(g);
    const torch::NoGradGuard noGradients;
    auto parameters = module->named_parameters();
    parameters["score.weight"].zero_();
    parameters["score.weight"][0][at] = weight;
    parameters["score.bias"].zero_();
    return module;
}

double accuracy(const torch::Tensor& outputs, const torch::Tensor& targets)
{
    return (outputs.flatten().gt(0.5) == targets.flatten().gt(0.5)).to(torch::kDouble).mean().item<double>();
}

} // namespace

class TestImportance : public QObject {
    Q_OBJECT

private slots:
    void tabularModelLightsUpItsFeature()
    {
        torch::manual_seed(4);
        GraphModule module = readsOneInput({ 4 }, 2, 3.0f);
        module->train();
        const torch::Tensor x = torch::randn({ 300, 4 });

        // The score is the logit 3·x₂: its gradient is 3 on feature 2 and 0 elsewhere, for every sample.
        const torch::Tensor map = gradientMap(module, x, 0);
        QCOMPARE(map.sizes(), x.sizes());
        QVERIFY(torch::allclose(map.select(1, 2), torch::full({ 300 }, 3.0f)));
        QCOMPARE(map.select(1, 0).abs().max().item<float>(), 0.0f);
        QCOMPARE(map.select(1, 3).abs().max().item<float>(), 0.0f);

        const std::vector<double> gxi = gradientTimesInput(module, x, 0);
        QCOMPARE(gxi.size(), std::size_t(4));
        QVERIFY(std::abs(gxi[2] - (3 * x.select(1, 2)).abs().mean().item<double>()) < 1e-5);
        QCOMPARE(gxi[0] + gxi[1] + gxi[3], 0.0);

        // Targets the model gets right; shuffling feature 2 costs about half the accuracy, the others
        // nothing at all.
        const torch::Tensor targets = (x.select(1, 2) > 0).to(torch::kFloat);
        const std::vector<double> permuted = permutationImportance(module, x, targets, accuracy, 3, 11);
        QCOMPARE(permuted.size(), std::size_t(4));
        QVERIFY2(permuted[2] > 0.3, qPrintable(QString::number(permuted[2])));
        QCOMPARE(permuted[0], 0.0);
        QCOMPARE(permuted[1], 0.0);
        QCOMPARE(permuted[3], 0.0);
        QCOMPARE(permutationImportance(module, x, targets, accuracy, 3, 11), permuted); // seeded

        // The module's mode is restored and its parameters keep no gradient.
        QVERIFY(module->is_training());
        for (const auto& p : module->parameters())
            QVERIFY(!p.grad().defined());
    }

    void imageModelLightsUpItsPixel()
    {
        torch::manual_seed(5);
        // Pixel (row 5, column 2) of an 8×8 single-channel image.
        GraphModule module = readsOneInput({ 1, 8, 8 }, 5 * 8 + 2, 2.0f);
        torch::Tensor image = torch::rand({ 1, 8, 8 });
        image[0][5][2] = 1.0f;

        const torch::Tensor map = gradientMap(module, image.unsqueeze(0), 0)[0][0];
        QCOMPARE(map[5][2].item<float>(), 2.0f);
        QCOMPARE(map.sum().item<float>(), 2.0f);

        // Hiding the pixel (fill 0) takes 2·1 off the logit. The cell itself is under 4 patches of 2×2
        // that all hide it, a side neighbour under 2 of its 4, a cell two away under none.
        const torch::Tensor occlusion = occlusionMap(module, image, 0, 2, 1);
        QCOMPARE(occlusion.sizes(), (torch::IntArrayRef { 8, 8 }));
        QVERIFY(std::abs(occlusion[5][2].item<float>() - 2.0f) < 1e-5f);
        QVERIFY(std::abs(occlusion[5][3].item<float>() - 1.0f) < 1e-5f);
        QVERIFY(std::abs(occlusion[4][2].item<float>() - 1.0f) < 1e-5f);
        QCOMPARE(occlusion[5][4].item<float>(), 0.0f);
        QCOMPARE(occlusion[0][0].item<float>(), 0.0f);
        QCOMPARE(occlusion.argmax().item<std::int64_t>(), std::int64_t(5 * 8 + 2));
        // A stride that does not divide the image still covers its last rows and columns.
        const torch::Tensor coarse = occlusionMap(module, image, 0, 3, 2);
        QVERIFY(coarse[5][2].item<float>() > 0);
        QVERIFY(coarse[7][7].item<float>() == 0.0f);
    }

    // The report a view or a lesson shows: both measures, names, ranking and the share of a group.
    void featureReportRanksTheFeatureTheModelReads()
    {
        torch::manual_seed(7);
        GraphModule module = readsOneInput({ 3 }, 1, 4.0f);
        const torch::Tensor x = torch::randn({ 400, 3 });
        const torch::Tensor targets = (x.select(1, 1) > 0).to(torch::kLong);
        const FeatureImportance report
            = featureImportance(module, x, targets, Task::Binary, { "pt", "eta" }, 5);
        QCOMPARE(report.featureNames, (std::vector<std::string> { "pt", "eta", "feature 2" }));
        QCOMPARE(report.metric, std::string("AUC"));
        QCOMPARE(report.samples, 400);
        QCOMPARE(report.outputs, 1);
        QCOMPARE(report.classIndex, 0); // class 5 does not exist: the one output's score
        QCOMPARE(report.permutation.size(), std::size_t(3));
        QVERIFY2(report.permutation[1] > 0.3, qPrintable(QString::number(report.permutation[1])));
        QCOMPARE(report.ranking().front(), std::size_t(1));
        QCOMPARE(report.share({ 1 }), 1.0);
        QCOMPARE(report.share({ 0, 2 }), 0.0);
        // Without targets: gradient × input alone ranks.
        const FeatureImportance untargeted = featureImportance(module, x, {}, Task::Binary, {}, 0);
        QVERIFY(untargeted.permutation.empty());
        QVERIFY(untargeted.metric.empty());
        QCOMPARE(untargeted.ranking().front(), std::size_t(1));
        QCOMPARE(untargeted.share({ 1 }), 1.0);
    }

    void imageReportMapsThePixelTheModelReads()
    {
        GraphModule module = readsOneInput({ 1, 16, 16 }, 3 * 16 + 12, 2.0f);
        torch::Tensor image = torch::zeros({ 1, 16, 16 });
        image[0][3][12] = 1.0f;
        const ImageImportance maps = imageImportance(module, image, -1);
        QCOMPARE(maps.outputs, 1);
        QCOMPARE(maps.predicted, 1); // sigmoid(2) > 0.5
        QCOMPARE(maps.height, std::int64_t(16));
        QCOMPARE(maps.width, std::int64_t(16));
        QCOMPARE(maps.patch, std::int64_t(2));
        QCOMPARE(maps.gradient.size(), std::size_t(256));
        const auto brightest
            = [](const std::vector<float>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
        QCOMPARE(brightest(maps.gradient), std::ptrdiff_t(3 * 16 + 12));
        QCOMPARE(brightest(maps.occlusion), std::ptrdiff_t(3 * 16 + 12));
    }

    void templateCnnGivesAMapPerClass()
    {
        torch::manual_seed(6);
        GraphModule module(loadModel(templatePath("shapes_cnn")));
        const torch::Tensor images = torch::rand({ 3, 1, 32, 32 });
        const torch::Tensor map = gradientMap(module, images, 2);
        QCOMPARE(map.sizes(), images.sizes());
        QVERIFY(map.sum().item<float>() > 0);
        QCOMPARE(occlusionMap(module, images[0], 1, 8, 4).sizes(), (torch::IntArrayRef { 32, 32 }));
    }

    void badRequestsAreRefusedWithAReason()
    {
        GraphModule module(loadModel(templatePath("shapes_cnn")));
        const torch::Tensor images = torch::rand({ 2, 1, 32, 32 });
        try {
            gradientMap(module, images, 7);
            QFAIL("class 7 of a 3-class model");
        } catch (const ModelError& e) {
            QVERIFY2(QString(e.what()).contains("class 7 does not exist")
                    && QString(e.what()).contains("3 outputs"),
                e.what());
        }
        try {
            occlusionMap(module, images[0], 0, 40, 1);
            QFAIL("a patch larger than the image");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("does not fit a 32×32 image"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(DataError, occlusionMap(module, torch::rand({ 5 }), 0, 1, 1));
        QVERIFY_THROWS_EXCEPTION(DataError, gradientTimesInput(module, images, 0));
        QVERIFY_THROWS_EXCEPTION(DataError,
            permutationImportance(module, torch::rand({ 4, 3 }), torch::rand({ 5 }), accuracy, 1, 1));
    }
};

NEURINO_TEST_MAIN(TestImportance)
#include "TestImportance.moc"
