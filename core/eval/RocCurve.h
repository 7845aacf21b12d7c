#pragma once

#include <torch/types.h>

#include <vector>

namespace neurino {

// The receiver operating characteristic of a binary classifier, computed as scikit-learn's roc_curve:
// one point per distinct score (ties move both rates at once), so the area is the trapezoid over distinct
// thresholds and equals roc_auc_score. Physicists read it as signal efficiency (tpr) against background
// rejection (1 - fpr).
class RocCurve {
public:
    // `scores`: (N) or (N, 1) higher-is-more-signal values; `labels`: (N) 0/1 (1 = signal); optional
    // per-sample `weights` (N). Throws DataError when sizes disagree, a score is not finite, or only one
    // class is present (the curve is then not defined, as scikit-learn says).
    RocCurve(const torch::Tensor& scores, const torch::Tensor& labels, const torch::Tensor& weights = {});

    // Area under the curve, from every distinct threshold.
    double auc() const { return m_auc; }

    // The curve's points, starting at (0, 0) with threshold +inf. Collinear points are dropped, as
    // roc_curve(drop_intermediate=True) does; the area is unchanged by that.
    const std::vector<double>& falsePositiveRate() const { return m_fpr; }
    const std::vector<double>& truePositiveRate() const { return m_tpr; }
    const std::vector<double>& thresholds() const { return m_thresholds; }
    std::size_t size() const { return m_fpr.size(); }

    // The physicist's axes: signal efficiency (= tpr) and background rejection (= 1 - fpr).
    std::vector<double> signalEfficiency() const { return m_tpr; }
    std::vector<double> backgroundRejection() const;

    // The true positive rate at a given false positive rate, linearly interpolated (a working point).
    double truePositiveRateAt(double falsePositiveRate) const;

    // Weighted counts of the two classes.
    double positives() const { return m_positives; }
    double negatives() const { return m_negatives; }

private:
    std::vector<double> m_fpr;
    std::vector<double> m_tpr;
    std::vector<double> m_thresholds;
    double m_auc = 0;
    double m_positives = 0;
    double m_negatives = 0;
};

// The area under the ROC curve, equal to scikit-learn's roc_auc_score (ties included).
double rocAuc(const torch::Tensor& scores, const torch::Tensor& labels, const torch::Tensor& weights = {});

} // namespace neurino
