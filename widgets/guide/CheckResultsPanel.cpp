#include "widgets/guide/CheckResultsPanel.h"

#include "widgets/guide/StepStates.h"

#include <QHeaderView>

#include <cmath>

namespace neurino {

using exercises::CheckResult;
using State = ExerciseRunner::StepState;

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// Observations are counts ("eye-scan mistakes on the test half") or fractions.
QString formatObservation(double value)
{
    if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) >= 1)
        return QString::number(std::llround(value));
    return std::isnan(value) ? QStringLiteral("nan") : QString::number(value, 'f', 4);
}

void paintResult(QTreeWidgetItem* item, const CheckResult& r)
{
    if (r.measured()) {
        for (int c = 0; c < 3; ++c) {
            item->setBackground(c, r.passed ? StepStates::kPassBackground : StepStates::kFailBackground);
            item->setForeground(c, r.passed ? StepStates::kPassText : StepStates::kFailText);
        }
        item->setIcon(0, StepStates::icon(r.passed ? State::Done : State::Failed));
    } else {
        for (int c = 0; c < 3; ++c)
            item->setForeground(c, StepStates::kPendingText);
        item->setIcon(0, StepStates::icon(State::Pending));
    }
}

} // namespace

CheckResultsPanel::CheckResultsPanel(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName("guideResults");
    setColumnCount(3);
    setHeaderLabels({ tr("Check"), tr("Value"), tr("Target") });
    setRootIsDecorated(false);
    setWordWrap(true);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
}

void CheckResultsPanel::showResults(const ExerciseRunner& runner)
{
    clear();
    m_score.reset();
    const exercises::Exercise* e = runner.exercise();
    for (const CheckResult& r : runner.results()) {
        auto* item = new QTreeWidgetItem(this);
        item->setText(0, qs(r.check.name));
        item->setToolTip(0, qs(r.check.name) + (r.check.task ? tr(" (your model)") : QString()));
        item->setText(1, r.measured() ? formatCheckValue(*r.value, r.check.decimals + 1) : tr("—"));
        item->setText(2, qs(r.check.targetText()));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        paintResult(item, r);
        if (r.measured() && e && r.check.id == e->scoreCheck)
            m_score = *r.value;
    }
    addObservations(runner);
}

void CheckResultsPanel::addObservations(const ExerciseRunner& runner)
{
    const auto& observations = runner.observations();
    if (observations.empty())
        return;
    auto* group = new QTreeWidgetItem(this);
    group->setText(0, tr("Other measurements"));
    group->setFirstColumnSpanned(true);
    QFont bold = group->font(0);
    bold.setBold(true);
    group->setFont(0, bold);
    for (const auto& [name, value] : observations) {
        auto* item = new QTreeWidgetItem(this);
        item->setText(0, "   " + name);
        item->setToolTip(0, name);
        item->setText(1, formatObservation(value));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
}

int CheckResultsPanel::rowsHeight() const
{
    const int rows = topLevelItemCount();
    const int row = rows > 0 ? sizeHintForRow(0) : fontMetrics().height() + 6;
    return (rows + 1) * row + header()->sizeHint().height() + 2 * frameWidth();
}

QString formatCheckValue(double value, int decimals)
{
    return std::isnan(value) ? QStringLiteral("nan") : QString::number(value, 'f', decimals);
}

} // namespace neurino
