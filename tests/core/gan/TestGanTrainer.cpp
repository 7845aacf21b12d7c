#include "core/gan/GanTrainer.h"
#include "core/graph/ModelJson.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

using namespace neurino;

namespace {

ModelGraph mlp(
    const std::string& name, std::vector<std::int64_t> inputs, std::int64_t out, const std::string& last)
{
    ModelGraph g;
    g.setName(name);
    std::string x = g.addNode("Input", { { "shape", { inputs[0] } } }, "in");
    if (inputs.size() > 1) {
        g.addNode("Input", { { "shape", { inputs[1] } } }, "condition");
        const std::string cat = g.addNode("Concat");
        g.connect(x, cat);
        g.connect("condition", cat);
        x = cat;
    }
    for (int i = 0; i < 2; ++i) {
        const std::string h = g.addNode("Dense", { { "units", 32 }, { "activation", "leaky_relu" } });
        g.connect(x, h);
        x = h;
    }
    const std::string y = g.addNode("Dense", { { "units", out }, { "activation", last } });
    g.connect(x, y);
    return g;
}

// in -> Dense 32 -> BatchNorm -> LeakyReLU -> Dense 32 (leaky) -> Dense out. `momentum` is Keras's: the
// weight of the old moving average.
ModelGraph normalisedMlp(const std::string& name, std::int64_t in, std::int64_t out, const std::string& last,
    double momentum = 0.99)
{
    ModelGraph g;
    g.setName(name);
    std::string x = g.addNode("Input", { { "shape", { in } } }, "in");
    for (const auto& [kind, params] :
        std::vector<std::pair<std::string, nlohmann::json>> { { "Dense", { { "units", 32 } } },
            { "BatchNorm", { { "momentum", momentum } } }, { "LeakyReLU", nlohmann::json::object() },
            { "Dense", { { "units", 32 }, { "activation", "leaky_relu" } } },
            { "Dense", { { "units", out }, { "activation", last } } } }) {
        const std::string next = g.addNode(kind, params);
        g.connect(x, next);
        x = next;
    }
    return g;
}

GanConfig smallConfig()
{
    GanConfig c;
    c.epochs = 40;
    c.batchSize = 64;
    c.generatorOptimizer.name = "adam";
    c.generatorOptimizer.learningRate = 2e-3;
    c.generatorOptimizer.beta1 = 0.5;
    c.discriminatorOptimizer = c.generatorOptimizer;
    c.labelFlip = 0;
    c.latentScaleLow = c.latentScaleHigh = 1;
    c.validationShowers = 100;
    c.samplesShown = 4;
    c.device = "cpu";
    return c;
}

// Keeps what a GUI would show.
class Recorder : public GanObserver {
public:
    void onEpochEnd(const EpochStats& s) override
    {
        epochs.push_back(s.metrics);
        rates.push_back(s.learningRate);
        if (watched)
            weights.push_back(copyWeights(watched->generator()));
    }
    void onSamples(const GanSamples& s) override { samples.push_back(s); }
    void onFinished(const TrainSummary& s) override { finished = s; }
    std::vector<std::map<std::string, double>> epochs;
    std::vector<double> rates;
    GanTrainer* watched = nullptr; // whose generator weights to keep after every epoch
    std::vector<NodeTensors> weights;
    std::vector<GanSamples> samples;
    TrainSummary finished;
};

} // namespace

