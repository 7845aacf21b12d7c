#pragma once

#include <QObject>
#include <QString>

#include <map>

namespace neurino {

class ConfusionMatrixView;
class DecisionBoundaryView;
class EnergyResolutionView;
class ExerciseRunner;
class ImportanceView;
class MetricChart;
class PadMapView;
class PivotView;
class RocView;
class RunMonitorView;

// The views beside the guide that a lesson's steps feed; any may be null.
struct GuideViews {
    MetricChart* curves = nullptr; // training curves of every step
    PadMapView* padMap = nullptr; // the TPC lesson's read-out plane
    RocView* roc = nullptr; // a curve for every binary classifier judged
    ConfusionMatrixView* confusion = nullptr; // the latest classifier judged
    DecisionBoundaryView* boundary = nullptr; // a classifier of 2-D data over its input plane, as it trains
    ImportanceView* importance = nullptr; // what the latest model explained looks at
    EnergyResolutionView* resolution = nullptr; // an energy regression's resolution and bias against E
    RunMonitorView* runMonitor = nullptr; // the data-quality lesson's runs and reconstructions
    PivotView* pivot = nullptr; // a pivot lesson's output distributions at the nuisance values
};

// Feeds what a lesson's steps produce into the views the window places: the training curves, a ROC
// curve per classifier judged (a step run again replaces its own), the latest confusion matrix, the
// decision boundary of a classifier of 2-D data while it trains, what a model looks at, and the TPC pad map.
class LessonViewFeed : public QObject {
    Q_OBJECT

public:
    explicit LessonViewFeed(ExerciseRunner* runner, QObject* parent = nullptr);

    void setViews(const GuideViews& views) { m_views = views; }
    // A lesson was opened: the previous lesson's pad map and ROC curves go.
    void clear();

private:
    void connectTraining();
    void connectEvaluations();

    ExerciseRunner* m_runner;
    GuideViews m_views;
    std::map<QString, int> m_rocCurves; // the lesson's curves in m_views.roc, by label
};

} // namespace neurino
