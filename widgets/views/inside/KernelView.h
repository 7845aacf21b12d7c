#pragma once

#include "widgets/session/InspectionTypes.h"

#include <QWidget>

class QComboBox;
class QLabel;

namespace neurino {

// The kernels of a convolution layer as a grid of small images: one row per output channel (filter) and
// one column per input channel, or one tile per filter with its input channels averaged. A diverging
// colour map centred at zero (blue negative, red positive) shared by the whole layer, with a colour bar.
// Updates live while training. Takes data, not trainers.
class KernelView : public QWidget {
    Q_OBJECT

public:
    explicit KernelView(QWidget* parent = nullptr);

    // `runName`, when given, starts the caption. Keeps the chosen layer when the new data has it.
    void setData(const KernelsData& data, const QString& runName = {});
    void clear();
    const KernelsData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }

    // The layer shown (its node id) and the choice of it.
    QString currentLayer() const;
    void setCurrentLayer(const QString& node);
    // One tile per filter, input channels averaged (otherwise one per filter and input channel).
    void setAveraged(bool averaged);
    bool averaged() const;
    // Tiles the plot draws for the current layer and mode.
    int tileCount() const;
    // The layer shown, or null.
    const KernelSet* current() const;

    QWidget* plot() const;
    // One row per weight of the layer shown: layer, output channel, input channel, row, column, value.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    class Plot;
    void updateCaption();
    void updatePlot();

    KernelsData m_data;
    QString m_runName;
    QString m_chosen;
    QComboBox* m_layer;
    QComboBox* m_mode;
    QLabel* m_caption;
    Plot* m_plot;
};

} // namespace neurino
