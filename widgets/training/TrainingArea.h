#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QTabWidget>

namespace neurino {

class ConfusionMatrixView;
class DecisionBoundaryView;
class EnergyResolutionView;
class GanView;
class EmbeddingView;
class FeatureMapView;
class ImportanceView;
class HistogramView;
class KernelView;
class MisclassifiedView;
class MetricChart;
class OutputDistributionView;
class PivotView;
class RocView;
class RunScheduler;

// The live views of training, as tabs: loss and metric curves of every run, then, once a classifier is
// trained, its confusion matrix, ROC curves and output distributions; for 2-D data, the decision boundary
// over the input plane while it trains; inside the network, the convolution kernels and the weight and
// gradient histograms while it trains, and after it the feature maps of a chosen sample, the misclassified
// samples and PCA or t-SNE embeddings of any layer; for a GAN, its samples and physics after every epoch;
// for an energy regression lesson, the resolution and bias against the energy; for a pivot lesson, the
// classifier's output at the nuisance values.
// It feeds the views the session's plain values; the views themselves know nothing of training.
class TrainingArea : public QTabWidget {
    Q_OBJECT

public:
    explicit TrainingArea(RunScheduler* session, QWidget* parent = nullptr);

    MetricChart* curves() const { return m_curves; }
    ConfusionMatrixView* confusion() const { return m_confusion; }
    RocView* roc() const { return m_roc; }
    OutputDistributionView* outputs() const { return m_outputs; }
    DecisionBoundaryView* boundary() const { return m_boundary; }
    GanView* gan() const { return m_gan; }
    KernelView* kernels() const { return m_kernels; }
    FeatureMapView* featureMaps() const { return m_featureMaps; }
    ImportanceView* importance() const { return m_importance; }
    MisclassifiedView* misclassified() const { return m_misclassified; }
    HistogramView* histograms() const { return m_histograms; }
    EmbeddingView* embedding() const { return m_embedding; }
    EnergyResolutionView* energyResolution() const { return m_resolution; }
    PivotView* pivot() const { return m_pivot; }

    // Shows a finished run's evaluation in the views (the latest run's on its end; a run chosen in the
    // run list on request).
    void showEvaluation(const RunRecord& run);
    // Empties every view but the curves, whose runs are named in their legend and stay to be compared:
    // after another model or lesson is opened, the last model's ROC or PCA would pass for the new one's.
    // The run list keeps every run; choosing one there shows its results again.
    void clearResults();

private:
    void addTabs();
    void connectViews();
    void connectGan();
    // Draws a run that ended, or that was loaded whole from its folder.
    void showFinishedRun(const RunRecord& run);

    RunScheduler* m_session;
    MetricChart* m_curves;
    ConfusionMatrixView* m_confusion;
    RocView* m_roc;
    OutputDistributionView* m_outputs;
    DecisionBoundaryView* m_boundary;
    GanView* m_gan;
    KernelView* m_kernels;
    FeatureMapView* m_featureMaps;
    ImportanceView* m_importance;
    MisclassifiedView* m_misclassified;
    HistogramView* m_histograms;
    EmbeddingView* m_embedding;
    EnergyResolutionView* m_resolution;
    PivotView* m_pivot;
};

} // namespace neurino
