// Lesson 1, shapes recognition: the dense network of the qualification task against a CNN.
#include "core/analysis/Importance.h"
#include "core/eval/ConfusionMatrix.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

namespace neurino::exercises {

namespace {

// Test images the importance step looks at.
constexpr std::int64_t kFocusImages = 300;

Exercise definition()
{
    Exercise e;
    e.id = "shapes";
    e.number = 1;
    e.title = "Shapes recognition: from a dense network to a CNN";
    e.summary = "Circles, squares and triangles in 32×32 images; beat the dense network with convolutions";
    e.goals = { "train the simple fully connected network (788,995 parameters) and read its accuracy",
        "build a CNN with Conv2D, MaxPooling2D and Dropout that reaches 99 % with far fewer weights",
        "read the confusion matrix and the misclassified images" };
    e.datasets = { { "shapes", {}, 10000, 1500,
        "32×32 images of one filled shape each: circle, square or triangle" } };
    e.models = { { "shapes_dense", false, "start" }, { "shapes_cnn", false, "solution" } };
    e.steps = {
        { "data", "Look at the images", "01_data.md", ActionKind::GenerateData, "samples", {}, false },
        { "dense", "The simple fully connected network", "02_dense.md", ActionKind::Train, "curves",
            { "dense_accuracy" }, false },
        { "cnn", "Improve the simple model", "03_cnn.md", ActionKind::Train, "curves", { "cnn_accuracy" },
            true },
        { "confusion", "Where does it go wrong?", "04_confusion.md", ActionKind::Evaluate, "confusion", {},
            false },
        { "looks", "What does the CNN look at?", "05_looks.md", ActionKind::Evaluate, "importance",
            { "shape_focus" }, false },
    };
    e.checks = { makeCheck("dense_accuracy", "dense network test accuracy", Comparison::Greater, 0.80),
        makeCheck("cnn_accuracy", "your CNN test accuracy", Comparison::GreaterEqual, 0.99, true),
        makeCheck("shape_focus", "CNN's gradient on the shape, over the shape's area",
            Comparison::GreaterEqual, 1.5) };
    e.hints = { "Convolutions share their weights over the image: a circle is a circle wherever it is.",
        "Conv2D 3x3 with 'same' padding, then MaxPool2D 2x2, three times, then a small Dense head.",
        "Dropout after the pooling and before the last Dense layer keeps the CNN from memorising.",
        "Compare the parameter counts in the summary: the CNN needs about 100,000, the dense one 789,000.",
        "Importance: the reference CNN puts 77 % of its gradient on the shape and a 2-pixel edge around it, "
        "which cover 32 % of the image (focus 2.63)." };
    e.solution = "shapes_cnn: three Conv2D(16, 32, 64; 3x3, same, ReLU) + MaxPool2D stages, Dropout 0.25, "
                 "Dense 64 ReLU, Dropout 0.5, Dense 3 softmax; Adam 1e-3, batch 64, early stopping.";
    e.taskModelRole = "your CNN";
    e.scoreCheck = "cnn_accuracy";
    return e;
}

TrainConfig shapesConfig(int epochs, const LessonContext& context)
{
    TrainConfig config;
    config.optimizer.learningRate = 1e-3;
    config.epochs = epochs;
    config.batchSize = 64;
    config.validationSplit = 0.2;
    config.testSplit = 0.2;
    config.earlyStopping.enabled = true;
    config.earlyStopping.patience = 4;
    return lessonConfig(config, context);
}

class ShapesLesson : public Lesson {
public:
    ShapesLesson()
        : m_exercise(definition())
    {
    }
    const Exercise& exercise() const override { return m_exercise; }

    void runStep(const Step& step, LessonContext& context) override
    {
        const bool quick = context.options().reduced;
        if (step.id == "data") {
            m_data = generateDataset(m_exercise.datasets[0], context);
        } else if (step.id == "dense") {
            const auto model = trainModel("'shapes_dense'", loadLessonModel(m_exercise, "shapes_dense"),
                shapesConfig(sized(10, 4, quick), context), m_data, context);
            context.record("dense_accuracy", model.metric("accuracy"));
        } else if (step.id == "cnn") {
            const ModelGraph graph = taskModel(m_exercise, context, "shapes_dense", "shapes_cnn");
            m_task = std::make_unique<TrainedModel>(trainTaskModel("'" + graph.name() + "'", graph,
                shapesConfig(sized(25, 4, quick), context), m_data, context));
            context.record("cnn_accuracy", m_task->metric("accuracy"));
        } else if (step.id == "confusion" && m_task) {
            const auto matrix = ConfusionMatrix::fromScores(
                m_task->heldOut.scores, m_task->heldOut.targets, 3, m_data->info.classNames);
            context.log("confusion matrix of " + m_task->label + " on the test images (rows: truth):\n"
                + matrix.toString());
            context.observe("misclassified test images", double(matrix.total()) * (1 - matrix.accuracy()));
        } else if (step.id == "looks" && m_task) {
            looks(context);
        }
    }

private:
    // Where the CNN's class score is sensitive, over test images: the share of its gradient that falls on
    // the shape and a 2-pixel edge around it, divided by the share of the image they cover. 1 is a network
    // that looks everywhere alike; a shape recogniser looks at the shape's outline.
    void looks(LessonContext& context)
    {
        const torch::Tensor rows = m_task->split.test.slice(0, 0, kFocusImages);
        context.explained(explain(*m_task, *m_data, rows));
        const torch::Tensor raw = m_data->features.index_select(0, rows).to(torch::kFloat);
        GraphModule module = m_task->module;
        const torch::Tensor predicted = m_task->predict(raw).argmax(1);
        torch::Tensor gradient = torch::zeros({ raw.size(0), raw.size(-2), raw.size(-1) });
        for (std::int64_t c = 0; c < 3; ++c) {
            const torch::Tensor mine = (predicted == c).nonzero().flatten();
            if (mine.numel() == 0)
                continue;
            const torch::Tensor map = gradientMap(module, m_task->standardised(raw.index_select(0, mine)), c);
            gradient.index_copy_(0, mine, std::get<0>(map.max(1)));
        }
        const torch::Tensor shape = (raw.amax(1, true) > 0.5 * raw.amax({ 1, 2, 3 }, true)).to(torch::kFloat);
        const torch::Tensor region = torch::max_pool2d(shape, 5, 1, 2).squeeze(1);
        const torch::Tensor onShape
            = (gradient * region).sum({ 1, 2 }) / gradient.sum({ 1, 2 }).clamp_min(1e-12);
        const torch::Tensor focus = onShape / region.mean({ 1, 2 }).clamp_min(1e-12);
        context.observe("share of the gradient on the shape and its edge", onShape.mean().item<double>());
        context.observe("share of the image the shape and its edge cover", region.mean().item<double>());
        context.record("shape_focus", focus.mean().item<double>());
    }

    Exercise m_exercise;
    std::shared_ptr<const Dataset> m_data;
    std::unique_ptr<TrainedModel> m_task;
};

} // namespace

std::unique_ptr<Lesson> makeShapesLesson()
{
    return std::make_unique<ShapesLesson>();
}

} // namespace neurino::exercises
