#pragma once

#include "widgets/session/ExerciseRunner.h"

#include <QDockWidget>

#include <functional>
#include <map>
#include <optional>

class QCheckBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QSplitter;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QTreeWidget;

namespace neurino {

class RunScheduler;

class ConfusionMatrixView;
class MetricChart;
class PadMapView;
class RocView;

// The views beside the guide that a lesson's steps feed; any may be null.
struct GuideViews {
    MetricChart* curves = nullptr; // training curves of every step
    PadMapView* padMap = nullptr; // the TPC lesson's read-out plane
    RocView* roc = nullptr; // a curve for every binary classifier judged
    ConfusionMatrixView* confusion = nullptr; // the latest classifier judged
};

// The exercise guide: walks a class through a lesson. It shows the lesson's title and introduction, the
// steps with their state (pending, running, done, failed) and the progress, the selected step's text
// (Markdown), a button that performs the step's action on a worker thread (Stop ends its training after the
// current batch), the checks with the measured value against the target, green when they pass and red when
// they fail, hints one at a time on request, and the lesson's local leaderboard. A failed step says why,
// here and in the log, and can be run again. "Quick run" uses the lesson's reduced data, for slow laptops.
class GuideDock : public QDockWidget {
    Q_OBJECT

public:
    // Lesson steps run on `scheduler`'s queue, after the training runs waiting there.
    explicit GuideDock(RunScheduler* scheduler, QWidget* parent = nullptr);

    ExerciseRunner* runner() const { return m_runner; }
    // Feeds the lesson's training curves, pad map, ROC curves and confusion matrices into views the window
    // places.
    void attachViews(const GuideViews& views);

    // Opens lesson `id` of the catalog (a fresh session); false, with the reason on message(), when it
    // cannot (unknown, unavailable here, or a step of the current lesson still running).
    bool openExercise(const QString& id);
    QString exerciseId() const;
    void setQuickRun(bool on);
    bool quickRun() const;

    // Where "Train my model from the canvas" gets the student's model: a function that saves it and returns
    // the file (empty when it cannot). Without one the option is hidden.
    void setTaskModelSource(std::function<QString()> source);
    void setUseCanvasModel(bool on);
    bool useCanvasModel() const;

    // Runs step `index` (0-based), or the first step not done yet; false when nothing was started.
    bool runStep(int index);
    bool runNextStep();
    void stop();
    // The step whose text is shown; -1 for the introduction.
    int selectedStep() const;
    void selectStep(int index);

    // Reveals the next hint; false when all are shown.
    bool showNextHint();
    int hintsShown() const { return m_hintsShown; }
    // Adds the lesson's score (its score check, once measured) to the leaderboard under `name`.
    bool submitScore(const QString& name);
    void showLeaderboard();
    void showHints();

    // Parts, for tests and screenshots.
    QListWidget* stepList() const { return m_steps; }
    QTextBrowser* textView() const { return m_text; }
    QTreeWidget* resultsTree() const { return m_results; }
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* hintButton() const { return m_hintButton; }
    QTableWidget* leaderboardTable() const { return m_leaderboard; }
    QLabel* errorLabel() const { return m_error; }
    QTextBrowser* hintsView() const { return m_hints; }

signals:
    // A line for the log; `error` for failures.
    void message(const QString& text, bool error);
    // The view a step works with ("pad_map", "curves", "roc", ...), when a step is selected, starts or ends.
    void viewRequested(const QString& view);
    void exerciseOpened(const QString& id);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildUi();
    // Sizes the step list and the checks to their rows; the text gets the rest.
    void fitPanes();
    void showStepText();
    void updateSteps();
    void updateButtons();
    void updateResults();
    void updateHints();
    void updateLeaderboard();
    void requestView(int step);
    QString scoreText() const;

    ExerciseRunner* m_runner;
    QString m_id;
    GuideViews m_views;
    std::map<QString, int> m_rocCurves; // the lesson's curves in m_views.roc, by label: a step run again replaces its own
    int m_hintsShown = 0;
    bool m_stopRequested = false;
    std::optional<double> m_score;

    QLabel* m_title;
    QLabel* m_summary;
    QProgressBar* m_progress;
    QListWidget* m_steps;
    QTabWidget* m_tabs;
    QTextBrowser* m_text;
    QTextBrowser* m_hints;
    QPushButton* m_hintButton;
    QTableWidget* m_leaderboard;
    QPushButton* m_submitButton;
    QTreeWidget* m_results;
    QSplitter* m_splitter;
    int m_fittedResultRows = -1;
    QLabel* m_activity;
    QProgressBar* m_trainingBar;
    QLabel* m_error;
    QCheckBox* m_quick;
    QCheckBox* m_canvasModel;
    std::function<QString()> m_taskModelSource;
    QPushButton* m_runButton;
    QPushButton* m_stopButton;
};

} // namespace neurino
