#pragma once

#include "core/eval/EnergyResolution.h"

#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QLabel;
class QValueAxis;

namespace neurino {

// The plot calorimeter physicists draw for an energy measurement: the relative resolution sigma(E)/E
// against the true energy with the fit a/sqrt(E) (+) b drawn through the points, and below it the bias
// <E_pred/E> - 1, one colour per method (a calibrated sum of cells, a CNN). Takes the numbers core computed
// (EnergyResolution), not models.
class EnergyResolutionView : public QWidget {
    Q_OBJECT

public:
    explicit EnergyResolutionView(QWidget* parent = nullptr);

    void setCurves(const std::vector<ResolutionCurve>& curves);
    void clear();
    const std::vector<ResolutionCurve>& curves() const { return m_curves; }
    // The line under the charts: each method's fitted terms and overall resolution.
    QString summaryText() const;

    // method, e_low, e_high, mean_energy, events, resolution, resolution_error, bias, bias_error, fit_a,
    // fit_b: one row per method and bin.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    void rebuild();

    std::vector<ResolutionCurve> m_curves;
    QWidget* m_charts;
    QChart* m_resolutionChart;
    QChart* m_biasChart;
    QValueAxis* m_energyAxis[2];
    QValueAxis* m_resolutionAxis;
    QValueAxis* m_biasAxis;
    QLabel* m_summary;
};

} // namespace neurino
