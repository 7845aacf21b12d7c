#include "widgets/session/BoundarySampler.h"

#include "core/data/Dataset.h"
#include "core/nn/EvalScope.h"
#include "core/train/Trainer.h"

#include <algorithm>
#include <tuple>
#include <vector>

namespace neurino {

namespace {

// Cells per side of the decision-boundary grid.
constexpr int kBoundaryCells = 100;
// Training points drawn on the decision boundary, at most.
constexpr std::int64_t kBoundaryPoints = 2000;
// Margin around the data's range on the decision boundary, as a fraction of the range.
constexpr double kBoundaryMargin = 0.1;

} // namespace

bool isPlaneClassification(const Dataset& data)
{
    return (data.info.task == Task::Classification || data.info.task == Task::Binary)
        && data.features.dim() == 2 && data.features.size(1) == 2;
}

BoundarySampler::BoundarySampler(Trainer& trainer)
    : m_trainer(trainer)
{
    const Dataset& data = *trainer.data();
    const torch::Tensor features = data.features.to(torch::kCPU, torch::kFloat);
    const torch::Tensor low = std::get<0>(features.min(0));
    const torch::Tensor high = std::get<0>(features.max(0));
    const auto range = [&](int axis, double& from, double& to) {
        const double lo = low[axis].item<double>(), hi = high[axis].item<double>();
        const double margin = kBoundaryMargin * (hi > lo ? hi - lo : 1.0);
        from = lo - margin;
        to = hi + margin;
    };
    range(0, m_base.xMin, m_base.xMax);
    range(1, m_base.yMin, m_base.yMax);
    m_base.columns = m_base.rows = kBoundaryCells;
    const torch::Tensor xs = torch::empty({ kBoundaryCells }, torch::kFloat);
    const torch::Tensor ys = torch::empty({ kBoundaryCells }, torch::kFloat);
    for (int i = 0; i < kBoundaryCells; ++i) {
        xs[i] = m_base.cellX(i);
        ys[i] = m_base.cellY(i);
    }
    const std::vector<torch::Tensor> mesh = torch::meshgrid({ ys, xs }, /*indexing=*/"ij");
    m_grid = torch::stack({ mesh[1].reshape({ -1 }), mesh[0].reshape({ -1 }) }, /*dim=*/1);

    const bool binary = data.info.task == Task::Binary;
    torch::Tensor rows
        = trainer.split().train.defined() ? trainer.split().train : torch::arange(data.size(), torch::kLong);
    rows = rows.slice(0, 0, std::min<std::int64_t>(rows.numel(), kBoundaryPoints)).to(torch::kCPU);
    const torch::Tensor points = features.index_select(0, rows).contiguous();
    torch::Tensor labels = data.targets.to(torch::kCPU).index_select(0, rows).reshape({ -1 });
    labels = (binary ? labels.to(torch::kFloat).round() : labels).to(torch::kLong).contiguous();
    const auto xy = points.accessor<float, 2>();
    const auto label = labels.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < points.size(0); ++i) {
        m_base.pointX.push_back(xy[i][0]);
        m_base.pointY.push_back(xy[i][1]);
        m_base.pointLabel.push_back(static_cast<int>(label[i]));
    }
    m_base.classNames = data.info.classNames;
}

DecisionBoundaryData BoundarySampler::sample(int epoch)
{
    const torch::Tensor scores = gridScores();
    DecisionBoundaryData result = m_base;
    result.epoch = epoch;
    const std::int64_t cells = m_grid.size(0);
    const torch::Tensor table = scores.reshape({ cells, -1 });
    torch::Tensor probability, predicted;
    if (table.size(1) <= 2) {
        // One sigmoid output, or two softmax outputs: the last column is p(class 1) either way.
        probability = table.select(/*dim=*/1, table.size(1) - 1);
        predicted = (probability >= 0.5).to(torch::kLong);
        result.classes = 2;
    } else {
        std::tie(probability, predicted) = table.max(/*dim=*/1);
        result.classes = static_cast<int>(table.size(1));
    }
    probability = probability.contiguous();
    predicted = predicted.to(torch::kLong).contiguous();
    result.probability.assign(probability.data_ptr<float>(), probability.data_ptr<float>() + cells);
    const std::int64_t* classes = predicted.data_ptr<std::int64_t>();
    result.predicted.assign(classes, classes + cells);
    return result;
}

torch::Tensor BoundarySampler::gridScores()
{
    GraphModule& module = m_trainer.module();
    const EvalScope scope(module);
    torch::NoGradGuard noGrad;
    const Loss& loss = m_trainer.loss();
    const torch::Tensor x = m_trainer.standardizer().apply(m_grid.to(m_trainer.device()));
    const torch::Tensor out = loss.usesLogits() ? module->forwardLogits(x) : module->forward(x);
    return loss.scores(out).to(torch::kCPU, torch::kFloat);
}

} // namespace neurino
