#pragma once

#include "widgets/session/InspectionTypes.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSpinBox;

namespace neurino {

class TaskQueue;
class TrainedModel;

// What a trained classifier looks at. For image data, a chosen held-out sample beside two maps for a chosen
// class (the predicted one at first): how strongly the class score moves with each pixel (the gradient) and
// how much it falls when a patch around each pixel is hidden (occlusion, a diverging scale: red lowers the
// score when hidden, blue raises it). For tabular data, one pair of bars per feature, most important first:
// the mean |gradient × input| and the fall of the accuracy (AUC for a binary task) when the feature's
// column is shuffled. Computed on the session's analysis lane after training.
class ImportanceView : public QWidget {
    Q_OBJECT

public:
    explicit ImportanceView(TaskQueue* tasks, QWidget* parent = nullptr);

    // The trained model to ask (null clears the view). Nothing is computed until ensureComputed() or a
    // choice of sample or class: a run's end costs nothing while the view is not looked at.
    void setModel(std::shared_ptr<const TrainedModel> model, const QString& runName = {});
    // Computes for the chosen sample and class unless that is shown or under way.
    void ensureComputed();
    // Shows sample `index` of the held-out samples (images) and class `classIndex` (-1: the predicted one).
    void showSample(int index, int classIndex = -1);
    void setData(const ImportanceData& data, const QString& runName = {});
    const ImportanceData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    bool isComputing() const { return m_task != 0; }

    QWidget* plot() const;
    // images: row, column, pixel, gradient, occlusion; tabular: feature, gradient × input, permutation.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

signals:
    // A computation ended (shown, or failed with its reason in the caption).
    void computed();

private:
    class Canvas;
    void compute();
    void finish(const ImportanceData& data, const QString& error);
    void updateControls();
    void updateCaption();

    TaskQueue* m_tasks;
    std::shared_ptr<const TrainedModel> m_model;
    ImportanceData m_data;
    QString m_runName;
    int m_task = 0;
    int m_job = 0;
    bool m_pending = false; // a change came while computing: compute again when it ends
    QSpinBox* m_sample;
    QComboBox* m_class;
    QLabel* m_caption;
    Canvas* m_canvas;
};

} // namespace neurino
