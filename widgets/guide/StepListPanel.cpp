#include "widgets/guide/StepListPanel.h"

#include "widgets/guide/StepStates.h"

#include <QSignalBlocker>
#include <QStyle>

#include <algorithm>

namespace neurino {

using StepState = ExerciseRunner::StepState;

StepListPanel::StepListPanel(QWidget* parent)
    : QListWidget(parent)
{
    setObjectName("guideSteps");
    setIconSize(QSize(18, 18));
    setSpacing(1);
    setToolTip(tr("The lesson's steps: click one to read it; Run step performs it"));
}

void StepListPanel::setSteps(int count)
{
    const QSignalBlocker block(this);
    clear();
    auto* intro = new QListWidgetItem(tr("Introduction"), this);
    intro->setIcon(style()->standardIcon(QStyle::SP_FileDialogInfoView));
    for (int i = 0; i < count; ++i)
        new QListWidgetItem(this);
}

void StepListPanel::showStates(const ExerciseRunner& runner)
{
    const exercises::Exercise* e = runner.exercise();
    if (!e)
        return;
    for (int i = 0; i < runner.stepCount(); ++i) {
        QListWidgetItem* row = item(i + 1);
        const StepState state = runner.stepState(i);
        const QString suffix = StepStates::text(state);
        row->setText(QStringLiteral("%1. %2%3")
                         .arg(i + 1)
                         .arg(QString::fromStdString(e->steps[std::size_t(i)].title))
                         .arg(suffix.isEmpty() ? QString() : QStringLiteral("  —  ") + suffix));
        row->setIcon(StepStates::icon(state));
        row->setForeground(
            state == StepState::Failed ? StepStates::kFailText : palette().color(QPalette::Text));
    }
}

int StepListPanel::selectedStep() const
{
    return currentRow() - 1;
}

void StepListPanel::selectStep(int index)
{
    if (count() == 0)
        return;
    setCurrentRow(std::clamp(index + 1, 0, count() - 1));
}

int StepListPanel::rowsHeight() const
{
    const int row = count() > 0 ? sizeHintForRow(0) + 2 * spacing() : 24;
    return count() * row + 2 * frameWidth() + 6;
}

} // namespace neurino
