// Lesson 1, shapes recognition: the dense network of the qualification task against a CNN.
#include "core/eval/ConfusionMatrix.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

namespace neurino::exercises {

namespace {

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
    };
    e.checks = { makeCheck("dense_accuracy", "dense network test accuracy", Comparison::Greater, 0.80),
        makeCheck("cnn_accuracy", "your CNN test accuracy", Comparison::GreaterEqual, 0.99, true) };
    e.hints = { "Convolutions share their weights over the image: a circle is a circle wherever it is.",
        "Conv2D 3x3 with 'same' padding, then MaxPool2D 2x2, three times, then a small Dense head.",
        "Dropout after the pooling and before the last Dense layer keeps the CNN from memorising.",
        "Compare the parameter counts in the summary: the CNN needs about 100,000, the dense one 789,000." };
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
        }
    }

private:
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
