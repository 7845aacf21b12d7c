#pragma once

#include <QTreeWidget>

#include <optional>

namespace neurino {

class ExerciseRunner;

// A check's value with `decimals` places; "nan" for a value that is not a number.
QString formatCheckValue(double value, int decimals);

// A lesson's checks: each with its measured value against the target, green when it passes and red when
// it fails, grey until measured; then the step's other measurements.
class CheckResultsPanel : public QTreeWidget {
    Q_OBJECT

public:
    explicit CheckResultsPanel(QWidget* parent = nullptr);

    // Lists the runner's checks and observations.
    void showResults(const ExerciseRunner& runner);
    // The lesson's score check, once measured.
    std::optional<double> score() const { return m_score; }
    // The height that shows every row, for the guide to size its panes.
    int rowsHeight() const;

private:
    void addObservations(const ExerciseRunner& runner);

    std::optional<double> m_score;
};

} // namespace neurino
