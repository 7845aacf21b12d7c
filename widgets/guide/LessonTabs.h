#pragma once

#include <QTabWidget>

#include <optional>

class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace neurino {

namespace exercises {
struct Exercise;
}

// The lesson's reading matter, as tabs: the introduction or the selected step's text (Markdown), the
// hints revealed one at a time, and the lesson's local leaderboard with a button to add one's score.
class LessonTabs : public QTabWidget {
    Q_OBJECT

public:
    explicit LessonTabs(QWidget* parent = nullptr);

    // A lesson was opened (null: none): no hints shown, its leaderboard, the text tab in front.
    void setExercise(const exercises::Exercise* exercise, const QString& id);
    // The introduction (step -1) or step `step`'s text.
    void showText(int step);
    // Reveals the next hint; false when all are shown.
    bool showNextHint();
    int hintsShown() const { return m_hintsShown; }
    void showHints();
    void showLeaderboard();
    void updateLeaderboard();
    // The score the submit button offers; none until the lesson's score check is measured.
    void setScore(std::optional<double> score);

    QTextBrowser* textView() const { return m_text; }
    QTextBrowser* hintsView() const { return m_hints; }
    QPushButton* hintButton() const { return m_hintButton; }
    QTableWidget* leaderboardTable() const { return m_leaderboard; }

signals:
    // The user asked to add the score under `name`.
    void submitRequested(const QString& name);
    void message(const QString& text, bool error);
    // A link in the text to one of the window's views ("view:roc") was followed.
    void viewRequested(const QString& view);

private:
    QWidget* createHintsPage();
    QWidget* createLeaderboardPage();
    void updateHints();

    const exercises::Exercise* m_exercise = nullptr;
    QString m_id;
    int m_hintsShown = 0;
    QTextBrowser* m_text;
    QTextBrowser* m_hints = nullptr;
    QPushButton* m_hintButton = nullptr;
    QTableWidget* m_leaderboard = nullptr;
    QPushButton* m_submitButton = nullptr;
};

} // namespace neurino
