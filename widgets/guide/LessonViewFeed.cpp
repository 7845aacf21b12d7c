#include "widgets/guide/LessonViewFeed.h"

#include "widgets/session/ExerciseRunner.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/EnergyResolutionView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/charts/PivotView.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/views/inside/DecisionBoundaryView.h"
#include "widgets/views/inside/ImportanceView.h"
#include "widgets/views/physics/PadMapView.h"
#include "widgets/views/physics/RunMonitorView.h"

namespace neurino {

namespace {

// Training curves of the lessons get run ids from here on, apart from the training panel's runs.
constexpr int kCurveIdBase = 100000;
// Ids of the lesson's ROC curves, apart from the runs' and the training curves'.
constexpr int kEvaluationIdBase = 200000;

} // namespace

LessonViewFeed::LessonViewFeed(ExerciseRunner* runner, QObject* parent)
    : QObject(parent)
    , m_runner(runner)
{
    connectTraining();
    connectEvaluations();
}

void LessonViewFeed::connectTraining()
{
    connect(m_runner, &ExerciseRunner::trainingStarted, this, [this](int id, const QString& label) {
        if (m_views.curves)
            m_views.curves->addRun(kCurveIdBase + id, tr("Exercise: %1").arg(label));
    });
    connect(m_runner, &ExerciseRunner::trainingBatch, this,
        [this](int id, const BatchStats& stats, double smoothed) {
            if (m_views.curves)
                m_views.curves->addBatch(kCurveIdBase + id, stats, smoothed);
        });
    connect(m_runner, &ExerciseRunner::trainingEpoch, this, [this](int id, const EpochStats& stats) {
        if (m_views.curves)
            m_views.curves->addEpoch(kCurveIdBase + id, stats);
    });
}

void LessonViewFeed::connectEvaluations()
{
    connect(m_runner, &ExerciseRunner::evaluated, this, [this](const QString& label, const RunEvaluation& e) {
        if (m_views.confusion && !e.confusion.empty())
            m_views.confusion->setData(e.confusion, label);
        if (m_views.roc && e.roc) {
            const auto known = m_rocCurves.find(label);
            const int id
                = known != m_rocCurves.end() ? known->second : kEvaluationIdBase + int(m_rocCurves.size());
            m_rocCurves[label] = id;
            m_views.roc->setCurve(id, *e.roc);
        }
    });
    connect(
        m_runner, &ExerciseRunner::explained, this, [this](const QString& label, const ImportanceData& data) {
            if (!m_views.importance)
                return;
            // The lesson's model, not a run of the training panel: the view shows it as it is.
            m_views.importance->setModel(nullptr);
            m_views.importance->setData(data, label);
        });
    connect(m_runner, &ExerciseRunner::boundaryUpdated, this,
        [this](const QString& label, const DecisionBoundaryData& boundary) {
            if (m_views.boundary)
                m_views.boundary->setData(boundary, label);
        });
    connect(m_runner, &ExerciseRunner::resolutionChanged, this, [this] {
        if (m_views.resolution)
            m_views.resolution->setCurves(m_runner->resolutionCurves());
    });
    connect(m_runner, &ExerciseRunner::padMapChanged, this, [this] {
        if (!m_views.padMap)
            return;
        if (const exercises::PadMap* map = m_runner->padMap())
            m_views.padMap->setData(*map);
        else
            m_views.padMap->clear();
    });
    connect(m_runner, &ExerciseRunner::monitoringRunsChanged, this, [this] {
        if (!m_views.runMonitor)
            return;
        if (const exercises::MonitoringRuns* runs = m_runner->monitoringRuns())
            m_views.runMonitor->setData(*runs);
        else
            m_views.runMonitor->clear();
    });
    connect(m_runner, &ExerciseRunner::pivotFigureChanged, this, [this] {
        if (!m_views.pivot)
            return;
        if (const exercises::PivotFigure* figure = m_runner->pivotFigure())
            m_views.pivot->setFigure(*figure);
        else
            m_views.pivot->clear();
    });
}

void LessonViewFeed::clear()
{
    if (m_views.padMap)
        m_views.padMap->clear();
    if (m_views.runMonitor)
        m_views.runMonitor->clear();
    if (m_views.boundary)
        m_views.boundary->clear();
    if (m_views.resolution)
        m_views.resolution->clear();
    if (m_views.pivot)
        m_views.pivot->clear();
    if (m_views.roc) {
        for (const auto& [label, curve] : m_rocCurves)
            m_views.roc->removeCurve(curve);
    }
    m_rocCurves.clear();
}

} // namespace neurino
