#pragma once

#include <QWidget>

class QCheckBox;
class QPushButton;

namespace neurino {

class ExerciseRunner;

// The guide's controls: Quick run (reduced data), "Train my model from the canvas" (when the window
// offers its model), Stop, and Run Step, whose text says what it will do to the selected step.
class StepControls : public QWidget {
    Q_OBJECT

public:
    explicit StepControls(QWidget* parent = nullptr);

    bool quickRun() const;
    void setQuickRun(bool on);
    void offerCanvasModel(bool offered);
    bool canvasModelChecked() const;
    void setCanvasModelChecked(bool on);
    // Follows the runner: what runs, which steps are done, and the step the text shows (-1: intro).
    void update(const ExerciseRunner& runner, int selectedStep);

    QPushButton* runButton() const { return m_runButton; }

signals:
    void runClicked();
    void stopClicked();
    void quickRunToggled();

private:
    void updateRunButton(const ExerciseRunner& runner, int selectedStep);

    QCheckBox* m_quick;
    QCheckBox* m_canvasModel;
    QPushButton* m_runButton;
    QPushButton* m_stopButton;
};

} // namespace neurino
