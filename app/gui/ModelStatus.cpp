#include "app/gui/ModelStatus.h"

#include "widgets/editor/GraphModel.h"
#include "widgets/editor/GraphView.h"

#include <QLabel>
#include <QStatusBar>
#include <QStyle>
#include <QToolButton>

#include <cmath>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

ModelStatus::ModelStatus(GraphModel* model, GraphView* view, QStatusBar* statusBar)
    : QObject(statusBar)
    , m_model(model)
    , m_params(new QLabel(statusBar))
    , m_validity(new QToolButton(statusBar))
    , m_zoom(new QLabel(tr("Zoom 100 %"), statusBar))
{
    m_params->setObjectName("paramsLabel");
    m_validity->setObjectName("validityButton");
    m_validity->setAutoRaise(true);
    m_validity->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    connect(m_validity, &QToolButton::clicked, this, &ModelStatus::problemsRequested);
    statusBar->addPermanentWidget(m_params);
    statusBar->addPermanentWidget(m_validity);
    statusBar->addPermanentWidget(m_zoom);
    connect(m_model, &GraphModel::analysisChanged, this, &ModelStatus::update);
    connect(view, &GraphView::zoomChanged, this,
        [this](double zoom) { m_zoom->setText(tr("Zoom %1 %").arg(std::lround(zoom * 100))); });
    update();
}

void ModelStatus::update()
{
    const GraphAnalysis& a = m_model->analysis();
    const ParamCount total = a.totalParams();
    if (a.params.size() < m_model->graph().nodes().size())
        m_params->setText(tr("parameters: ? until the problems are fixed"));
    else
        m_params->setText(tr("%1 parameters (%2 trainable)")
                              .arg(qs(formatCount(total.total())), qs(formatCount(total.trainable))));
    const bool ok = a.ok();
    m_validity->setText(ok ? tr("Valid") : tr("%n problem(s)", nullptr, static_cast<int>(a.issues.size())));
    m_validity->setIcon(
        m_validity->style()->standardIcon(ok ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxWarning));
    m_validity->setToolTip(ok ? tr("Shapes and connections are consistent: the model can be trained.")
                              : tr("Click to see what is wrong and where."));
}

} // namespace neurino
