#include "core/eval/RocCurve.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>

namespace neurino {

namespace {

std::vector<double> toVector(const torch::Tensor& t)
{
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat64).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// The scores and labels as flat CPU tensors, the scores floating point. Throws DataError for sizes that do
// not match, scores that are not finite and labels other than 0 and 1.
std::pair<torch::Tensor, torch::Tensor> rocInputs(
    const torch::Tensor& scoresIn, const torch::Tensor& labelsIn, const torch::Tensor& weightsIn)
{
    const std::int64_t n = scoresIn.numel();
    if (labelsIn.numel() != n)
        throw DataError("ROC curve: " + std::to_string(n) + " scores but " + std::to_string(labelsIn.numel())
            + " labels");
    if (weightsIn.defined() && weightsIn.numel() != n)
        throw DataError("ROC curve: " + std::to_string(n) + " scores but " + std::to_string(weightsIn.numel())
            + " weights");
    // Scores keep their precision (a float32 sort needs half the memory of a float64 one): a ROC of the
    // 10 million events of a Higgs training epoch must not need several copies of them.
    torch::Tensor scores = scoresIn.detach().reshape({ n }).to(torch::kCPU);
    if (!scores.is_floating_point())
        scores = scores.to(torch::kFloat64);
    const torch::Tensor labels = labelsIn.detach().reshape({ n }).to(torch::kCPU);
    if (!torch::isfinite(scores).all().item<bool>())
        throw DataError("ROC curve: some scores are NaN or infinite; the model's output is not usable");
    if (!((labels == 0) | (labels == 1)).all().item<bool>())
        throw DataError("ROC curve: labels must be 0 (background) or 1 (signal)");
    return { scores, labels };
}

// The cumulative true and false positives (weighted, or counted) at each distinct score, highest score
// first, and those scores as thresholds.
struct RocCounts {
    torch::Tensor tps, fps, thresholds;
};

RocCounts rocCounts(const torch::Tensor& scores, const torch::Tensor& labels, const torch::Tensor& weightsIn)
{
    const std::int64_t n = scores.numel();
    RocCounts c;
    const auto sorted = torch::sort(scores, /*stable=*/true, /*dim=*/0, /*descending=*/true);
    const torch::Tensor& s = std::get<0>(sorted);
    const torch::Tensor& order = std::get<1>(sorted);
    // The last index of each run of equal scores: a threshold moves every tied sample at once.
    torch::Tensor ends = n > 1 ? (s.slice(0, 1) != s.slice(0, 0, n - 1)).nonzero().reshape({ -1 })
                               : torch::empty({ 0 }, torch::kInt64);
    ends = torch::cat({ ends, torch::full({ 1 }, n - 1, torch::kInt64) });
    if (weightsIn.defined()) {
        const torch::Tensor w
            = weightsIn.detach().reshape({ n }).to(torch::kCPU, torch::kFloat64).index_select(0, order);
        const torch::Tensor y = labels.index_select(0, order).to(torch::kFloat64);
        c.tps = torch::cumsum(y * w, 0).index_select(0, ends);
        c.fps = torch::cumsum((1 - y) * w, 0).index_select(0, ends);
    } else {
        // Unweighted counts are exact integers; the false positives follow from the position.
        c.tps = torch::cumsum(labels.index_select(0, order).to(torch::kInt64), 0)
                    .index_select(0, ends)
                    .to(torch::kFloat64);
        c.fps = (ends + 1).to(torch::kFloat64) - c.tps;
    }
    c.thresholds = s.index_select(0, ends);
    return c;
}

} // namespace

RocCurve::RocCurve(
    const torch::Tensor& scoresIn, const torch::Tensor& labelsIn, const torch::Tensor& weightsIn)
{
    std::vector<double> tp, fp, th;
    {
        const auto [scores, labels] = rocInputs(scoresIn, labelsIn, weightsIn);
        const RocCounts counts = rocCounts(scores, labels, weightsIn);
        tp = toVector(counts.tps);
        fp = toVector(counts.fps);
        th = toVector(counts.thresholds);
    }
    m_positives = tp.empty() ? 0 : tp.back();
    m_negatives = fp.empty() ? 0 : fp.back();
    if (m_positives <= 0 || m_negatives <= 0)
        throw DataError("ROC curve: only one class is present in the labels; the curve and its AUC need both "
                        "signal (1) and background (0) samples");

    m_auc = tp.front() * fp.front() / 2.0; // the triangle from the origin to the first point
    for (std::size_t i = 1; i < tp.size(); ++i)
        m_auc += (fp[i] - fp[i - 1]) * (tp[i] + tp[i - 1]) / 2.0;
    m_auc /= m_positives * m_negatives;

    // The origin, with a threshold above every score, then the ends of straight segments only: what
    // roc_curve(drop_intermediate=True) returns. Dropping collinear points leaves the area unchanged.
    m_fpr.push_back(0.0);
    m_tpr.push_back(0.0);
    m_thresholds.push_back(th.front() + 1.0);
    for (std::size_t i = 0; i < tp.size(); ++i) {
        const bool edge = i == 0 || i + 1 == tp.size();
        if (edge || (fp[i + 1] - 2 * fp[i] + fp[i - 1]) != 0 || (tp[i + 1] - 2 * tp[i] + tp[i - 1]) != 0) {
            m_fpr.push_back(fp[i] / m_negatives);
            m_tpr.push_back(tp[i] / m_positives);
            m_thresholds.push_back(th[i]);
        }
    }
}

std::vector<double> RocCurve::backgroundRejection() const
{
    std::vector<double> out(m_fpr.size());
    std::transform(m_fpr.begin(), m_fpr.end(), out.begin(), [](double f) { return 1.0 - f; });
    return out;
}

double RocCurve::truePositiveRateAt(double falsePositiveRate) const
{
    const auto it = std::lower_bound(m_fpr.begin(), m_fpr.end(), falsePositiveRate);
    if (it == m_fpr.begin())
        return m_tpr.front();
    if (it == m_fpr.end())
        return m_tpr.back();
    const std::size_t i = static_cast<std::size_t>(it - m_fpr.begin());
    const double span = m_fpr[i] - m_fpr[i - 1];
    if (span <= 0)
        return m_tpr[i];
    const double t = (falsePositiveRate - m_fpr[i - 1]) / span;
    return m_tpr[i - 1] + t * (m_tpr[i] - m_tpr[i - 1]);
}

double rocAuc(const torch::Tensor& scores, const torch::Tensor& labels, const torch::Tensor& weights)
{
    return RocCurve(scores, labels, weights).auc();
}

} // namespace neurino
