#pragma once

#include "widgets/session/GanTypes.h"

#include "core/train/TrainingObserver.h"

#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace neurino {

class ShowerImagePanel;

// A GAN run as it trains, updated each epoch: both losses and the discriminator's mean output on real and
// generated samples; a grid of generated showers beside real ones and the average images, on one log
// colour scale with a colour bar; the transverse and longitudinal profiles and the energy-sum histograms,
// real against generated, with chi²/NDF. Takes data, not trainers: feed it the session's values.
class GanView : public QWidget {
    Q_OBJECT

public:
    explicit GanView(QWidget* parent = nullptr);

    // The run shown from now on; forgets the previous one's figures.
    void setRun(int runId, const QString& name);
    int runId() const { return m_runId; }
    void clear();
    void addEpoch(const EpochStats& stats);
    void setSamples(const GanEpochData& samples);

    const GanEpochData& samples() const { return m_samples; }
    bool isEmpty() const { return m_epochs.empty() && m_samples.epoch == 0; }
    // Epochs drawn on the loss chart.
    int lossPointCount() const;
    // Generated and real images in the grid.
    int sampleCount() const;
    QString caption() const;
    // The energy histogram's title, with chi²/NDF.
    QString energyTitle() const;
    ShowerImagePanel* sampleGrid() const { return m_grid; }
    ShowerImagePanel* averageImages() const { return m_averages; }
    // The figures without the caption bar (what the PNG export writes).
    QWidget* figures() const { return m_figures; }

    // Long format, one value per row: quantity, epoch, x, y, value. Losses per epoch; profiles and
    // energy histograms (x the row, column or bin centre); average images (x the column, y the row).
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    QChartView* addChart(QChart* chart);
    void updateLossAxes();
    void showImages();
    void showProfiles();
    void showEnergy();
    void updateCaption();

    int m_runId = 0;
    QString m_runName;
    std::vector<EpochStats> m_epochs;
    GanEpochData m_samples;

    QLabel* m_caption;
    QWidget* m_figures;
    ShowerImagePanel* m_grid;
    ShowerImagePanel* m_averages;
    QChart* m_lossChart;
    QLineSeries* m_dLoss;
    QLineSeries* m_gLoss;
    QLineSeries* m_dReal;
    QLineSeries* m_dFake;
    QValueAxis* m_epochAxis;
    QValueAxis* m_lossAxis;
    QValueAxis* m_outputAxis;
    QChart* m_transverse;
    QChart* m_longitudinal;
    QChart* m_energy;
};

} // namespace neurino
