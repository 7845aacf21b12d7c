// Lesson 0, first steps: XOR and the need for depth, logistic regression, the learning rate, overfitting
// and regularisation, universal approximation.
#include "core/train/Trainer.h"
#include "core/util/Error.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace neurino::exercises {

namespace {

// Data, depth, logistic regression, learning rate, overfitting, approximation.
std::vector<Step> firstStepsSteps()
{
    return {
        { "data", "Look at the XOR data", "01_data.md", ActionKind::GenerateData, "scatter", {}, false },
        { "no_hidden", "A network without hidden layer", "02_no_hidden.md", ActionKind::Train,
            "decision_boundary", { "no_hidden_accuracy", "no_hidden_loss" }, false },
        { "depth", "Add a hidden layer", "03_depth.md", ActionKind::Train, "decision_boundary",
            { "hidden_accuracy" }, true },
        { "logistic", "No hidden layer equals logistic regression", "04_logistic.md", ActionKind::CompareRuns,
            "decision_boundary", { "logistic_agreement" }, false },
        { "learning_rate", "Too high, too low, just right", "05_learning_rate.md", ActionKind::CompareRuns,
            "curves", { "lr_right_loss", "lr_low_progress", "lr_high_ratio" }, false },
        { "overfitting", "Overfitting and regularisation", "06_overfitting.md", ActionKind::CompareRuns,
            "curves", { "overfit_gap", "regularised_gap_ratio" }, false },
        { "approximation", "Universal approximation", "07_approximation.md", ActionKind::CompareRuns, "fit",
            { "approx_mse_50", "approx_gain" }, false },
    };
}

std::vector<Check> firstStepsChecks()
{
    return {
        makeCheck("no_hidden_accuracy", "XOR accuracy without hidden layer", Comparison::LessEqual, 0.80),
        // ln 2 = 0.693 is the loss of p = 0.5 everywhere: the line learned nothing, whatever the accuracy
        // says.
        makeCheck(
            "no_hidden_loss", "XOR loss without hidden layer (ln 2 = 0.693)", Comparison::GreaterEqual, 0.68),
        makeCheck("hidden_accuracy", "XOR accuracy with a hidden layer", Comparison::Greater, 0.97, true),
        makeCheck(
            "logistic_agreement", "largest |p(net) - p(logistic regression)|", Comparison::LessEqual, 0.02),
        makeCheck("lr_right_loss", "final loss, good learning rate", Comparison::LessEqual, 0.15),
        makeCheck("lr_low_progress", "too low: last / first epoch loss", Comparison::GreaterEqual, 0.90),
        makeCheck("lr_high_ratio", "too high: final loss / good rate's", Comparison::GreaterEqual, 3.0),
        makeCheck("overfit_gap", "big network: validation - training loss", Comparison::GreaterEqual, 0.20,
            false, 2),
        makeCheck("regularised_gap_ratio", "with L2: gap / gap without", Comparison::LessEqual, 0.50),
        makeCheck("approx_mse_50", "sin(pi x) with 50 sigmoid units: MSE", Comparison::LessEqual, 0.005),
        makeCheck("approx_gain", "MSE with 2 units / MSE with 50", Comparison::GreaterEqual, 5.0, false, 1),
    };
}

Exercise definition()
{
    Exercise e;
    e.id = "first_steps";
    e.number = 0;
    e.title = "First steps: depth, learning rate, overfitting, approximation";
    e.summary = "Toy 2D data: why networks need hidden layers, how fast to learn, when they memorise";
    e.goals = { "see that a network without hidden layer draws a straight boundary (logistic regression)",
        "make XOR learnable with one hidden layer", "choose a learning rate from the loss curves",
        "recognise overfitting and close the gap with L2 regularisation",
        "fit a 1D function with more and more hidden neurons" };
    e.datasets = {
        { "xor", {}, 1000, 0, "XOR: class 1 where x1*x2 > 0" },
        { "gaussians", {}, 1000, 0, "two overlapping Gaussian blobs, for logistic regression" },
        { "gaussians", { { "separation", 1.0 } }, 200, 0, "few, strongly overlapping points to overfit" },
        { "function1d", { { "function", "sin" } }, 1000, 0, "y = sin(pi x) on [-1, 1]" },
    };
    e.models = { { "xor_no_hidden.neurino.json", true, "start" },
        { "xor_hidden.neurino.json", true, "solution" }, { "xor_mlp", false, "reference" } };
    e.steps = firstStepsSteps();
    e.checks = firstStepsChecks();
    e.hints = { "XOR's classes sit in opposite quadrants: no single straight line separates them.",
        "A handful of hidden neurons (4 to 8) is enough; tanh or ReLU both work.",
        "A good learning rate makes the loss fall steadily; too high makes it jump, too low makes it crawl.",
        "Regularisation (L2, dropout) makes memorising single points expensive.",
        "Each sigmoid unit adds one smooth step; sin(pi x) on [-1, 1] needs a few of them." };
    e.solution
        = "Train the 2-8-1 tanh network on XOR with SGD (rate 0.5); compare with logistic regression fitted "
          "by Newton's "
          "method; train the 8-unit XOR network with SGD at rates 20, 1e-4 and 0.5; a 2x128 ReLU network "
          "on 100 points with and without L2 = 0.003; 1-n-1 sigmoid networks for n = 2, 5, 50.";
    e.taskModelRole = "your XOR network";
    e.scoreCheck = "hidden_accuracy";
    return e;
}

TrainConfig binaryConfig(int epochs, double learningRate, const LessonContext& context)
{
    TrainConfig config;
    config.optimizer.name = "adam";
    config.optimizer.learningRate = learningRate;
    config.epochs = epochs;
    config.batchSize = 32;
    config.validationSplit = 0.2;
    config.testSplit = 0.2;
    return lessonConfig(config, context);
}

// Logistic regression by Newton's method (iteratively reweighted least squares) on standardised inputs:
// the textbook fit the no-hidden-layer network is compared with.
torch::Tensor fitLogisticRegression(const torch::Tensor& x, const torch::Tensor& y)
{
    const auto X = torch::cat({ torch::ones({ x.size(0), 1 }, torch::kFloat64), x.to(torch::kFloat64) }, 1);
    const auto t = y.to(torch::kFloat64).reshape({ -1, 1 });
    auto w = torch::zeros({ X.size(1), 1 }, torch::kFloat64);
    for (int iteration = 0; iteration < 50; ++iteration) {
        const auto p = torch::sigmoid(X.matmul(w));
        const auto gradient = X.t().matmul(p - t);
        const auto hessian = X.t().matmul(X * (p * (1 - p)));
        const auto step = torch::linalg_solve(hessian, gradient);
        w = w - step;
        if (step.abs().max().item<double>() < 1e-10)
            break;
    }
    return w;
}

double finalLoss(const TrainedModel& model)
{
    const auto losses = model.history.series("loss");
    return losses.empty() ? std::numeric_limits<double>::quiet_NaN() : losses.back();
}

class FirstStepsLesson : public Lesson {
public:
    FirstStepsLesson()
        : m_exercise(definition())
    {
    }
    const Exercise& exercise() const override { return m_exercise; }

