#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QWidget>

#include <map>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace neurino {

// ROC curves as physicists plot them: background rejection (1 - false positive rate) against signal
// efficiency (true positive rate), one curve per run with its AUC in the legend, and the diagonal of a
// classifier that guesses. Takes data, not trainers.
class RocView : public QWidget {
    Q_OBJECT

public:
    explicit RocView(QWidget* parent = nullptr);

    // Adds or replaces the curve of a run, drawn in `color` (a new colour when invalid).
    void setCurve(int runId, const RocData& curve, const QColor& color = {});
    void removeCurve(int runId);
    void clear();
    int curveCount() const { return static_cast<int>(m_curves.size()); }
    const RocData* curve(int runId) const;

    // run, auc, signal_efficiency, background_rejection: one row per point.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    struct Curve {
        RocData data;
        QLineSeries* series = nullptr;
    };

    QChart* m_chart;
    QChartView* m_view;
    QValueAxis* m_xAxis;
    QValueAxis* m_yAxis;
    std::map<int, Curve> m_curves;
    int m_colorIndex = 0;
};

} // namespace neurino
