#pragma once

#include <QListWidget>

namespace neurino {

class ExerciseRunner;

// A lesson's steps: the introduction first, then each step with its number, title and state marker.
class StepListPanel : public QListWidget {
    Q_OBJECT

public:
    explicit StepListPanel(QWidget* parent = nullptr);

    // One row for the introduction and one per step of the runner's lesson, without selecting any.
    void setSteps(int count);
    // Each step's title and state, as the runner has them.
    void showStates(const ExerciseRunner& runner);
    // The selected step (0-based); -1 for the introduction.
    int selectedStep() const;
    void selectStep(int index);
    // The height that shows every row, for the guide to size its panes.
    int rowsHeight() const;
};

} // namespace neurino
