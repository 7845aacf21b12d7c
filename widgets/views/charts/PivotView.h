#pragma once

#include "exercises/PivotFigure.h"

#include <QWidget>

#include <vector>

class QChart;
class QHBoxLayout;
class QLabel;

namespace neurino {

// The figure of "Learning to pivot" (Louppe, Kagan and Cranmer 2017): for each classifier a lesson trained,
// its output distributions at the nuisance values -sigma, 0 and +sigma (one colour each), signal solid and
// background dashed, with the Kolmogorov-Smirnov probabilities that the shifted ones agree with the nominal
// ones. Side by side, the panels show how the adversary puts the curves on top of each other. Takes the
// lesson's numbers (PivotFigure), not models.
class PivotView : public QWidget {
    Q_OBJECT

public:
    explicit PivotView(QWidget* parent = nullptr);

    void setFigure(const exercises::PivotFigure& figure);
    void clear();
    const exercises::PivotFigure& figure() const { return m_figure; }
    int panelCount() const { return int(m_charts.size()); }
    // The line above panel `index`: its classifier, AUC and KS probabilities.
    QString panelText(int index) const;

    // classifier, class, nuisance, bin_low, bin_high, density: one row per bin of every curve.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    void rebuild();
    QWidget* makePanel(const exercises::PivotPanel& panel, int index);

    exercises::PivotFigure m_figure;
    QWidget* m_panels;
    QHBoxLayout* m_panelLayout;
    QLabel* m_empty;
    QLabel* m_hint; // the colours' key
    std::vector<QChart*> m_charts;
    std::vector<QLabel*> m_captions;
};

} // namespace neurino
