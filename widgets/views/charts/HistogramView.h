#pragma once

#include "widgets/session/InspectionTypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QScrollArea;

namespace neurino {

// Weight and gradient histograms of every parameter tensor, one row per tensor (weights left, gradients of
// the epoch's last batch right), updated while training. Shows whether weights spread out or die, and
// whether gradients vanish or explode from layer to layer. Takes data, not trainers.
class HistogramView : public QWidget {
    Q_OBJECT

public:
    explicit HistogramView(QWidget* parent = nullptr);

    void setData(const HistogramsData& data, const QString& runName = {});
    void clear();
    const HistogramsData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    // Which layer's tensors are shown: a node id, or empty for every layer.
    void setLayer(const QString& node);
    QString layer() const;
    // The parameter tensors shown (after the layer choice).
    std::vector<const ParameterHistogram*> shown() const;

    QWidget* plot() const;
    // node, param, kind (weight or gradient), bin_low, bin_high, count: every bin of every tensor.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    class Canvas;
    void relayout();

    HistogramsData m_data;
    QComboBox* m_layer;
    QLabel* m_caption;
    QScrollArea* m_scroll;
    Canvas* m_canvas;
};

} // namespace neurino