    void runStep(const Step& step, LessonContext& context) override
    {
        if (step.id == "data")
            m_xor = generateDataset(m_exercise.datasets[0], context);
        else if (step.id == "no_hidden")
            noHidden(context);
        else if (step.id == "depth")
            depth(context);
        else if (step.id == "logistic")
            logistic(context);
        else if (step.id == "learning_rate")
            learningRate(context);
        else if (step.id == "overfitting")
            overfitting(context);
        else if (step.id == "approximation")
            approximation(context);
    }

private:
    void noHidden(LessonContext& context)
    {
        const auto model = trainModel("the network without hidden layer",
            loadLessonModel(m_exercise, "xor_no_hidden.neurino.json"), binaryConfig(60, 0.05, context), m_xor,
            context);
        context.record("no_hidden_accuracy", model.metric("accuracy"));
        context.record("no_hidden_loss", model.metric("loss"));
    }

    void depth(LessonContext& context)
    {
        const ModelGraph graph
            = taskModel(m_exercise, context, "xor_no_hidden.neurino.json", "xor_hidden.neurino.json");
        TrainConfig config = binaryConfig(100, 0.5, context);
        config.optimizer.name = "sgd";
        const auto model = trainTaskModel("'" + graph.name() + "'", graph, config, m_xor, context);
        context.record("hidden_accuracy", model.metric("accuracy"));
    }

