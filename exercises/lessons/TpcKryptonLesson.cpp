// Lesson 4, TPC calibration with krypton (NA61/SHINE): a network trained on half of an eye-scan classifies
// every pad of the read-out plane and corrects the eye-scan's mistakes.
#include "core/eval/ConfusionMatrix.h"
#include "core/eval/Metrics.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

namespace neurino::exercises {

namespace {

Exercise definition()
{
    Exercise e;
    e.id = "tpc_krypton";
    e.number = 4;
    e.title = "TPC calibration with krypton: a network instead of an eye-scan";
    e.summary
        = "Classify every pad's krypton spectrum (good, noisy, dead, gain-shifted) from a partial eye-scan";
    e.goals = { "read pad spectra: the 41.6 keV krypton line and its satellites",
        "train a classifier on half of the eye-scanned pads and test it on the other half",
        "draw the pad map and find faulty pads outside the eye-scanned region",
        "see that the network disagrees with the eye-scan mostly where the eye-scan was wrong" };
    e.datasets
        = { { "tpc_krypton", {}, 0, 0, "90 rows x 192 pads, 100-bin spectra, 5,000 pads eye-scanned" } };
    e.models = { { "tpc_dense.neurino.json", true, "start" } };
    e.steps = {
        { "data", "The read-out plane and its spectra", "01_data.md", ActionKind::GenerateData, "pad_map", {},
            false },
        { "train", "Learn from half of the eye-scan", "02_train.md", ActionKind::Train, "curves", {}, true },
        { "predict", "Classify every pad", "03_predict.md", ActionKind::Evaluate, "pad_map",
            { "truth_accuracy", "beats_eye_scan", "mistakes_corrected" }, true },
    };
    e.checks = { makeCheck("truth_accuracy", "accuracy against the truth, every pad",
                     Comparison::GreaterEqual, 0.97, true),
        makeCheck("beats_eye_scan", "test half: accuracy(net) - accuracy(eye-scan)", Comparison::Greater, 0.0,
            true, 4),
        makeCheck("mistakes_corrected", "share of the eye-scan's test mistakes corrected",
            Comparison::GreaterEqual, 0.5, true) };
    e.hints = {
        "A dead pad has almost no entries; a noisy one an excess at low charge; a gain-shifted one has "
        "its 41.6 keV peak in the wrong bin.",
        "Standardised spectra and two hidden layers of a few dozen ReLU units are plenty.",
        "The eye-scan is wrong for about 2.5 % of the pads: a network that fits those labels exactly has "
        "learned the mistakes too. Early stopping on the validation loss prevents it."
    };
    e.solution = "tpc_dense (100 -> 64 ReLU -> 32 ReLU -> 4 softmax) on a stratified half of the eye-scanned "
                 "pads (20 % of it for validation), Adam 1e-3, batch 64, early stopping (patience 8).";
    e.taskModelRole = "your pad classifier";
    e.scoreCheck = "truth_accuracy";
    return e;
}

TrainConfig tpcConfig(const LessonContext& context)
{
    TrainConfig config;
    config.optimizer.learningRate = 1e-3;
    config.epochs = sized(100, 15, context.options().reduced);
    config.batchSize = 64;
    config.earlyStopping.enabled = true;
    config.earlyStopping.patience = 8;
    return lessonConfig(config, context);
}

class TpcKryptonLesson : public Lesson {
public:
    TpcKryptonLesson()
        : m_exercise(definition())
    {
    }
    const Exercise& exercise() const override { return m_exercise; }
    const PadMap* padMap() const override { return &m_padMap; }

    void runStep(const Step& step, LessonContext& context) override
    {
        if (step.id == "data")
            generate(context);
        else if (step.id == "train")
            train(context);
        else if (step.id == "predict")
            predict(context);
    }

private:
    void generate(LessonContext& context)
    {
        DatasetSpec spec = m_exercise.datasets[0];
        if (context.options().reduced)
            spec.options = { { "rows", 30 }, { "eye_scan", 2000 }, { "bad_cards", 4 } };
        m_plane = generateDataset(spec, context);
        m_scanned = (m_plane->targets >= 0).nonzero().reshape({ -1 });
        auto scanned = std::make_shared<Dataset>();
        scanned->features = m_plane->features.index_select(0, m_scanned);
        scanned->targets = m_plane->targets.index_select(0, m_scanned);
        scanned->info = m_plane->info;
        m_scanData = scanned;
        const auto truth = m_plane->extras.at("true_class");
        const double faulty = (truth != 0).to(torch::kFloat64).mean().item<double>();
        fillPadMap();
        context.log(std::to_string(m_plane->size()) + " pads, " + std::to_string(m_scanned.numel())
            + " eye-scanned; " + fixed(100 * faulty, 1) + " % of all pads are faulty");
    }

