// Three steps of every optimizer from a fixed start must give PyTorch's numbers
// (tests/data/train/optimizer_reference.json, made by tests/tools/make_optimizer_reference.py).
#include "core/train/Optimizers.h"
#include "core/train/TrainConfig.h"
#include "core/util/AtomicFile.h"
#include "tests/TestSupport.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace neurino;
using nlohmann::json;

namespace {

// The reference numbers are float64; Neurino's optimizers must agree to this.
constexpr double kTolerance = 1e-9;

json reference()
{
    return json::parse(readTextFile(test::sourcePath("tests/data/train/optimizer_reference.json")));
}

torch::Tensor tensorOf(const json& values)
{
    if (values.is_array() && !values.empty() && values[0].is_array()) {
        std::vector<torch::Tensor> rows;
        for (const auto& row : values)
            rows.push_back(tensorOf(row));
        return torch::stack(rows);
    }
    return torch::tensor(values.get<std::vector<double>>(), torch::kFloat64);
}

} // namespace

class TestOptimizers : public QObject {
    Q_OBJECT

private slots:
    void matchesPyTorch_data()
    {
        QTest::addColumn<int>("index");
        const json ref = reference();
        for (std::size_t i = 0; i < ref["cases"].size(); ++i)
            QTest::newRow(ref["cases"][i]["name"].get<std::string>().c_str()) << int(i);
    }

    void matchesPyTorch()
    {
        QFETCH(int, index);
        const json ref = reference();
        const json& c = ref["cases"][static_cast<std::size_t>(index)];
        const TrainConfig config = TrainConfig::fromJson({ { "optimizer", c["optimizer"] } });
        const torch::Tensor x = tensorOf(ref["x"]), y = tensorOf(ref["y"]);
        torch::Tensor w = tensorOf(ref["w0"]).requires_grad_(true);
        torch::Tensor b = tensorOf(ref["b0"]).requires_grad_(true);
        auto optimizer = makeOptimizer(config.optimizer, { w, b });
        for (const auto& expected : c["steps"]) {
            optimizer->zero_grad();
            const torch::Tensor loss = (torch::matmul(x, w.t()) + b - y).pow(2).mean() + 0.1 * w.pow(4).sum();
            loss.backward();
            optimizer->step();
            const double dw = (w.detach() - tensorOf(expected["w"])).abs().max().item<double>();
            const double db = (b.detach() - tensorOf(expected["b"])).abs().max().item<double>();
            QVERIFY2(dw < kTolerance && db < kTolerance,
                qPrintable(QString("weights differ by %1, biases by %2").arg(dw).arg(db)));
        }
    }

    void learningRateCanBeChanged()
    {
        torch::Tensor w = torch::ones({ 2 }, torch::kFloat64).requires_grad_(true);
        OptimizerConfig c;
        c.name = "nadam";
        auto optimizer = makeOptimizer(c, { w });
        QCOMPARE(learningRate(*optimizer), 1e-3);
        setLearningRate(*optimizer, 0.5);
        QCOMPARE(learningRate(*optimizer), 0.5);
    }
};

NEURINO_TEST_MAIN(TestOptimizers)
#include "TestOptimizers.moc"