    void logistic(LessonContext& context)
    {
        const auto data = generateDataset(m_exercise.datasets[1], context, false);
        TrainConfig config = binaryConfig(150, 0.02, context);
        config.batchSize = 100;
        const auto net = trainModel("one sigmoid neuron",
            denseNetwork("no_hidden", 2, {}, "linear", 1, "sigmoid"), config, data, context);
        const auto train = net.split.train;
        const auto test = net.split.test;
        const auto w = fitLogisticRegression(net.standardizer.apply(data->features.index_select(0, train)),
            data->targets.index_select(0, train));
        const auto xTest = net.standardizer.apply(data->features.index_select(0, test)).to(torch::kFloat64);
        const auto pFit = torch::sigmoid(xTest.matmul(w.slice(0, 1)) + w[0]).reshape({ -1 });
        const auto pNet
            = net.predict(data->features.index_select(0, test)).to(torch::kFloat64).reshape({ -1 });
        context.log("logistic regression: p = sigmoid(" + fixed(w[0].item<double>(), 3) + " + "
            + fixed(w[1].item<double>(), 3) + " x1' + " + fixed(w[2].item<double>(), 3) + " x2')");
        context.record("logistic_agreement", (pNet - pFit).abs().max().item<double>());
    }

    void learningRate(LessonContext& context)
    {
        const ModelGraph graph = loadLessonModel(m_exercise, "xor_mlp");
        auto run = [&](double rate, const std::string& label) {
            TrainConfig config = binaryConfig(60, rate, context);
            config.optimizer.name = "sgd";
            try {
                return trainModel(
                    "'xor_mlp' with SGD at learning rate " + label, graph, config, m_xor, context);
            } catch (const TrainError& e) {
                context.log(std::string("the run diverged: ") + e.what());
                TrainedModel diverged;
                diverged.history.append({ { "loss", std::numeric_limits<double>::infinity() } });
                return diverged;
            }
        };
        const auto high = run(20.0, "20 (too high)");
        const auto low = run(1e-4, "0.0001 (too low)");
        const auto right = run(0.5, "0.5");
        const auto lowLosses = low.history.series("loss");
        context.record("lr_right_loss", finalLoss(right));
        context.record("lr_low_progress", lowLosses.back() / lowLosses.front());
        context.record("lr_high_ratio", finalLoss(high) / finalLoss(right));
    }

    void overfitting(LessonContext& context)
    {
        const auto data = generateDataset(m_exercise.datasets[2], context, false);
        TrainConfig config = binaryConfig(context.options().reduced ? 120 : 300, 0.01, context);
        config.validationSplit = 0.5;
        config.testSplit = 0.0;
        auto gap = [&](double l2, const std::string& label) {
            config.l2 = l2;
            const auto model = trainModel(
                label, denseNetwork("big", 2, { 128, 128 }, "relu", 1, "sigmoid"), config, data, context);
            const double train = evaluateRows(model, *data, model.split.train, config).metrics.at("loss");
            const double validation = model.metric("loss");
            context.log("training loss " + fixed(train) + ", validation loss " + fixed(validation));
            return validation - train;
        };
        const double plain = gap(0.0, "a 2x128 network on 100 points");
        const double regularised = gap(3e-3, "the same network with L2 = 0.003");
        context.record("overfit_gap", plain);
        context.record("regularised_gap_ratio", regularised / plain);
    }

    void approximation(LessonContext& context)
    {
        const auto data = generateDataset(m_exercise.datasets[3], context, false);
        TrainConfig config = lessonConfig(TrainConfig(), context);
        config.optimizer.learningRate = 0.01;
        config.epochs = 200;
        config.batchSize = 32;
        config.validationSplit = 0.2;
        std::map<int, double> mse;
        for (int units : { 2, 5, 50 }) {
            const auto model = trainModel("1-" + std::to_string(units) + "-1 sigmoid network",
                denseNetwork("approx", 1, { units }, "sigmoid", 1, "linear"), config, data, context);
            mse[units] = model.metric("loss");
            context.observe("MSE with " + std::to_string(units) + " units", mse[units]);
        }
        context.record("approx_mse_50", mse[50]);
        context.record("approx_gain", mse[2] / mse[50]);
    }

    Exercise m_exercise;
    std::shared_ptr<const Dataset> m_xor;
};

} // namespace

std::unique_ptr<Lesson> makeFirstStepsLesson()
{
    return std::make_unique<FirstStepsLesson>();
}

} // namespace neurino::exercises
