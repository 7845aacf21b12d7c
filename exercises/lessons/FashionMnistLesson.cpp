// Lesson 5 (bonus), real images: Fashion-MNIST from Debian's dataset-fashion-mnist package. The dense
// network against a small CNN, measured on the official 10,000 test images.
#include "core/eval/ConfusionMatrix.h"
#include "datasets/Catalog.h"
#include "exercises/LessonTools.h"
#include "exercises/lessons/LessonDefinition.h"
#include "exercises/lessons/Lessons.h"

#include <torch/torch.h>

#include <algorithm>

namespace neurino::exercises {

namespace {

Exercise definition()
{
    Exercise e;
    e.id = "fashion_mnist";
    e.number = 5;
    e.title = "Real images: Fashion-MNIST";
    e.summary = "Ten kinds of clothing in 70,000 real photographs; a CNN beats the dense network";
    e.goals = { "train on real data: 60,000 training images, judged on the official 10,000 test images",
        "see a dense network stop near 0.88 and a small CNN pass 0.90",
        "read which garments the network confuses, and why a shirt is harder than a trouser" };
    e.datasets = { { "fashion_mnist", { { "split", "train" } }, 60000, 2000, "the training images" },
        { "fashion_mnist", { { "split", "test" } }, 10000, 1000, "the official test images" } };
    e.models = { { "fashion_dense.neurino.json", true, "start" },
        { "fashion_cnn.neurino.json", true, "solution" } };
    e.steps = {
        { "data", "Look at the images", "01_data.md", ActionKind::GenerateData, "samples", {}, false },
        { "dense", "The dense baseline", "02_dense.md", ActionKind::Train, "curves", { "dense_accuracy" },
            false },
        { "cnn", "A small CNN", "03_cnn.md", ActionKind::Train, "curves", { "cnn_accuracy" }, true },
        { "confusion", "Which garments get confused?", "04_confusion.md", ActionKind::Evaluate, "confusion",
            {}, false },
    };
    e.checks = { makeCheck("dense_accuracy", "dense network test accuracy", Comparison::GreaterEqual, 0.86),
        makeCheck("cnn_accuracy", "your CNN test accuracy", Comparison::GreaterEqual, 0.90, true) };
    e.hints = { "The images are real: expect no network to reach 100 %. Some shirts look like T-shirts to "
                "people too.",
        "Two Conv2D 3x3 layers (32 and 64 filters), each followed by MaxPool2D 2x2, are enough for 0.90.",
        "Dropout before the last Dense layers keeps the CNN from memorising the training images.",
        "Watch the validation curve: if it turns up while the training loss still falls, stop earlier." };
    e.solution = "fashion_cnn: Conv2D(32; 3x3, same, ReLU), MaxPool2D, Conv2D(64), MaxPool2D, Dropout 0.25, "
                 "Dense 128 ReLU, Dropout 0.5, Dense 10 softmax (421,642 parameters); Adam 1e-3, batch 128, "
                 "6 epochs, 10 % of the training images for validation.";
    e.taskModelRole = "your CNN";
    e.scoreCheck = "cnn_accuracy";
    return e;
}

// The training images followed by the test images, so that the test part is the official test set.
struct Joined {
    std::shared_ptr<const Dataset> data;
    SplitIndices split;
};

Joined join(const Dataset& train, const Dataset& test, double validationFraction, std::uint64_t seed)
{
    auto data = std::make_shared<Dataset>();
    data->features = torch::cat({ train.features, test.features });
    data->targets = torch::cat({ train.targets, test.targets });
    data->info = train.info;
    SplitIndices inner = makeStratifiedSplit(train.targets, { validationFraction, 0.0 }, seed);
    SplitIndices split;
    split.train = inner.train;
    split.validation = inner.validation;
    split.test = torch::arange(train.size(), train.size() + test.size(), torch::kInt64);
    return { std::move(data), std::move(split) };
}

TrainConfig fashionConfig(int epochs, const LessonContext& context)
{
    TrainConfig config;
    config.optimizer.learningRate = 1e-3;
    config.epochs = epochs;
    config.batchSize = 128;
    config.earlyStopping.enabled = true;
    config.earlyStopping.patience = 3;
    return lessonConfig(config, context);
}

class FashionMnistLesson : public Lesson {
public:
    FashionMnistLesson()
        : m_exercise(definition())
    {
    }
    const Exercise& exercise() const override { return m_exercise; }

    std::string unavailableReason() const override
    {
        try {
            datasets::Catalog::instance().generate("fashion_mnist", { { "split", "test" } }, 1, kDefaultSeed);
            return {};
        } catch (const Error& e) {
            return e.what();
        }
    }

    void runStep(const Step& step, LessonContext& context) override
    {
        const bool quick = context.options().reduced;
        if (step.id == "data") {
            const auto train = generateDataset(m_exercise.datasets[0], context);
            const auto test = generateDataset(m_exercise.datasets[1], context, false);
            m_joined = join(*train, *test, 0.1, context.options().seed);
            context.observe("training images", double(train->size()));
            context.observe("test images", double(test->size()));
        } else if (step.id == "dense") {
            const auto model
                = trainModel("'fashion_dense'", loadLessonModel(m_exercise, "fashion_dense.neurino.json"),
                    fashionConfig(sized(12, 3, quick), context), m_joined.data, context, m_joined.split);
            context.record("dense_accuracy", model.metric("accuracy"));
        } else if (step.id == "cnn") {
            const ModelGraph graph
                = taskModel(m_exercise, context, "fashion_dense.neurino.json", "fashion_cnn.neurino.json");
            m_task = std::make_unique<TrainedModel>(trainTaskModel("'" + graph.name() + "'", graph,
                fashionConfig(sized(6, 2, quick), context), m_joined.data, context, m_joined.split));
            context.record("cnn_accuracy", m_task->metric("accuracy"));
        } else if (step.id == "confusion" && m_task) {
            const auto& names = m_joined.data->info.classNames;
            const auto matrix = ConfusionMatrix::fromScores(
                m_task->heldOut.scores, m_task->heldOut.targets, std::int64_t(names.size()), names);
            context.log("confusion matrix of " + m_task->label + " on the test images (rows: truth):\n"
                + matrix.toString());
            logMostConfused(matrix, context);
        }
    }

private:
    // The pair of garments mistaken for each other most often, in both directions.
    void logMostConfused(const ConfusionMatrix& matrix, LessonContext& context) const
    {
        const auto& names = m_joined.data->info.classNames;
        const std::int64_t n = std::int64_t(names.size());
        std::int64_t bestA = 0, bestB = 1, best = -1;
        for (std::int64_t a = 0; a < n; ++a)
            for (std::int64_t b = a + 1; b < n; ++b) {
                const std::int64_t both = matrix.count(a, b) + matrix.count(b, a);
                if (both > best) {
                    best = both;
                    bestA = a;
                    bestB = b;
                }
            }
        context.log("most confused: " + names[std::size_t(bestA)] + " and " + names[std::size_t(bestB)] + " ("
            + std::to_string(best) + " test images)");
        context.observe("test images confused between the two most confused garments", double(best));
    }

    Exercise m_exercise;
    Joined m_joined;
    std::unique_ptr<TrainedModel> m_task;
};

} // namespace

std::unique_ptr<Lesson> makeFashionMnistLesson()
{
    return std::make_unique<FashionMnistLesson>();
}

} // namespace neurino::exercises
