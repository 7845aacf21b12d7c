#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QValueAxis;

namespace neurino {

// The overtraining check physicists know from TMVA: the classifier output for signal and background on
// the training part (filled histograms) and on the held-out part (points), normalised to unit area, with
// the Kolmogorov-Smirnov probability that training and held-out outputs come from one distribution.
// Takes data, not trainers.
class OutputDistributionView : public QWidget {
    Q_OBJECT

public:
    explicit OutputDistributionView(QWidget* parent = nullptr);

    void setData(const OutputDistributions& data, const QString& runName = {});
    void clear();
    const OutputDistributions& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }

    // bin_low, bin_high and the four densities, then the KS probabilities.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    void addTrain(const std::vector<double>& density, const QColor& color, const QString& name);
    void addTest(const std::vector<double>& density, const QColor& color, const QString& name);

    OutputDistributions m_data;
    QChart* m_chart;
    QChartView* m_view;
    QValueAxis* m_xAxis;
    QValueAxis* m_yAxis;
    QLabel* m_verdict;
};

} // namespace neurino