    void train(LessonContext& context)
    {
        const TrainConfig config = tpcConfig(context);
        // Fifty-fifty: the test half is never seen in training; a fifth of the training half validates.
        const SplitIndices split
            = makeStratifiedSplit(m_scanData->targets, SplitFractions { 0.2, 0.5 }, config.seed);
        const ModelGraph graph
            = taskModel(m_exercise, context, "tpc_dense.neurino.json", "tpc_dense.neurino.json");
        m_model = std::make_unique<TrainedModel>(
            trainTaskModel("'" + graph.name() + "'", graph, config, m_scanData, context, split));
    }

    void predict(LessonContext& context)
    {
        const auto truth = m_plane->extras.at("true_class");
        const auto predicted = predictedClasses(m_model->predict(m_plane->features));
        const auto& names = m_plane->info.classNames;
        m_padMap.predicted = toVector(predicted);
        context.record("truth_accuracy", (predicted == truth).to(torch::kFloat64).mean().item<double>());

        // The test half of the eye-scan: pads the network never saw, with the eye-scan's label and the truth.
        const auto testPads = m_scanned.index_select(0, m_model->split.test);
        const auto eye = m_plane->targets.index_select(0, testPads);
        const auto net = predicted.index_select(0, testPads);
        const auto real = truth.index_select(0, testPads);
        const double eyeAccuracy = (eye == real).to(torch::kFloat64).mean().item<double>();
        const double netAccuracy = (net == real).to(torch::kFloat64).mean().item<double>();
        context.observe("eye-scan accuracy on the test half", eyeAccuracy);
        context.observe("network accuracy on the test half", netAccuracy);
        context.record("beats_eye_scan", netAccuracy - eyeAccuracy);
        const auto mistakes = eye != real;
        const std::int64_t mistakeCount = mistakes.sum().item<std::int64_t>();
        const double corrected = mistakeCount == 0
            ? 1.0
            : (net.masked_select(mistakes) == real.masked_select(mistakes))
                    .to(torch::kFloat64)
                    .sum()
                    .item<double>()
                / double(mistakeCount);
        context.observe("eye-scan mistakes on the test half", double(mistakeCount));
        context.record("mistakes_corrected", corrected);

        ConfusionMatrix againstEye(4, names), againstTruth(4, names);
        againstEye.add(net, eye);
        againstTruth.add(net, real);
        context.log("test half, network (columns) against the eye-scan (rows):\n" + againstEye.toString());
        context.log("test half, network (columns) against the truth (rows):\n" + againstTruth.toString());
        auto unscanned = torch::ones({ m_plane->size() }, torch::kBool);
        unscanned.index_fill_(0, m_scanned, false);
        const auto found = ((predicted != 0) & unscanned).sum().item<std::int64_t>();
        const auto foundRight
            = ((predicted != 0) & unscanned & (predicted == truth)).sum().item<std::int64_t>();
        context.observe("faulty pads found outside the eye-scan", double(found));
        context.observe("of them of the right class", double(foundRight));
    }

    static std::vector<int> toVector(const torch::Tensor& classes)
    {
        const auto values = classes.to(torch::kInt32).contiguous();
        const int* begin = values.data_ptr<int>();
        return std::vector<int>(begin, begin + values.numel());
    }

    // The plane in plain values for the pad map view; the prediction comes with the last step.
    void fillPadMap()
    {
        m_padMap = PadMap();
        m_padMap.rows = int(m_plane->extras.at("pad_row").max().item<std::int64_t>()) + 1;
        m_padMap.pads = int(m_plane->extras.at("pad_column").max().item<std::int64_t>()) + 1;
        m_padMap.classNames = m_plane->info.classNames;
        m_padMap.eyeScan = toVector(m_plane->targets); // -1 for pads the eye-scan did not look at
        m_padMap.truth = toVector(m_plane->extras.at("true_class"));
        m_padMap.predicted.assign(m_padMap.size(), PadMap::kNoClass);
    }

    Exercise m_exercise;
    PadMap m_padMap;
    std::shared_ptr<const Dataset> m_plane;
    std::shared_ptr<const Dataset> m_scanData;
    torch::Tensor m_scanned; // indices of the eye-scanned pads in the plane
    std::unique_ptr<TrainedModel> m_model;
};

} // namespace

std::unique_ptr<Lesson> makeTpcKryptonLesson()
{
    return std::make_unique<TpcKryptonLesson>();
}

} // namespace neurino::exercises
