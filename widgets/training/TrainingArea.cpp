#include "widgets/training/TrainingArea.h"

#include "widgets/session/RunScheduler.h"
#include "widgets/views/charts/ConfusionMatrixView.h"
#include "widgets/views/charts/EnergyResolutionView.h"
#include "widgets/views/charts/HistogramView.h"
#include "widgets/views/charts/MetricChart.h"
#include "widgets/views/charts/OutputDistributionView.h"
#include "widgets/views/charts/PivotView.h"
#include "widgets/views/charts/RocView.h"
#include "widgets/views/inside/DecisionBoundaryView.h"
#include "widgets/views/inside/EmbeddingView.h"
#include "widgets/views/inside/FeatureMapView.h"
#include "widgets/views/inside/ImportanceView.h"
#include "widgets/views/inside/KernelView.h"
#include "widgets/views/inside/MisclassifiedView.h"
#include "widgets/views/physics/GanView.h"

namespace neurino {

TrainingArea::TrainingArea(RunScheduler* session, QWidget* parent)
    : QTabWidget(parent)
    , m_session(session)
    , m_curves(new MetricChart(this))
    , m_confusion(new ConfusionMatrixView(this))
    , m_roc(new RocView(this))
    , m_outputs(new OutputDistributionView(this))
    , m_boundary(new DecisionBoundaryView(this))
    , m_gan(new GanView(this))
    , m_kernels(new KernelView(this))
    , m_featureMaps(new FeatureMapView(this))
    , m_importance(new ImportanceView(&session->tasks(), this))
    , m_misclassified(new MisclassifiedView(this))
    , m_histograms(new HistogramView(this))
    , m_embedding(new EmbeddingView(&session->tasks(), this))
    , m_resolution(new EnergyResolutionView(this))
    , m_pivot(new PivotView(this))
{
    setObjectName("trainingArea");
    setDocumentMode(true);
    // The views' own minimum sizes (the GAN's grid of charts, wrapped captions) would otherwise set the
    // window's: at 1366×768 the window grew to 942 pixels high when the results showed.
    setMinimumSize(360, 200);
    addTabs();
    connectViews();
    // The importance is computed when it is looked at.
    connect(this, &QTabWidget::currentChanged, this, [this] {
        if (currentWidget() == m_importance)
            m_importance->ensureComputed();
    });
    connectGan();
    connect(session, &RunScheduler::batchEnded, m_curves, &MetricChart::addBatch);
    connect(session, &RunScheduler::epochEnded, m_curves, &MetricChart::addEpoch);
    connect(session, &RunScheduler::runFinished, this, &TrainingArea::showFinishedRun);
}

void TrainingArea::addTabs()
{
    addTab(m_curves, tr("Curves"));
    addTab(m_confusion, tr("Confusion Matrix"));
    addTab(m_roc, tr("ROC"));
    addTab(m_outputs, tr("Output Distributions"));
    addTab(m_boundary, tr("Decision Boundary"));
    setTabToolTip(0, tr("Loss and metrics per epoch and per batch, for every run"));
    setTabToolTip(1, tr("Which classes the model confuses, on held-out samples"));
    setTabToolTip(2, tr("Signal efficiency against background rejection, for binary classifiers"));
    setTabToolTip(3, tr("Classifier output on training and held-out samples: the overtraining check"));
    setTabToolTip(
        4, tr("For data with two input features: the class the model gives every point of the plane"));
    setTabToolTip(addTab(m_kernels, tr("Kernels")), tr("The convolution kernels, live while training"));
    setTabToolTip(addTab(m_featureMaps, tr("Feature Maps")),
        tr("What every layer makes of one chosen input, after training"));
    setTabToolTip(addTab(m_importance, tr("Importance")),
        tr("What the classifier looks at: the pixels or features its score depends on, after training"));
    setTabToolTip(
        addTab(m_misclassified, tr("Misclassified")), tr("The held-out samples the classifier gets wrong"));
    setTabToolTip(addTab(m_histograms, tr("Weights")),
        tr("Histograms of every layer's weights and gradients, live while training"));
    setTabToolTip(addTab(m_embedding, tr("Embedding")),
        tr("PCA or t-SNE of the inputs or of any layer's activations, coloured by class"));
    setTabToolTip(addTab(m_gan, tr("GAN")),
        tr("A GAN's losses, generated showers beside real ones, average images, profiles and energy sums"));
    setTabToolTip(addTab(m_resolution, tr("Energy Resolution")),
        tr("An energy measurement's relative resolution and bias against the true energy, with the fit "
           "a/√E ⊕ b"));
    setTabToolTip(addTab(m_pivot, tr("Pivot")),
        tr("A classifier's output at shifted values of a systematic, without and with an adversary"));
}

// The views of a classifier run: what it confuses, its kernels, weights, boundary, feature maps, embedding.
void TrainingArea::connectViews()
{
    RunScheduler* session = m_session;
    // A cell of the confusion matrix opens the samples behind it.
    connect(m_confusion, &ConfusionMatrixView::cellActivated, this, [this](int truth, int predicted) {
        m_misclassified->setFilter(truth, predicted);
        setCurrentWidget(m_misclassified);
    });
    connect(session, &RunScheduler::runAdded, this, [this](const RunRecord& run) {
        m_curves->addRun(run.id, run.name);
        // A new run's boundary comes after its first epoch; an old run's would mislead until then.
        m_boundary->clear();
        m_kernels->clear();
        m_histograms->clear();
    });
    connect(session, &RunScheduler::kernelsUpdated, this, [this](int runId, const KernelsData& kernels) {
        const RunRecord* run = m_session->run(runId);
        m_kernels->setData(kernels, run ? run->name : QString());
    });
    connect(
        session, &RunScheduler::histogramsUpdated, this, [this](int runId, const HistogramsData& histograms) {
            const RunRecord* run = m_session->run(runId);
            m_histograms->setData(histograms, run ? run->name : QString());
        });
    connect(session, &RunScheduler::modelReady, this,
        [this](int runId, const std::shared_ptr<const TrainedModel>& model) {
            const RunRecord* run = m_session->run(runId);
            const QString name = run ? run->name : QString();
            m_featureMaps->setModel(model, name);
            m_importance->setModel(model, name);
            if (currentWidget() == m_importance)
                m_importance->ensureComputed();
            m_embedding->setModel(model, name);
        });
    connect(session, &RunScheduler::boundaryUpdated, this,
        [this](int runId, const DecisionBoundaryData& boundary) {
            const RunRecord* run = m_session->run(runId);
            m_boundary->setData(boundary, run ? run->name : QString());
        });
}

// A GAN run shows its losses, samples and physics comparisons in the GAN view.
void TrainingArea::connectGan()
{
    RunScheduler* session = m_session;
    connect(session, &RunScheduler::runAdded, this, [this](const RunRecord& run) {
        if (run.gan && !run.finished) {
            m_gan->setRun(run.id, run.name);
            setCurrentWidget(m_gan);
        }
    });
    connect(session, &RunScheduler::epochEnded, this, [this](int runId, const EpochStats& stats) {
        if (runId == m_gan->runId())
            m_gan->addEpoch(stats);
    });
    connect(session, &RunScheduler::ganSamples, this, [this](int runId, const GanEpochData& samples) {
        if (runId == m_gan->runId())
            m_gan->setSamples(samples);
    });
}

void TrainingArea::showFinishedRun(const RunRecord& run)
{
    // A loaded run arrives whole: draw its epochs, a GAN's also in the GAN view (without samples).
    if (m_curves->epochCount(run.id) == 0) {
        for (const EpochStats& e : run.epochs)
            m_curves->addEpoch(run.id, e);
    }
    if (run.gan && m_gan->runId() != run.id) {
        m_gan->setRun(run.id, run.name);
        for (const EpochStats& e : run.epochs)
            m_gan->addEpoch(e);
    }
    showEvaluation(run);
}

void TrainingArea::showEvaluation(const RunRecord& run)
{
    const RunEvaluation& e = run.evaluation;
    if (!e.confusion.empty())
        m_confusion->setData(e.confusion, run.name);
    if (e.roc) {
        RocData curve = *e.roc;
        curve.runName = run.name;
        m_roc->setCurve(run.id, curve, m_curves->runColor(run.id));
    }
    if (e.outputs)
        m_outputs->setData(*e.outputs, run.name);
    if (!e.misclassified.empty())
        m_misclassified->setData(e.misclassified, run.name);
}

void TrainingArea::clearResults()
{
    m_confusion->clear();
    m_roc->clear();
    m_outputs->clear();
    m_boundary->clear();
    m_kernels->clear();
    m_featureMaps->clear();
    m_misclassified->clear();
    m_histograms->clear();
    m_embedding->clear();
    m_resolution->clear();
    m_pivot->clear();
    if (!m_session->isRunning())
        m_gan->clear();
    setCurrentWidget(m_curves);
}

} // namespace neurino
