#pragma once

#include <QStringList>
#include <QWidget>

class QCheckBox;
class QListWidget;
class QListWidgetItem;

namespace neurino {

// The page the window opens on the first time, and from Help ▸ Welcome: the lessons with their one-line
// goals, the model templates, the recent models and training runs, and the two-minute tour. Choosing
// anything leaves the page for the canvas.
class WelcomePage : public QWidget {
    Q_OBJECT

public:
    explicit WelcomePage(QWidget* parent = nullptr);

    // Fills the lists again: the recent files and the runs kept in `runsFolder` (newest first).
    void refresh(const QStringList& recentFiles, const QString& runsFolder);

    QListWidget* lessons() const { return m_lessons; }
    QListWidget* templates() const { return m_templates; }
    QListWidget* recentModels() const { return m_recentModels; }
    QListWidget* recentRuns() const { return m_recentRuns; }
    void setShowAtStart(bool on);

signals:
    void lessonChosen(const QString& id);
    void templateChosen(const QString& name);
    void modelChosen(const QString& path);
    void runChosen(const QString& folder);
    void emptyModelRequested();
    void openRequested();
    void tourRequested();
    void showAtStartChanged(bool on);

private:
    QWidget* column(const QString& title, QListWidget* list, const QString& hint);
    void fillLessons();
    void fillTemplates();

    QListWidget* m_lessons;
    QListWidget* m_templates;
    QListWidget* m_recentModels;
    QListWidget* m_recentRuns;
    QCheckBox* m_atStart;
};

} // namespace neurino
