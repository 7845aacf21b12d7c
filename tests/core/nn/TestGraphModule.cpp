// GraphModule executes a ModelGraph with LibTorch: shapes, Keras semantics of padding and BatchNorm axes,
// initialisers, logits, activations of any node, and training through skip connections. Each kind's LibTorch
// layer comes from the builder that the layer registry names in the kind's description.
#include "core/graph/LayerRegistry.h"
#include "core/graph/ModelJson.h"
#include "core/nn/GraphModule.h"
#include "core/util/Error.h"
#include "core/util/Seed.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <algorithm>

#include <torch/torch.h>

using namespace neurino;
using nlohmann::json;

namespace {

torch::Tensor batchOf(const Shape& shape, std::int64_t n = 3)
{
    std::vector<std::int64_t> sizes { n };
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    return torch::randn(sizes);
}

ModelGraph single(const Shape& input, const std::string& kind, const json& params)
{
    ModelGraph g;
    g.addNode("Input", { { "shape", input } }, "input");
    g.addNode(kind, params, "layer");
    g.connect("input", "layer");
    return g;
}

// Every kind at least once, with odd sizes and asymmetric "same" padding.
ModelGraph everyKind()
{
    ModelGraph g;
    auto chainTo = [&g](const std::string& kind, const json& params, const std::string& from) {
        const std::string id = g.addNode(kind, params);
        g.connect(from, id);
        return id;
    };
    g.addNode("Input", { { "shape", { 2, 9, 10 } } }, "image");
    std::string x = chainTo("Conv2D",
        { { "filters", 4 }, { "kernel_size", { 4, 3 } }, { "padding", "same" }, { "activation", "relu" } },
        "image");
    const std::string skip = x;
    x = chainTo("BatchNorm", { { "axis", -1 } }, x);
    x = chainTo("LeakyReLU", {}, x);
    const std::string add = g.addNode("Add");
    g.connect(skip, add);
    g.connect(x, add);
    x = chainTo("MaxPool2D", { { "padding", "same" } }, add);
    x = chainTo("AvgPool2D", { { "pool_size", 2 }, { "strides", 1 }, { "padding", "same" } }, x);
    x = chainTo("ConvTranspose2D",
        { { "filters", 3 }, { "kernel_size", 3 }, { "strides", 2 }, { "padding", "same" } }, x);
    x = chainTo("UpSampling2D", { { "size", { 1, 2 } } }, x);
    x = chainTo("ZeroPadding2D", { { "padding", { 1, 0 } } }, x);
    x = chainTo("BatchNorm", {}, x);
    x = chainTo("ELU", {}, x);
    x = chainTo("Flatten", {}, x);
    x = chainTo("Dropout", { { "rate", 0.2 } }, x);
    x = chainTo("Dense", { { "units", 60 }, { "activation", "tanh" } }, x);
    x = chainTo("Reshape", { { "target_shape", { 3, 20 } } }, x);
    x = chainTo("Conv1D", { { "filters", 5 }, { "kernel_size", 4 }, { "padding", "same" } }, x);
    x = chainTo("MaxPool1D", { { "pool_size", 3 }, { "padding", "same" } }, x);
    x = chainTo("AvgPool1D", {}, x);
    x = chainTo("Sigmoid", {}, x);
    x = chainTo("Flatten", {}, x);
    g.addNode("Input", { { "shape", { 2 } } }, "energy");
    const std::string cat = g.addNode("Concat");
    g.connect(x, cat);
    g.connect("energy", cat);
    x = chainTo("Dense", { { "units", 4 } }, cat);
    x = chainTo("ReLU", {}, x);
    x = chainTo("Tanh", {}, x);
    x = chainTo("Softmax", {}, x);
    chainTo("Output", {}, x);
    return g;
}

} // namespace

class TestGraphModule : public QObject {
    Q_OBJECT

private slots:
    void init() { seedEverything(kDefaultSeed); }

