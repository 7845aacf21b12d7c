#include "core/eval/ConfusionMatrix.h"

#include "core/eval/Metrics.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace neurino {

ConfusionMatrix::ConfusionMatrix(std::int64_t classes, std::vector<std::string> classNames)
    : m_classes(classes)
    , m_names(std::move(classNames))
{
    if (classes < 1)
        throw DataError("a confusion matrix needs at least one class, got " + std::to_string(classes));
    if (m_names.empty()) {
        for (std::int64_t c = 0; c < classes; ++c)
            m_names.push_back(std::to_string(c));
    } else if (static_cast<std::int64_t>(m_names.size()) != classes) {
        throw DataError("a confusion matrix of " + std::to_string(classes) + " classes got "
            + std::to_string(m_names.size()) + " class names");
    }
    m_counts.assign(static_cast<std::size_t>(classes * classes), 0);
}

ConfusionMatrix ConfusionMatrix::fromScores(const torch::Tensor& scores, const torch::Tensor& targets,
    std::int64_t classes, std::vector<std::string> classNames)
{
    if (classes == 0)
        classes = scores.dim() == 2 && scores.size(1) > 1 ? scores.size(1) : 2;
    ConfusionMatrix matrix(classes, std::move(classNames));
    matrix.add(predictedClasses(scores.detach()), targets);
    return matrix;
}

void ConfusionMatrix::add(const torch::Tensor& predicted, const torch::Tensor& truth)
{
    if (predicted.numel() != truth.numel())
        throw DataError("confusion matrix: " + std::to_string(predicted.numel()) + " predictions but "
            + std::to_string(truth.numel()) + " true classes");
    if (predicted.numel() == 0)
        return;
    const torch::Tensor p = predicted.reshape({ -1 }).to(torch::kCPU, torch::kInt64);
    const torch::Tensor t = truth.reshape({ -1 }).to(torch::kCPU, torch::kInt64);
    const std::int64_t lo = std::min(p.min().item<std::int64_t>(), t.min().item<std::int64_t>());
    const std::int64_t hi = std::max(p.max().item<std::int64_t>(), t.max().item<std::int64_t>());
    if (lo < 0 || hi >= m_classes)
        throw DataError("confusion matrix: class index " + std::to_string(lo < 0 ? lo : hi)
            + " is outside 0.." + std::to_string(m_classes - 1));
    const torch::Tensor binned = torch::bincount(t * m_classes + p, {}, m_classes * m_classes).contiguous();
    const auto* counts = binned.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < m_counts.size(); ++i)
        m_counts[i] += counts[i];
}

void ConfusionMatrix::add(std::int64_t truth, std::int64_t predicted, std::int64_t count)
{
    if (truth < 0 || truth >= m_classes || predicted < 0 || predicted >= m_classes)
        throw DataError("confusion matrix: class index outside 0.." + std::to_string(m_classes - 1));
    m_counts[static_cast<std::size_t>(truth * m_classes + predicted)] += count;
}

std::int64_t ConfusionMatrix::count(std::int64_t truth, std::int64_t predicted) const
{
    return m_counts.at(static_cast<std::size_t>(truth * m_classes + predicted));
}

std::int64_t ConfusionMatrix::total() const
{
    std::int64_t sum = 0;
    for (std::int64_t c : m_counts)
        sum += c;
    return sum;
}

std::int64_t ConfusionMatrix::truthTotal(std::int64_t truth) const
{
    std::int64_t sum = 0;
    for (std::int64_t p = 0; p < m_classes; ++p)
        sum += count(truth, p);
    return sum;
}

std::int64_t ConfusionMatrix::predictedTotal(std::int64_t predicted) const
{
    std::int64_t sum = 0;
    for (std::int64_t t = 0; t < m_classes; ++t)
        sum += count(t, predicted);
    return sum;
}

double ConfusionMatrix::accuracy() const
{
    const std::int64_t n = total();
    std::int64_t right = 0;
    for (std::int64_t c = 0; c < m_classes; ++c)
        right += count(c, c);
    return n > 0 ? static_cast<double>(right) / static_cast<double>(n) : 0.0;
}

double ConfusionMatrix::recall(std::int64_t c) const
{
    const std::int64_t n = truthTotal(c);
    return n > 0 ? static_cast<double>(count(c, c)) / static_cast<double>(n) : 0.0;
}

double ConfusionMatrix::precision(std::int64_t c) const
{
    const std::int64_t n = predictedTotal(c);
    return n > 0 ? static_cast<double>(count(c, c)) / static_cast<double>(n) : 0.0;
}

std::vector<std::vector<double>> ConfusionMatrix::normalizedByTruth() const
{
    std::vector<std::vector<double>> out(
        static_cast<std::size_t>(m_classes), std::vector<double>(static_cast<std::size_t>(m_classes), 0.0));
    for (std::int64_t t = 0; t < m_classes; ++t) {
        const std::int64_t n = truthTotal(t);
        for (std::int64_t p = 0; n > 0 && p < m_classes; ++p)
            out[t][p] = static_cast<double>(count(t, p)) / static_cast<double>(n);
    }
    return out;
}

std::vector<std::vector<std::int64_t>> ConfusionMatrix::counts() const
{
    std::vector<std::vector<std::int64_t>> out;
    for (std::int64_t t = 0; t < m_classes; ++t)
        out.emplace_back(m_counts.begin() + t * m_classes, m_counts.begin() + (t + 1) * m_classes);
    return out;
}

std::string ConfusionMatrix::toString() const
{
    std::size_t nameWidth = std::string("true \\ predicted").size();
    std::size_t cellWidth = 6;
    for (const auto& name : m_names) {
        nameWidth = std::max(nameWidth, name.size());
        cellWidth = std::max(cellWidth, name.size() + 1);
    }
    for (std::int64_t c : m_counts)
        cellWidth = std::max(cellWidth, std::to_string(c).size() + 1);
    std::ostringstream out;
    out << std::left << std::setw(static_cast<int>(nameWidth)) << "true \\ predicted" << std::right;
    for (const auto& name : m_names)
        out << std::setw(static_cast<int>(cellWidth)) << name;
    out << std::setw(9) << "recall"
        << "\n";
    for (std::int64_t t = 0; t < m_classes; ++t) {
        out << std::left << std::setw(static_cast<int>(nameWidth)) << m_names[t] << std::right;
        for (std::int64_t p = 0; p < m_classes; ++p)
            out << std::setw(static_cast<int>(cellWidth)) << count(t, p);
        out << std::setw(9) << std::fixed << std::setprecision(4) << recall(t) << "\n";
    }
    return out.str();
}

nlohmann::json ConfusionMatrix::toJson() const
{
    return { { "classes", m_names }, { "counts", counts() }, { "accuracy", accuracy() } };
}

} // namespace neurino
