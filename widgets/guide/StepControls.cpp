#include "widgets/guide/StepControls.h"

#include "widgets/session/ExerciseRunner.h"

#include "exercises/ExerciseCatalog.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace neurino {

using State = ExerciseRunner::StepState;

StepControls::StepControls(QWidget* parent)
    : QWidget(parent)
    , m_quick(new QCheckBox(tr("Quick run (reduced data)")))
    , m_canvasModel(new QCheckBox(tr("Train my model from the canvas")))
    , m_runButton(new QPushButton(tr("Run Step")))
    , m_stopButton(new QPushButton(tr("Stop")))
{
    m_quick->setObjectName("guideQuickRun");
    m_quick->setToolTip(tr("Small data sets and few epochs: seconds instead of minutes, for slow laptops. "
                           "Checks may then miss their targets. Changing it starts the lesson afresh."));
    m_canvasModel->setObjectName("guideCanvasModel");
    m_canvasModel->hide();
    m_runButton->setObjectName("guideRunButton");
    m_runButton->setDefault(true);
    QFont runFont = m_runButton->font();
    runFont.setBold(true);
    m_runButton->setFont(runFont);
    m_stopButton->setObjectName("guideStopButton");
    m_stopButton->setToolTip(tr("End the step's training after the current batch"));
    connect(m_quick, &QCheckBox::toggled, this, &StepControls::quickRunToggled);
    connect(m_runButton, &QPushButton::clicked, this, &StepControls::runClicked);
    connect(m_stopButton, &QPushButton::clicked, this, &StepControls::stopClicked);

    auto* rows = new QVBoxLayout(this);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(6);
    auto* options = new QHBoxLayout;
    options->addWidget(m_quick);
    options->addWidget(m_canvasModel);
    options->addStretch(1);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(m_runButton);
    rows->addLayout(options);
    rows->addLayout(buttons);
}

bool StepControls::quickRun() const
{
    return m_quick->isChecked();
}

void StepControls::setQuickRun(bool on)
{
    m_quick->setChecked(on);
}

void StepControls::offerCanvasModel(bool offered)
{
    m_canvasModel->setVisible(offered);
}

bool StepControls::canvasModelChecked() const
{
    return m_canvasModel->isChecked();
}

void StepControls::setCanvasModelChecked(bool on)
{
    m_canvasModel->setChecked(on);
}

void StepControls::update(const ExerciseRunner& runner, int selectedStep)
{
    const bool running = runner.isRunning();
    m_stopButton->setEnabled(running);
    m_quick->setEnabled(!running);
    m_canvasModel->setEnabled(!running);
    if (const exercises::Exercise* e = runner.exercise())
        m_canvasModel->setToolTip(tr("Steps that train %1 train the model on the canvas instead of the "
                                     "lesson's starting model")
                                      .arg(QString::fromStdString(e->taskModelRole)));
    updateRunButton(runner, selectedStep);
}

void StepControls::updateRunButton(const ExerciseRunner& runner, int selectedStep)
{
    if (!runner.isOpen()) {
        m_runButton->setText(tr("Run Step"));
        m_runButton->setEnabled(false);
        return;
    }
    const int index = selectedStep < 0 ? runner.nextStep() : selectedStep;
    if (index >= runner.stepCount()) {
        m_runButton->setText(tr("All Steps Done"));
        m_runButton->setEnabled(false);
        return;
    }
    const State state = runner.stepState(index);
    m_runButton->setText(state == State::Done ? tr("Run Step %1 Again").arg(index + 1)
            : state == State::Failed          ? tr("Retry Step %1").arg(index + 1)
                                              : tr("Run Step %1").arg(index + 1));
    m_runButton->setEnabled(!runner.isRunning());
    const int missing = index - runner.nextStep();
    m_runButton->setToolTip(missing > 0 ? tr("Runs the %n step(s) before it first", nullptr, missing)
                                        : tr("Performs the step's action"));
}

} // namespace neurino
