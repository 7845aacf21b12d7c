#pragma once

#include "exercises/MonitoringRuns.h"

#include <QRectF>
#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

class QComboBox;
class QLabel;
class QPainter;

namespace neurino {

// The data-quality monitor: a run's monitoring map (pad rows x drift time), the autoencoder's
// reconstruction of it and their difference, with the bin of largest error boxed and the rows of the
// injected failure marked; below, the anomaly-score distributions of good and bad runs with the alarm
// threshold and the chosen run. Runs are chosen by failure mode, then by run. Takes data, not lessons:
// feed it an exercises::MonitoringRuns.
class RunMonitorView : public QWidget {
    Q_OBJECT

public:
    explicit RunMonitorView(QWidget* parent = nullptr);

    void setData(const exercises::MonitoringRuns& runs);
    void clear();
    const exercises::MonitoringRuns& data() const { return m_runs; }

    // Shows runs of failure mode `mode` (an index into modeNames) in the run chooser; picks the first.
    void setMode(int mode);
    int mode() const;
    // Shows run `index` (into data()'s runs); its mode becomes the chooser's.
    void setRun(int index);
    int run() const { return m_run; }
    // The runs the chooser offers now (of the chosen mode; the most anomalous first once scored).
    const std::vector<int>& offeredRuns() const { return m_offered; }
    // The (row, bin) of the chosen run's largest squared reconstruction error; empty before scoring.
    std::optional<std::pair<int, int>> worstBin() const;
    // The anomaly-score histograms (log10 of the score), good runs and bad runs, over the same bins.
    struct ScoreHistograms {
        double low = 0, high = 0; // log10 range
        std::vector<int> good, bad;
    };
    ScoreHistograms scoreHistograms(int binCount = 40) const;
    // One row per run: run, failure, score, flagged.
    QString toCsv() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Geometry {
        QRectF maps[3]; // run, reconstruction, difference
        QRectF histogram;
    };
    Geometry geometry() const;
    void paintMap(QPainter& p, const QRectF& r, const std::vector<float>& values, std::size_t offset,
        bool difference, double scale, const QString& title) const;
    void paintMarks(QPainter& p, const QRectF& r) const;
    void paintHistogram(QPainter& p, const QRectF& r) const;
    void fillRunChooser();
    void updateSummary();
    QString modeText(int mode) const;

    exercises::MonitoringRuns m_runs;
    std::vector<float> m_difference; // run minus reconstruction, all runs; empty before scoring
    int m_run = -1;
    std::vector<int> m_offered;
    QComboBox* m_modeBox;
    QComboBox* m_runBox;
    QLabel* m_summary;
    QWidget* m_controls;
};

} // namespace neurino
