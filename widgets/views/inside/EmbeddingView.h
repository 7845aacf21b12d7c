#pragma once

#include "widgets/session/InspectionTypes.h"
#include "widgets/session/TaskQueue.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace neurino {

class TrainedModel;

// Samples of the data projected to a plane, from the inputs or from any layer's activations, by PCA or
// t-SNE, each point coloured by its class: whether a layer has pulled the classes apart. The projection
// runs on its own thread with progress and a Cancel button; hovering a point shows its sample (with its
// picture for image data).
class EmbeddingView : public QWidget {
    Q_OBJECT

public:
    // Samples projected, at most (t-SNE's time grows as N log N).
    static constexpr int kMaxSamples = 1000;

    // Projections run on `tasks`' analysis lane, beside a training run.
    explicit EmbeddingView(TaskQueue* tasks, QWidget* parent = nullptr);
    ~EmbeddingView() override;

    // The trained model to project (null clears); starts a PCA of the last hidden layer.
    void setModel(std::shared_ptr<const TrainedModel> model, const QString& runName = {});
    // Projects `node`'s activations (a node id; empty: the inputs) with `method` ("PCA" or "t-SNE").
    void compute(const QString& node, const QString& method);
    // Projects what the choosers say.
    void compute();
    void cancel();
    bool isRunning() const { return m_task != 0; }

    void setData(const EmbeddingData& data, const QString& runName = {});
    void clear();
    const EmbeddingData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    // The point under the mouse, -1 when none; showHover marks a point as the mouse would.
    int hovered() const;
    void showHover(int index);

    QWidget* plot() const;
    // sample row, class, x, y.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

signals:
    // A projection ended (finished or cancelled) and is shown.
    void computed();

private:
    class Plot;
    void finishJob(const EmbeddingData& data, const QString& error);
    void updateControls();

    std::shared_ptr<const TrainedModel> m_model;
    EmbeddingData m_data;
    QString m_runName;
    QComboBox* m_layer;
    QComboBox* m_method;
    QPushButton* m_compute;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_caption;
    Plot* m_plot;
    QPointer<TaskQueue> m_tasks;
    int m_task = 0; // the projection's task while it waits or runs
    int m_job = 0; // the latest projection started; results of older ones are dropped
};

} // namespace neurino
