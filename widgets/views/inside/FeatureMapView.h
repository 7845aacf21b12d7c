#pragma once

#include "widgets/session/InspectionTypes.h"

#include <QWidget>

#include <memory>

class QLabel;
class QScrollArea;
class QSpinBox;

namespace neurino {

class TrainedModel;

// What every layer makes of one chosen input: the input itself, each convolution or pooling layer's
// channels as a grid of small images, dense layers as heat strips (the last one as bars per class). Each
// layer has its own colour scale (viridis for non-negative values, a diverging map centred at zero
// otherwise) with a colour bar. Shown after training, for a sample chosen among the held-out ones.
class FeatureMapView : public QWidget {
    Q_OBJECT

public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    // The trained model to ask (null clears the view); shows its first held-out sample.
    void setModel(std::shared_ptr<const TrainedModel> model, const QString& runName = {});
    // Shows sample `index` of the model's held-out samples.
    void showSample(int index);
    // Shows given activations (a view without a model, e.g. for sample data).
    void setData(const FeatureMapData& data, const QString& runName = {});
    void clear();
    const FeatureMapData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    int sampleCount() const;
    // Channel tiles the picture draws for the layer `node` (its channels; 0 for a dense layer).
    int tileCount(const std::string& node) const;

    QWidget* plot() const;
    // layer, channel, position within the channel, value: every layer's output for the sample shown.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

private:
    class Canvas;
    void updateCaption();

    std::shared_ptr<const TrainedModel> m_model;
    FeatureMapData m_data;
    QString m_runName;
    QSpinBox* m_sample;
    QLabel* m_count;
    QLabel* m_caption;
    QScrollArea* m_scroll;
    Canvas* m_canvas;
};

} // namespace neurino
