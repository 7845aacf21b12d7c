// Lesson 7, data-quality monitoring with an autoencoder (the CERN EP lecture): an autoencoder trained on the
// monitoring maps of certified good runs only flags the runs it cannot reproduce, and its per-bin error map
// shows the shift crew where to look.
#include "core/eval/RocCurve.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

namespace neurino::exercises {

namespace {

constexpr int kGood = 0, kDeadRegion = 1, kNoisyChannel = 2;
// The first share of the period's runs is the past the autoencoder learns from; the rest is held out.
constexpr double kPastShare = 0.6;
// Flag runs above this quantile of the validation good runs' scores: one false alarm in a hundred.
constexpr double kFalseAlarmQuantile = 0.99;

Exercise definition()
{
    Exercise e;
    e.id = "dqm_autoencoder";
    e.number = 7;
    e.title = "Data-quality monitoring: an autoencoder that knows good runs";
    e.summary
        = "Train an autoencoder on good runs' monitoring maps; flag bad runs by their reconstruction error";
    e.goals = { "read a TPC monitoring map: clusters per pad row and drift time",
        "train an autoencoder on good runs only (the targets are the inputs)",
        "score held-out runs by their reconstruction error and separate bad runs from good",
        "find the failing region in the per-bin error map" };
    e.datasets = { { "dqm_runs", {}, 3000, 1000,
        "3,000 runs of 16 pad rows x 32 drift-time bins: 60 % good, the rest with one of four failures" } };
    e.models = { { "dqm_autoencoder", false, "start" } };
    e.steps = {
        { "data", "A period of monitoring maps", "01_data.md", ActionKind::GenerateData, "dqm_runs", {},
            false },
        { "train", "Learn what good runs look like", "02_train.md", ActionKind::Train, "curves", {}, true },
        { "score", "Score the runs nobody has seen", "03_score.md", ActionKind::Evaluate, "dqm_runs",
            { "anomaly_auc" }, true },
        { "locate", "Point at the failing region", "04_locate.md", ActionKind::Evaluate, "dqm_runs",
            { "dead_region_located", "noisy_channel_located" }, true },
    };
    // Reference run (seed 42, 3,000 runs, 75 epochs, 7 s on 2 shared cores): AUC 0.9948 (gain drop against
    // good 0.980, the other failures 1.000); the largest error lies in the dead card's rows for 1.000 of the
    // dead-card runs and in the noisy row for 1.000 of the noisy-channel runs; 2.4 % false alarms.
    e.checks = { makeCheck("anomaly_auc", "AUC of the anomaly score, held-out bad runs against good",
                     Comparison::GreaterEqual, 0.95, true, 4),
        makeCheck("dead_region_located", "dead card: largest error in the card's rows (share of runs)",
            Comparison::GreaterEqual, 0.9, true),
        makeCheck("noisy_channel_located", "noisy channel: largest error in its row (share of runs)",
            Comparison::GreaterEqual, 0.9, true) };
    e.hints
        = { "The autoencoder never sees a bad run: its targets are its own inputs, so all it can learn is "
            "what good runs have in common.",
              "A narrow bottleneck forces the network to describe a run by a few numbers (intensity, gain, "
              "t0, drift "
              "velocity); whatever those cannot describe comes back as reconstruction error.",
              "A bottleneck as wide as the map learns the identity and reproduces bad runs as well as good "
              "ones: the "
              "score then separates nothing." };
    e.solution
        = "dqm_autoencoder (16x32 map -> Flatten -> Dense 64 ReLU -> Dense 12 -> Dense 64 ReLU -> Dense "
          "512 -> Reshape) on the good runs of the first 60 % of the period (a fifth for validation), "
          "MSE, Adam 2e-3, batch 32, early stopping (patience 10).";
    e.taskModelRole = "your autoencoder";
    e.scoreCheck = "anomaly_auc";
    return e;
}

TrainConfig dqmConfig(const LessonContext& context)
{
    TrainConfig config;
    config.optimizer.learningRate = 2e-3;
    config.epochs = sized(150, 25, context.options().reduced);
    config.batchSize = 32;
    config.validationSplit = 0.2;
    config.testSplit = 0;
    config.earlyStopping.enabled = true;
    config.earlyStopping.patience = 10;
    return lessonConfig(config, context);
}

std::vector<int> toInts(const torch::Tensor& values)
{
    const auto v = values.to(torch::kInt32).contiguous();
    return std::vector<int>(v.data_ptr<int>(), v.data_ptr<int>() + v.numel());
}

std::vector<float> toFloats(const torch::Tensor& values)
{
    const auto v = values.to(torch::kFloat32).contiguous();
    return std::vector<float>(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
}

class DqmAutoencoderLesson : public Lesson {
public:
    DqmAutoencoderLesson()
        : m_exercise(definition())
    {
    }
    const Exercise& exercise() const override { return m_exercise; }
    const MonitoringRuns* monitoringRuns() const override { return &m_view; }

    void runStep(const Step& step, LessonContext& context) override
    {
        if (step.id == "data")
            generate(context);
        else if (step.id == "train")
            train(context);
        else if (step.id == "score")
            score(context);
        else if (step.id == "locate")
            locate(context);
    }

private:
    void generate(LessonContext& context)
    {
        m_period = generateDataset(m_exercise.datasets[0], context);
        const std::int64_t n = m_period->size();
        const std::int64_t past = std::int64_t(kPastShare * double(n));
        const auto failure = m_period->extras.at("failure_mode");
        const auto runIndex = torch::arange(n, torch::kInt64);
        m_training = ((runIndex < past) & (failure == kGood)).nonzero().reshape({ -1 });
        m_heldOut = torch::arange(past, n, torch::kInt64);

        // The certified good runs of the past, without their labels: all the autoencoder is given.
        auto good = std::make_shared<Dataset>();
        good->features = m_period->features.index_select(0, m_training);
        good->info = m_period->info;
        good->info.task = Task::Reconstruction;
        m_good = good;
        fillView();
        context.log(std::to_string(n) + " runs; the autoencoder learns from the "
            + std::to_string(m_training.numel()) + " good runs among the first " + std::to_string(past)
            + ", the last " + std::to_string(n - past) + " are held out");
        for (std::size_t k = 0; k < m_period->info.classNames.size(); ++k)
            context.observe("held-out runs: " + m_period->info.classNames[k],
                double((failure.index_select(0, m_heldOut) == std::int64_t(k)).sum().item<std::int64_t>()));
    }

    void train(LessonContext& context)
    {
        const TrainConfig config = dqmConfig(context);
        const ModelGraph graph = taskModel(m_exercise, context, "dqm_autoencoder", "dqm_autoencoder");
        m_model = std::make_unique<TrainedModel>(
            trainTaskModel("'" + graph.name() + "'", graph, config, m_good, context));
    }

    void score(LessonContext& context)
    {
        GraphModule module = m_model->module;
        const auto* standardizer = m_model->standardizer.fitted() ? &m_model->standardizer : nullptr;
        m_reconstruction = reconstruct(module, m_period->features.index_select(0, m_heldOut), standardizer);
        const auto failure = m_period->extras.at("failure_mode").index_select(0, m_heldOut);
        const auto bad = (failure != kGood).to(torch::kInt64);
        const torch::Tensor& scores = m_reconstruction.scores;
        context.record("anomaly_auc", rocAuc(scores, bad));
        for (std::size_t k = 1; k < m_period->info.classNames.size(); ++k) {
            const auto pick = (failure == kGood) | (failure == std::int64_t(k));
            context.observe("AUC, " + m_period->info.classNames[k] + " against good",
                rocAuc(scores.masked_select(pick), bad.masked_select(pick)));
        }
        // The alarm threshold comes from good runs the autoencoder did not train on: its validation part.
        const auto validation
            = reconstruct(module, m_good->features.index_select(0, m_model->split.validation), standardizer);
        m_threshold = validation.scores.quantile(kFalseAlarmQuantile).item<double>();
        context.observe("alarm threshold (99 % of validation good runs below)", m_threshold);
        const auto flagged = scores > m_threshold;
        context.observe("held-out good runs flagged (false alarms)",
            flagged.masked_select(failure == kGood).to(torch::kFloat64).mean().item<double>());
        for (std::size_t k = 1; k < m_period->info.classNames.size(); ++k)
            context.observe("flagged: " + m_period->info.classNames[k],
                flagged.masked_select(failure == std::int64_t(k)).to(torch::kFloat64).mean().item<double>());
        m_view.reconstructions = toFloats(m_reconstruction.outputs);
        m_view.scores
            = std::vector<double>(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
        m_view.threshold = m_threshold;
    }

    void locate(LessonContext& context)
    {
        const auto& extras = m_period->extras;
        const auto failure = extras.at("failure_mode").index_select(0, m_heldOut);
        const auto begin = extras.at("fault_row_begin").index_select(0, m_heldOut);
        const auto end = extras.at("fault_row_end").index_select(0, m_heldOut);
        const std::int64_t bins = m_period->features.size(-1);
        const auto worstRow
            = m_reconstruction.errorMap.reshape({ m_heldOut.numel(), -1 }).argmax(1).div(bins, "floor");
        const auto inside = (worstRow >= begin) & (worstRow < end);
        const auto share = [&](int mode) {
            return inside.masked_select(failure == mode).to(torch::kFloat64).mean().item<double>();
        };
        context.record("dead_region_located", share(kDeadRegion));
        context.record("noisy_channel_located", share(kNoisyChannel));
    }

    // The held-out runs for the monitoring view; reconstructions and scores come with the scoring step.
    void fillView()
    {
        const auto& extras = m_period->extras;
        m_view = MonitoringRuns();
        m_view.rows = int(m_period->features.size(-2));
        m_view.bins = int(m_period->features.size(-1));
        m_view.modeNames = m_period->info.classNames;
        m_view.runNumbers = toInts(m_heldOut);
        m_view.failure = toInts(extras.at("failure_mode").index_select(0, m_heldOut));
        m_view.faultRowBegin = toInts(extras.at("fault_row_begin").index_select(0, m_heldOut));
        m_view.faultRowEnd = toInts(extras.at("fault_row_end").index_select(0, m_heldOut));
        m_view.maps = toFloats(m_period->features.index_select(0, m_heldOut));
    }

    Exercise m_exercise;
    MonitoringRuns m_view;
    std::shared_ptr<const Dataset> m_period; // every run, with its failure mode
    std::shared_ptr<const Dataset> m_good; // the past's good runs: the training data
    torch::Tensor m_training; // their indices in the period
    torch::Tensor m_heldOut; // indices of the held-out runs
    std::unique_ptr<TrainedModel> m_model;
    Reconstruction m_reconstruction; // of the held-out runs
    double m_threshold = 0;
};

} // namespace

std::unique_ptr<Lesson> makeDqmAutoencoderLesson()
{
    return std::make_unique<DqmAutoencoderLesson>();
}

} // namespace neurino::exercises