class TestGanTrainer : public QObject {
    Q_OBJECT

private slots:
    void learnsAGaussianMixture()
    {
        torch::manual_seed(11);
        const std::int64_t n = 2000;
        const torch::Tensor which = torch::rand({ n }) < 0.7;
        const torch::Tensor data
            = torch::where(which, 3 + 0.5 * torch::randn({ n }), 6 + 0.8 * torch::randn({ n }))
                  .reshape({ n, 1 });
        GanTrainer gan(mlp("g", { 8 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), smallConfig());
        Recorder recorder;
        const GanSummary summary = gan.train(data, {}, &recorder);
        QCOMPARE(summary.reason, StopReason::Completed);
        QCOMPARE(recorder.epochs.size(), std::size_t(40));
        QVERIFY(recorder.epochs.back().count("d_loss") && recorder.epochs.back().count("g_loss"));
        QVERIFY(!recorder.samples.back().hasShowerComparison);
        QCOMPARE(recorder.samples.back().generated.sizes().vec(), (std::vector<std::int64_t> { 4, 1 }));

        const torch::Tensor generated = gan.sample(5000);
        const double mean = generated.mean().item<double>(), sd = generated.std().item<double>();
        const double realMean = data.mean().item<double>(), realSd = data.std().item<double>();
        QVERIFY2(std::abs(mean / realMean - 1) < 0.1,
            (std::to_string(mean) + " vs " + std::to_string(realMean)).c_str());
        QVERIFY2(
            std::abs(sd / realSd - 1) < 0.1, (std::to_string(sd) + " vs " + std::to_string(realSd)).c_str());
    }

    void conditionalSamplingFollowsItsCondition()
    {
        torch::manual_seed(12);
        const std::int64_t n = 2000;
        const torch::Tensor energy = torch::rand({ n }) * 90 + 10;
        const torch::Tensor data = (energy / 10 + 0.3 * torch::randn({ n })).reshape({ n, 1 });
        GanConfig config = smallConfig();
        config.conditional = true;
        GanTrainer gan(mlp("g", { 8, 1 }, 1, "linear"), mlp("d", { 1, 1 }, 1, "sigmoid"), config);
        QCOMPARE(gan.train(data, energy).reason, StopReason::Completed);
        QVERIFY(std::abs(gan.conditionScale() - 1.0 / energy.max().item<double>()) < 1e-12);
        const double low = gan.sample(1000, torch::full({ 1000 }, 20.0)).mean().item<double>();
        const double high = gan.sample(1000, torch::full({ 1000 }, 80.0)).mean().item<double>();
        QVERIFY2(std::abs(low - 2.0) < 0.6 && std::abs(high - 8.0) < 0.6,
            (std::to_string(low) + " " + std::to_string(high)).c_str());
        QVERIFY_THROWS_EXCEPTION(DataError, gan.sample(10));
    }

    void calorimeterModelsFitTogether()
    {
        GanConfig config = smallConfig();
        config.epochs = 1;
        config.batchSize = 16;
        config.validationShowers = 32;
        config.physicsWeight = 1; // the physics term on real calorimeter images
        GanTrainer gan(loadModel(test::templateFile("calo_gan_generator")),
            loadModel(test::templateFile("calo_gan_discriminator")), config);
        QCOMPARE(gan.latentSize(), std::int64_t(100));
        const torch::Tensor showers = torch::rand({ 48, 1, 25, 25 }).pow(6);
        Recorder recorder;
        gan.train(showers, {}, &recorder);
        QCOMPARE(recorder.samples.size(), std::size_t(1));
        QVERIFY(recorder.samples[0].hasShowerComparison);
        QVERIFY(recorder.epochs[0].count("energy_chi2_ndf"));
        QCOMPARE(gan.sample(3).sizes().vec(), (std::vector<std::int64_t> { 3, 1, 25, 25 }));
        QVERIFY((gan.sample(3) >= 0).all().item<bool>()); // the generator ends in ReLU

        QTemporaryDir dir;
        gan.save(dir.path().toStdString());
        auto loaded = GanTrainer::load(dir.path().toStdString());
        QCOMPARE(loaded->epochsDone(), 1);
        QVERIFY(loaded->history() == gan.history());
        QVERIFY(torch::allclose(gan.sample(2, {}, 1), loaded->sample(2, {}, 1)));
        QVERIFY(!torch::allclose(gan.sample(2, {}, 1), gan.sample(2, {}, 2)));
    }

    void batchNormInTheDiscriminatorSeesAShiftedGenerator()
    {
        // A BatchNorm that normalised real and generated batches apart would hide from the discriminator
        // where the generated samples lie: the generator would never move to the data.
        torch::manual_seed(13);
        const torch::Tensor data = (4 + 0.5 * torch::randn({ 2000 })).reshape({ 2000, 1 });
        GanTrainer gan(mlp("g", { 8 }, 1, "linear"), normalisedMlp("d", 1, 1, "sigmoid"), smallConfig());
        QCOMPARE(gan.train(data).reason, StopReason::Completed);
        const torch::Tensor generated = gan.sample(4000);
        const double mean = generated.mean().item<double>(), sd = generated.std().item<double>();
        // It starts near 0, eight data widths away; a discriminator blind to the shift leaves it there.
        QVERIFY2(std::abs(mean - 4) < 1.5 && sd > 0.1 && sd < 1.5,
            (std::to_string(mean) + " +- " + std::to_string(sd)).c_str());
    }

    void samplingUsesTheGeneratorsCurrentStatistics()
    {
        // Moving averages that hardly move: sampling must still see the statistics the generator trained
        // with.
        torch::manual_seed(14);
        const torch::Tensor data = (4 + 0.5 * torch::randn({ 1000 })).reshape({ 1000, 1 });
        GanConfig config = smallConfig();
        config.epochs = 5;
        GanTrainer gan(
            normalisedMlp("g", 8, 1, "linear", /*momentum=*/0.99999), mlp("d", { 1 }, 1, "sigmoid"), config);
        QCOMPARE(gan.train(data).reason, StopReason::Completed);
        torch::Tensor trained;
        {
            torch::NoGradGuard noGrad;
            gan.generator()->train();
            trained = gan.generator()->forward(torch::randn({ 4000, 8 }));
        }
        const torch::Tensor sampled = gan.sample(4000);
        const double spread = trained.std().item<double>();
        QVERIFY2(std::abs(sampled.mean().item<double>() - trained.mean().item<double>()) < 0.1 * spread
                && std::abs(sampled.std().item<double>() / spread - 1) < 0.1,
            (std::to_string(sampled.mean().item<double>()) + " +- "
                + std::to_string(sampled.std().item<double>()) + " sampled, "
                + std::to_string(trained.mean().item<double>()) + " +- " + std::to_string(spread)
                + " in training mode")
                .c_str());
    }

    void learningRatesFollowTheSchedule()
    {
        GanConfig config = smallConfig();
        config.epochs = 3;
        config.schedule.kind = "step";
        config.schedule.stepSize = 1;
        config.schedule.gamma = 0.5;
        GanTrainer gan(mlp("g", { 4 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), config);
        Recorder recorder;
        QCOMPARE(gan.train(torch::randn({ 256, 1 }), {}, &recorder).reason, StopReason::Completed);
        QCOMPARE(recorder.rates.size(), std::size_t(3));
        for (std::size_t e = 0; e < 3; ++e)
            QVERIFY(std::abs(recorder.rates[e] - 2e-3 * std::pow(0.5, double(e))) < 1e-12);
        QCOMPARE(GanConfig::fromJson(config.toJson()).schedule.gamma, 0.5);
    }

    void keepsTheNetworksOfTheBestEpoch()
    {
        torch::manual_seed(15);
        GanConfig config = smallConfig();
        config.epochs = 6;
        config.keepBest = "g_loss";
        GanTrainer gan(mlp("g", { 4 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), config);
        Recorder recorder;
        recorder.watched = &gan;
        const GanSummary s = gan.train(torch::randn({ 512, 1 }) * 0.5 + 3, {}, &recorder);
        QCOMPARE(s.reason, StopReason::Completed);
        std::size_t best = 0;
        for (std::size_t e = 1; e < recorder.epochs.size(); ++e)
            best = recorder.epochs[e].at("g_loss") < recorder.epochs[best].at("g_loss") ? e : best;
        QCOMPARE(s.bestEpoch, int(best) + 1);
        QCOMPARE(s.bestMetrics.at("g_loss"), recorder.epochs[best].at("g_loss"));
        QCOMPARE(s.restoredBestWeights, s.bestEpoch != 6);
        const NodeTensors now = copyWeights(gan.generator());
        for (const auto& [node, tensors] : recorder.weights[best])
            for (const auto& [name, tensor] : tensors)
                QVERIFY2(torch::equal(now.at(node).at(name), tensor), (node + "." + name).c_str());

        GanConfig unknown = smallConfig();
        unknown.epochs = 1;
        unknown.keepBest = "accuracy";
        GanTrainer other(mlp("g", { 4 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), unknown);
        try {
            other.train(torch::randn({ 64, 1 }));
            QFAIL("an unknown keep_best metric must be refused");
        } catch (const TrainError& e) {
            QVERIFY(std::string(e.what()).find("'keep_best' names 'accuracy'") != std::string::npos);
        }
    }

    void physicsLossComparesEnergiesAndProfiles()
    {
        torch::manual_seed(16);
        const torch::Tensor real = torch::rand({ 64, 1, 25, 25 }).pow(4);
        const ShowerReference reference(real);
        // The same showers in another order: the same energy spectrum and average profiles.
        QVERIFY(physicsLoss(reference, real.flip(0)).item<double>() < 1e-5);
        // Twice as bright: the sums differ by the mean energy, and so does each profile's total.
        const torch::Tensor brighter = (2 * real).requires_grad_(true);
        const torch::Tensor loss = physicsLoss(reference, brighter);
        QVERIFY2(std::abs(loss.item<double>() - 3.0) < 1e-4, std::to_string(loss.item<double>()).c_str());
        loss.backward();
        QVERIFY(brighter.grad().abs().sum().item<double>() > 0);
        // A batch of 16 showers, every fourth by energy: its sums are the real spectrum's (i + 1/2) / 16
        // quantiles, so only the profiles count.
        const torch::Tensor byEnergy = real.index_select(0, std::get<1>(real.sum({ 1, 2, 3 }).sort()));
        const torch::Tensor quantiles = byEnergy.index_select(0, torch::arange(2, 64, 4)).squeeze(1);
        const double profiles = ((quantiles.sum(2).mean(0) - reference.transverse).abs().sum()
                                    + (quantiles.sum(1).mean(0) - reference.longitudinal).abs().sum())
                                    .item<double>()
            / reference.meanEnergy;
        QVERIFY(std::abs(physicsLoss(reference, quantiles).item<double>() - profiles) < 1e-6);
        // Shifted by a row: the transverse profile moves, the energies stay.
        const torch::Tensor shifted = torch::roll(real, { 1 }, { 2 });
        const double moved = physicsLoss(reference, shifted).item<double>();
        QVERIFY(moved > 0.01);
        QVERIFY(
            std::abs(physicsLoss(ShowerReference(real.squeeze(1)), shifted.squeeze(1)).item<double>() - moved)
            < 1e-6);
        GanConfig bad = smallConfig();
        bad.physicsWeight = -1;
        QVERIFY_THROWS_EXCEPTION(TrainError, bad.validate());
    }

    void wassersteinTrains()
    {
        GanConfig config = smallConfig();
        config.loss = "wgan-gp";
        config.epochs = 2;
        config.discriminatorSteps = 3;
        GanTrainer gan(mlp("g", { 4 }, 1, "linear"), mlp("d", { 1 }, 1, "linear"), config);
        const GanSummary s = gan.train(torch::randn({ 256, 1 }) + 5);
        QCOMPARE(s.reason, StopReason::Completed);
        QVERIFY(std::isfinite(s.finalMetrics.at("d_loss")));
    }

    void misfitsAreExplained()
    {
        try {
            GanTrainer gan(mlp("g", { 8 }, 2, "linear"), mlp("d", { 1 }, 1, "sigmoid"), smallConfig());
            QFAIL("a generator of the wrong shape must be refused");
        } catch (const ModelError& e) {
            QVERIFY(std::string(e.what()).find(
                        "the generator makes samples of shape (2,) but the discriminator takes "
                        "(1,)")
                != std::string::npos);
        }
        GanConfig conditional = smallConfig();
        conditional.conditional = true;
        QVERIFY_THROWS_EXCEPTION(
            ModelError, GanTrainer(mlp("g", { 8 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), conditional));
        GanTrainer gan(mlp("g", { 8 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), smallConfig());
        QVERIFY_THROWS_EXCEPTION(DataError, gan.train(torch::rand({ 10, 3 })));
        GanConfig bad = smallConfig();
        bad.loss = "hinge";
        QVERIFY_THROWS_EXCEPTION(TrainError, bad.validate());
    }

    // A loss that turns NaN stops a GAN as it stops a classifier: an error naming the network, epoch, batch
    // and learning rates, the observer told, and both networks back at the last good weights.
    void absurdLearningRatesStopLikeTheClassifierTrainer()
    {
        GanConfig config = smallConfig();
        config.epochs = 3;
        config.generatorOptimizer.name = config.discriminatorOptimizer.name = "sgd";
        config.generatorOptimizer.learningRate = config.discriminatorOptimizer.learningRate = 1e30;
        GanTrainer gan(mlp("g", { 8 }, 1, "linear"), mlp("d", { 1 }, 1, "linear"), config);
        Recorder recorder;
        torch::manual_seed(3);
        try {
            gan.train(torch::randn({ 256, 1 }) * 1e3, {}, &recorder);
            QFAIL("no error");
        } catch (const TrainError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains("loss became") && message.contains("epoch 1, batch")
                    && message.contains("learning rates 1e+30") && message.contains("last good weights"),
                e.what());
        }
        QCOMPARE(recorder.finished.reason, StopReason::Failed);
        QVERIFY(recorder.finished.message.find("loss became") != std::string::npos);
        for (GraphModule* net : { &gan.generator(), &gan.discriminator() })
            for (const auto& p : (*net)->parameters())
                QVERIFY(torch::isfinite(p).all().item<bool>());
    }

    void stopsOnRequest()
    {
        GanTrainer gan(mlp("g", { 8 }, 1, "linear"), mlp("d", { 1 }, 1, "sigmoid"), smallConfig());
        StopToken stop;
        stop.requestStop();
        const GanSummary s = gan.train(torch::randn({ 256, 1 }), {}, nullptr, &stop);
        QCOMPARE(s.reason, StopReason::Cancelled);
        QCOMPARE(s.epochsCompleted, 0);
    }
};

NEURINO_TEST_MAIN(TestGanTrainer)
#include "TestGanTrainer.moc"