    void everyNodeGetsItsInferredShape_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : { "xor_mlp", "shapes_dense", "shapes_cnn", "higgs_shallow", "higgs_deep",
                 "calo_gan_generator", "calo_gan_discriminator", "every_kind" })
            QTest::newRow(n) << n;
    }

    void everyNodeGetsItsInferredShape()
    {
        QFETCH(QString, name);
        const ModelGraph g
            = name == "every_kind" ? everyKind() : loadModel(test::templateFile(name.toStdString()));
        QVERIFY2(g.validate().empty(), formatIssues(g, g.validate()).c_str());
        GraphModule module(g);
        std::vector<torch::Tensor> inputs;
        for (const auto& id : g.inputNodes())
            inputs.push_back(batchOf(module->shapes().at(id)));
        std::vector<std::string> ids;
        for (const auto& n : g.nodes())
            ids.push_back(n.id);
        for (bool training : { true, false }) {
            module->train(training);
            const auto acts = module->activations(inputs, ids);
            for (const auto& id : ids) {
                std::vector<std::int64_t> expected { 3 };
                const Shape& s = module->shapes().at(id);
                expected.insert(expected.end(), s.begin(), s.end());
                QVERIFY2(acts.at(id).sizes().vec() == expected,
                    (id + ": " + formatShape(acts.at(id).sizes().vec())).c_str());
                QVERIFY2(torch::isfinite(acts.at(id)).all().item<bool>(), id.c_str());
            }
        }
    }

    void parametersMatchTheCount_data() { everyNodeGetsItsInferredShape_data(); }

    void parametersMatchTheCount()
    {
        QFETCH(QString, name);
        const ModelGraph g
            = name == "every_kind" ? everyKind() : loadModel(test::templateFile(name.toStdString()));
        GraphModule module(g);
        std::int64_t trainable = 0, buffers = 0;
        for (const auto& p : module->parameters())
            trainable += p.numel();
        for (const auto& b : module->buffers())
            buffers += b.numel();
        QCOMPARE(trainable, g.parameterCount().trainable);
        QCOMPARE(buffers, g.parameterCount().nonTrainable);
        // Checkpoints store weights per node, under the node's id.
        const auto tensors = module->nodeTensors();
        for (const auto& [node, params] : tensors)
            QVERIFY2(g.hasNode(node), node.c_str());
    }

    // everyKind() builds and runs in the tests above, so every kind's builder makes a layer of the inferred
    // shape and the Keras parameter count.
    void everyKindHasABuilder()
    {
        const ModelGraph g = everyKind();
        for (const LayerKind& k : LayerRegistry::instance().kinds()) {
            QVERIFY2(static_cast<bool>(k.build), (k.name + " has no builder").c_str());
            const auto& nodes = g.nodes();
            const bool used = std::any_of(
                nodes.begin(), nodes.end(), [&k](const Node& n) { return n.layer.kind == k.name; });
            QVERIFY2(used, ("everyKind() has no " + k.name).c_str());
        }
    }

    void incompleteRegistryIsRefused_data()
    {
        QTest::addColumn<QString>("defect");
        QTest::addColumn<QString>("message");
        QTest::newRow("no builder") << "builder"
                                    << "layer kind 'Dense' has no LibTorch builder";
        QTest::newRow("no shape rule") << "shape"
                                       << "layer kind 'Dense' has no shape rule";
        QTest::newRow("described twice") << "twice"
                                         << "layer kind 'Dense' is described twice";
    }

    void incompleteRegistryIsRefused()
    {
        QFETCH(QString, defect);
        QFETCH(QString, message);
        std::vector<LayerKind> kinds = LayerRegistry::instance().kinds();
        QVERIFY(LayerRegistry(kinds).find("Dense") != nullptr);
        auto dense
            = std::find_if(kinds.begin(), kinds.end(), [](const LayerKind& k) { return k.name == "Dense"; });
        if (defect == "builder")
            dense->build = nullptr;
        else if (defect == "shape")
            dense->outputShape = nullptr;
        else
            kinds.push_back(*dense);
        try {
            LayerRegistry registry(kinds);
            QFAIL("an incomplete registry must not exist");
        } catch (const ModelError& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos, e.what());
        }
    }

    void sameShapeAsKeras()
    {
        // Kernel (1, 2) with "same": Keras pads the one missing column after, so out[i] = x[i] + x[i + 1].
        GraphModule m(single({ 1, 1, 4 }, "Conv2D",
            { { "filters", 1 }, { "kernel_size", { 1, 2 } }, { "padding", "same" },
                { "kernel_initializer", "zeros" } }));
        {
            torch::NoGradGuard noGrad;
            for (auto& p : m->parameters())
                p.fill_(p.dim() > 1 ? 1.0 : 0.0);
        }
        const torch::Tensor x = torch::tensor({ 1.f, 2.f, 3.f, 4.f }).reshape({ 1, 1, 1, 4 });
        QVERIFY(torch::equal(m->forward(x).flatten(), torch::tensor({ 3.f, 5.f, 7.f, 4.f })));
    }

    void samePoolingIgnoresPadding()
    {
        GraphModule avg(single({ 1, 3, 3 }, "AvgPool2D", { { "padding", "same" } }));
        QVERIFY(torch::allclose(avg->forward(torch::ones({ 1, 1, 3, 3 })), torch::ones({ 1, 1, 2, 2 })));
        GraphModule max(single({ 1, 3, 3 }, "MaxPool2D", { { "padding", "same" } }));
        QVERIFY(torch::equal(max->forward(-torch::ones({ 1, 1, 3, 3 })), -torch::ones({ 1, 1, 2, 2 })));
    }

    void transposedConvolutionSame()
    {
        // Kernel smaller than the stride: the output still has in x stride cells.
        GraphModule m(single({ 2, 3, 4 }, "ConvTranspose2D",
            { { "filters", 1 }, { "kernel_size", 1 }, { "strides", 2 }, { "padding", "same" } }));
        QCOMPARE(m->forward(torch::randn({ 5, 2, 3, 4 })).sizes().vec(),
            (std::vector<std::int64_t> { 5, 1, 6, 8 }));
    }

    void batchNormNormalisesTheChosenAxis()
    {
        GraphModule m(single({ 3, 4, 5 }, "BatchNorm", { { "axis", -1 } }));
        m->train();
        const torch::Tensor y = m->forward(torch::randn({ 8, 3, 4, 5 }) * 3 + 2);
        const torch::Tensor mean = y.mean({ 0, 1, 2 });
        const torch::Tensor var = y.var({ 0, 1, 2 }, /*unbiased=*/false);
        QCOMPARE(mean.size(0), std::int64_t(5));
        QVERIFY(torch::allclose(mean, torch::zeros({ 5 }), 1e-4, 1e-5));
        QVERIFY(torch::allclose(var, torch::ones({ 5 }), 1e-2, 1e-2));
        // Keras momentum 0.99: the moving mean moves 1 % of the way to the batch mean.
        const auto tensors = m->nodeTensors().at("layer");
        QVERIFY(tensors.at("running_mean").abs().max().item<float>() < 0.1f);
        QVERIFY(tensors.at("running_mean").abs().max().item<float>() > 0.0f);
    }

    void initialisers()
    {
        for (const std::string init :
            { "zeros", "glorot_uniform", "he_normal", "glorot_normal", "he_uniform" }) {
            GraphModule m(single({ 400 }, "Dense", { { "units", 300 }, { "kernel_initializer", init } }));
            const auto t = m->nodeTensors().at("layer");
            QVERIFY(torch::equal(t.at("bias"), torch::zeros({ 300 })));
            const double sd = t.at("weight").std().item<double>();
            const double expected = init == "zeros" ? 0.0
                : init.rfind("glorot", 0) == 0      ? std::sqrt(2.0 / 700.0)
                                                    : std::sqrt(2.0 / 400.0);
            QVERIFY2(std::abs(sd - expected) <= 0.05 * expected + 1e-12,
                (init + " " + std::to_string(sd)).c_str());
        }
    }

    void sameSeedSameWeights()
    {
        seedEverything(7);
        GraphModule a(loadModel(test::templateFile("higgs_shallow")));
        seedEverything(7);
        GraphModule b(loadModel(test::templateFile("higgs_shallow")));
        const auto pa = a->parameters(), pb = b->parameters();
        for (std::size_t i = 0; i < pa.size(); ++i)
            QVERIFY(torch::equal(pa[i], pb[i]));
    }

    void logitsLeaveOutTheFinalActivation()
    {
        GraphModule binary(loadModel(test::templateFile("higgs_shallow")));
        QCOMPARE(binary->outputActivation(), std::string("sigmoid"));
        const torch::Tensor x = torch::randn({ 6, 28 });
        QVERIFY(torch::allclose(torch::sigmoid(binary->forwardLogits(x)), binary->forward(x)));

        GraphModule classes(loadModel(test::templateFile("shapes_dense")));
        classes->eval();
        QCOMPARE(classes->outputActivation(), std::string("softmax"));
        const torch::Tensor img = torch::rand({ 4, 1, 32, 32 });
        QVERIFY(torch::allclose(torch::softmax(classes->forwardLogits(img), 1), classes->forward(img)));

        GraphModule gen(loadModel(test::templateFile("calo_gan_generator")));
        QCOMPARE(gen->outputActivation(), std::string("linear"));
    }

    void activationsByDisplayName()
    {
        ModelGraph g = loadModel(test::templateFile("shapes_cnn"));
        g.setNodeName("conv2d_1", "first conv");
        GraphModule m(g);
        QCOMPARE(m->resolveNode("first conv"), std::string("conv2d_1"));
        QCOMPARE(m->activation(torch::rand({ 2, 1, 32, 32 }), "first conv").sizes().vec(),
            (std::vector<std::int64_t> { 2, 16, 32, 32 }));
        try {
            m->resolveNode("conv9");
            QFAIL("an unknown layer must be refused");
        } catch (const ModelError& e) {
            QVERIFY(std::string(e.what()).find("has no layer 'conv9'; its layers are: input, conv2d_1")
                != std::string::npos);
        }
    }

    void wrongInputShapeIsExplained()
    {
        GraphModule m(loadModel(test::templateFile("shapes_dense")));
        try {
            m->forward(torch::rand({ 2, 28, 28 }));
            QFAIL("a wrong-shaped batch must be refused");
        } catch (const ModelError& e) {
            QVERIFY2(std::string(e.what()).find(
                         "input 'input' expects samples of shape (1, 32, 32) but the data has "
                         "batches of shape (2, 28, 28)")
                    != std::string::npos,
                e.what());
        }
    }

    void invalidGraphIsRefused()
    {
        ModelGraph g = single({ 1, 8, 8 }, "Dense", { { "units", 3 } });
        try {
            GraphModule m(g);
            QFAIL("an invalid graph must not build");
        } catch (const ModelError& e) {
            QVERIFY(std::string(e.what()).find("node 'layer' (Dense): Dense needs a flat vector input")
                != std::string::npos);
        }
    }

    void skipConnectionTrains()
    {
        ModelGraph g;
        g.addNode("Input", { { "shape", { 4 } } }, "x");
        g.addNode("Dense", { { "units", 4 }, { "activation", "relu" } }, "h");
        g.addNode("Add", {}, "skip");
        g.addNode("Dense", { { "units", 1 } }, "y");
        g.connect("x", "h");
        g.connect("x", "skip");
        g.connect("h", "skip");
        g.connect("skip", "y");
        GraphModule m(g);
        const torch::Tensor x = torch::randn({ 64, 4 });
        const torch::Tensor target = x.sum(1, true);
        torch::optim::SGD opt(m->parameters(), torch::optim::SGDOptions(0.05));
        const torch::Tensor before = m->nodeTensors().at("h").at("weight").clone();
        float first = 0, last = 0;
        for (int step = 0; step < 20; ++step) {
            opt.zero_grad();
            torch::Tensor loss = torch::mse_loss(m->forward(x), target);
            loss.backward();
            opt.step();
            (step == 0 ? first : last) = loss.item<float>();
        }
        QVERIFY(!torch::equal(before, m->nodeTensors().at("h").at("weight")));
        QVERIFY2(last < 0.5f * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
    }
};

NEURINO_TEST_MAIN(TestGraphModule)
#include "TestGraphModule.moc"
