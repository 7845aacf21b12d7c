#pragma once

#include "widgets/guide/LessonViewFeed.h"
#include "widgets/session/ExerciseRunner.h"

#include <QDockWidget>

#include <functional>

class QLabel;
class QListWidget;
class QProgressBar;
class QSplitter;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QTreeWidget;

namespace neurino {

class CheckResultsPanel;
class LessonTabs;
class RunScheduler;
class StepControls;
class StepListPanel;

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
    int hintsShown() const;
    // Adds the lesson's score (its score check, once measured) to the leaderboard under `name`.
    bool submitScore(const QString& name);
    void showLeaderboard();
    void showHints();

    // Parts, for tests and screenshots.
    QListWidget* stepList() const;
    QTextBrowser* textView() const;
    QTreeWidget* resultsTree() const;
    QPushButton* runButton() const;
    QPushButton* hintButton() const;
    QTableWidget* leaderboardTable() const;
    QLabel* errorLabel() const { return m_error; }
    QTextBrowser* hintsView() const;

signals:
    // A line for the log; `error` for failures.
    void message(const QString& text, bool error);
    // The view a step works with ("pad_map", "curves", "roc", ...), when a step is selected, starts or ends.
    void viewRequested(const QString& view);
    void exerciseOpened(const QString& id);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QWidget* createHeader();
    QWidget* createPanes();
    QWidget* createFooter();
    QWidget* createControls();
    void connectSteps();
    void connectTraining();
    // Sizes the step list and the checks to their rows; the text gets the rest.
    void fitPanes();
    void updateSteps();
    void updateButtons();
    void updateResults();
    void requestView(int step);
    void stepFailed(int index, const QString& text);
    void runningChanged(bool running);

    ExerciseRunner* m_runner;
    QString m_id;
    LessonViewFeed* m_feed;
    bool m_stopRequested = false;

    QLabel* m_title = nullptr;
    QLabel* m_summary = nullptr;
    QProgressBar* m_progress = nullptr;
    StepListPanel* m_steps = nullptr;
    LessonTabs* m_tabs = nullptr;
    CheckResultsPanel* m_results = nullptr;
    QSplitter* m_splitter = nullptr;
    int m_fittedResultRows = -1;
    QLabel* m_activity = nullptr;
    QProgressBar* m_trainingBar = nullptr;
    QLabel* m_error = nullptr;
    StepControls* m_controls = nullptr;
    std::function<QString()> m_taskModelSource;
};

} // namespace neurino
