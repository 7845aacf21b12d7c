#pragma once

#include "core/train/TrainingObserver.h"

#include <QColor>
#include <QPointF>
#include <QWidget>

#include <limits>
#include <map>
#include <vector>

class QAbstractAxis;
class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace neurino {

// Live loss and metric curves of one or more runs (Qt Charts): the chosen metric on the training part as a
// solid line and on the validation part dashed, per epoch; the loss also per batch, smoothed, as a thin
// line; the best epoch marked. Every run keeps its own colour. The axes follow the data; the value axis
// can be logarithmic. Takes data, not trainers: feed it the observer's values.
class MetricChart : public QWidget {
    Q_OBJECT

public:
    explicit MetricChart(QWidget* parent = nullptr);
    ~MetricChart() override;

    // A run to draw, with the next free colour. Adding a run that is there already keeps it.
    void addRun(int runId, const QString& name);
    void removeRun(int runId);
    void clear();
    void addEpoch(int runId, const EpochStats& stats);
    // Kept at once; drawn at the next turn of the event loop, together with the batches that came meanwhile.
    void addBatch(int runId, const BatchStats& stats, double smoothedLoss);

    // The metric shown ("loss", "accuracy", "auc", ...; without "val_").
    void setMetric(const QString& metric);
    QString metric() const;
    QStringList metrics() const;
    void setLogScale(bool on);
    bool logScale() const;
    void setBatchCurveVisible(bool on);

    QList<int> runIds() const;
    QColor runColor(int runId) const;
    int epochCount(int runId) const;
    int batchPointCount(int runId) const;
    // Points of the per-batch curve as drawn (thinned beyond a budget), for tests.
    int drawnBatchPointCount(int runId) const;
    int bestEpoch(int runId) const;
    // Every scalar of every run, one per row: run, epoch, batch (empty for epoch values), scalar, value.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;
    QChart* chart() const { return m_chart; }
    // The axes' ranges now, for tests: x then y.
    QPointF xRange() const;
    QPointF yRange() const;
    // Epochs between two ticks of the x axis: always whole.
    double epochTickInterval() const;

signals:
    void metricsChanged();

private:
    // The range of a curve's values, kept as its points arrive.
    struct Extent {
        double maxX = 0;
        double low = std::numeric_limits<double>::infinity();
        double high = -std::numeric_limits<double>::infinity();
        double lowPositive = std::numeric_limits<double>::infinity(); // for the log scale
        void add(double x, double y);
    };
    struct Run {
        QString name;
        QColor color;
        std::vector<EpochStats> epochs;
        std::vector<QPointF> batchLoss; // x = epoch - 1 + batch / batches; every one, for CSV and redraws
        Extent batchExtent;
        bool batchPending = false; // batches arrived that the drawn curve does not show yet
        int bestEpoch = 0;
        QLineSeries* train = nullptr;
        QLineSeries* validation = nullptr;
        QLineSeries* batch = nullptr;
        QScatterSeries* best = nullptr;
    };

    void createSeries(Run& run);
    void fillSeries(Run& run);
    void updateBest(Run& run);
    void updateLegend(Run& run);
    void updateMetricList();
    void updateAxes();
    void flushBatches();
    void replaceValueAxis();
    bool plottable(double value) const;
    double valueOf(const EpochStats& epoch, const std::string& name) const;

    QChart* m_chart;
    QChartView* m_view;
    QComboBox* m_metricBox;
    QCheckBox* m_logBox;
    QCheckBox* m_batchBox;
    QValueAxis* m_xAxis;
    QAbstractAxis* m_yAxis = nullptr;
    std::map<int, Run> m_runs;
    int m_colorIndex = 0;
    QString m_metric = "loss";
    bool m_log = false;
    bool m_flushScheduled = false;
};

} // namespace neurino
