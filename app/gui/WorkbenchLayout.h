#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <array>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace neurino {

// How the window's panels are arranged for what the user is doing. Building a model: the palette, the
// canvas, the properties and the summary. Training: a smaller canvas, the training settings with the
// right side's whole height, the curves and views below the canvas. A lesson: its guide beside the
// canvas, the results below. The window switches when an activity starts (a run, a lesson) and the user
// switches from View ▸ Layout; each layout is kept as the user left it (in QSettings when remembered),
// and View ▸ Reset Layout puts the current one back to its default.
//
// The problems list shows only while the model has problems; the status bar's badge says "Valid"
// otherwise.
class WorkbenchLayout : public QObject {
    Q_OBJECT

public:
    enum class Activity { Building, Training, Lesson };
    static constexpr int kActivities = 3;

    struct Docks {
        QDockWidget* palette;
        QDockWidget* properties;
        QDockWidget* summary;
        QDockWidget* problems;
        QDockWidget* log;
        QDockWidget* training;
        QDockWidget* results;
        QDockWidget* guide;
        QDockWidget* padMap;
    };

    // With `remember`, the layouts are read from and written to QSettings.
    WorkbenchLayout(QMainWindow* window, const Docks& docks, bool remember);

    Activity activity() const { return m_activity; }
    static QString name(Activity activity);

    // Arranges the panels for `activity`: as the user last left its layout, or as its default.
    void switchTo(Activity activity);
    // The current activity's default arrangement; the user's changes to it are forgotten.
    void reset();
    // Every panel hidden (the welcome page takes the window), and back as they were.
    void hidePanels();
    void showPanels();
    bool panelsHidden() const { return m_hidden; }

    // The model's problem count: the problems list appears when problems appear and goes with them.
    void setProblemCount(int count);

    // View ▸ Layout: one entry per activity (Ctrl+1, 2, 3) and Reset Layout.
    void fillMenu(QMenu* menu);
    // Writes every layout to QSettings (when remembered); the window calls it when it closes.
    void save();

signals:
    void activityChanged(WorkbenchLayout::Activity activity);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyCurrent();
    void arrangeDefault(Activity activity);
    void arrangeBuilding();
    void arrangeTraining();
    void arrangeLesson();
    // The default sizes of `activity`'s panels, from the window's size.
    void sizeDocks(Activity activity);
    // Every panel off the window, hidden, not floating: the start of every default arrangement.
    void detachAll();
    void showProblemsIfAny();
    void keepCurrentState();
    void restoreFromSettings();
    static int index(Activity activity) { return static_cast<int>(activity); }

    QMainWindow* m_window;
    Docks m_docks;
    bool m_remember;
    Activity m_activity = Activity::Building;
    std::array<QByteArray, kActivities> m_states;
    std::array<QAction*, kActivities> m_actions {};
    int m_problemCount = 0;
    bool m_hidden = false;
    bool m_shown = false; // the window has been shown once: its real size is known
};

} // namespace neurino
