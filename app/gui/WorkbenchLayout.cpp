#include "app/gui/WorkbenchLayout.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QTimer>

#include <algorithm>

namespace neurino {

namespace {

// Bumped when the panels change, so that layouts saved by an older Neurino are not restored.
constexpr int kStateVersion = 2;
constexpr const char* kSettingsGroup = "layout";

int clampedShare(int total, double share, int low, int high)
{
    return std::clamp(static_cast<int>(total * share), low, high);
}

} // namespace

WorkbenchLayout::WorkbenchLayout(QMainWindow* window, const Docks& docks, bool remember)
    : QObject(window)
    , m_window(window)
    , m_docks(docks)
    , m_remember(remember)
{
    // The side panels reach the window's bottom; the results sit below the canvas only, so the training
    // settings and a lesson's guide keep their whole height.
    window->setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    window->setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    window->installEventFilter(this);
    if (m_remember)
        restoreFromSettings();
    applyCurrent();
}

QString WorkbenchLayout::name(Activity activity)
{
    switch (activity) {
    case Activity::Building:
        return tr("Building");
    case Activity::Training:
        return tr("Training");
    case Activity::Lesson:
        return tr("Lesson");
    }
    return {};
}

void WorkbenchLayout::switchTo(Activity activity)
{
    if (m_actions[index(activity)])
        m_actions[index(activity)]->setChecked(true);
    if (activity == m_activity)
        return;
    if (!m_hidden)
        keepCurrentState();
    m_activity = activity;
    if (!m_hidden)
        applyCurrent();
    emit activityChanged(activity);
}

// The current activity's layout as the user left it, or its default.
void WorkbenchLayout::applyCurrent()
{
    const QByteArray& state = m_states[index(m_activity)];
    if (state.isEmpty() || !m_window->restoreState(state, kStateVersion))
        arrangeDefault(m_activity);
    showProblemsIfAny();
}

void WorkbenchLayout::reset()
{
    m_states[index(m_activity)].clear();
    if (m_hidden)
        return;
    arrangeDefault(m_activity);
    showProblemsIfAny();
}

void WorkbenchLayout::hidePanels()
{
    if (m_hidden)
        return;
    keepCurrentState();
    m_hidden = true;
    for (QDockWidget* dock : { m_docks.palette, m_docks.properties, m_docks.summary, m_docks.problems,
             m_docks.log, m_docks.training, m_docks.results, m_docks.guide, m_docks.padMap })
        dock->hide();
}

void WorkbenchLayout::showPanels()
{
    if (!m_hidden)
        return;
    m_hidden = false;
    applyCurrent();
}

void WorkbenchLayout::setProblemCount(int count)
{
    const bool appeared = count > 0 && m_problemCount == 0;
    m_problemCount = count;
    if (m_hidden)
        return;
    if (count == 0) {
        m_docks.problems->hide();
    } else if (appeared) {
        m_docks.problems->show();
        // While building, the problems are what the user needs next; while training or in a lesson they
        // wait in their tab beside the results.
        if (m_activity == Activity::Building)
            m_docks.problems->raise();
    }
}

void WorkbenchLayout::showProblemsIfAny()
{
    m_docks.problems->setVisible(m_problemCount > 0);
}

void WorkbenchLayout::fillMenu(QMenu* menu)
{
    auto* group = new QActionGroup(this);
    const QKeySequence keys[] = { QKeySequence(Qt::ALT | Qt::Key_1), QKeySequence(Qt::ALT | Qt::Key_2),
        QKeySequence(Qt::ALT | Qt::Key_3) };
    const QString tips[] = { tr("The palette, the canvas, the properties and the summary"),
        tr("The training settings with room, the curves and views below a smaller canvas"),
        tr("The lesson's guide beside the canvas, the results below") };
    for (int i = 0; i < kActivities; ++i) {
        const auto activity = static_cast<Activity>(i);
        QAction* action = menu->addAction(name(activity));
        action->setCheckable(true);
        action->setShortcut(keys[i]);
        action->setStatusTip(tips[i]);
        action->setObjectName("layout" + name(activity));
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, activity] { switchTo(activity); });
        m_actions[i] = action;
    }
    m_actions[index(m_activity)]->setChecked(true);
    menu->addSeparator();
    QAction* resetAction = menu->addAction(tr("&Reset Layout"), this, &WorkbenchLayout::reset);
    resetAction->setObjectName("resetLayout");
    resetAction->setStatusTip(tr("Put the panels of the current layout back where they start"));
}

void WorkbenchLayout::save()
{
    if (!m_hidden)
        keepCurrentState();
    if (!m_remember)
        return;
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.setValue("version", kStateVersion);
    for (int i = 0; i < kActivities; ++i)
        settings.setValue(name(static_cast<Activity>(i)).toLower(), m_states[i]);
    settings.endGroup();
}

void WorkbenchLayout::restoreFromSettings()
{
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    if (settings.value("version").toInt() == kStateVersion) {
        for (int i = 0; i < kActivities; ++i)
            m_states[i] = settings.value(name(static_cast<Activity>(i)).toLower()).toByteArray();
    }
    settings.endGroup();
}

void WorkbenchLayout::keepCurrentState()
{
    m_states[index(m_activity)] = m_window->saveState(kStateVersion);
}

// The default arrangements are sized from the window; until it is shown its size is a guess, so a layout
// nobody has changed yet is arranged again once the window has its real size.
bool WorkbenchLayout::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::Show && !m_shown) {
        m_shown = true;
        if (!m_hidden && m_states[index(m_activity)].isEmpty()) {
            arrangeDefault(m_activity);
            showProblemsIfAny();
        }
    }
    return QObject::eventFilter(watched, event);
}

void WorkbenchLayout::detachAll()
{
    for (QDockWidget* dock : { m_docks.palette, m_docks.properties, m_docks.summary, m_docks.problems,
             m_docks.log, m_docks.training, m_docks.results, m_docks.guide, m_docks.padMap }) {
        dock->setFloating(false);
        m_window->removeDockWidget(dock);
    }
}

void WorkbenchLayout::arrangeDefault(Activity activity)
{
    detachAll();
    switch (activity) {
    case Activity::Building:
        arrangeBuilding();
        break;
    case Activity::Training:
        arrangeTraining();
        break;
    case Activity::Lesson:
        arrangeLesson();
        break;
    }
    sizeDocks(activity);
    // Docks just added have no geometry yet, and QMainWindow shares out the space again when it lays
    // them out: the sizes are given once more when that is done.
    QTimer::singleShot(0, this, [this, activity] {
        if (!m_hidden && m_activity == activity)
            sizeDocks(activity);
    });
}

void WorkbenchLayout::sizeDocks(Activity activity)
{
    QMainWindow* w = m_window;
    const Docks& d = m_docks;
    const int width = w->width(), height = w->height();
    switch (activity) {
    case Activity::Building:
        w->resizeDocks({ d.palette, d.properties },
            { clampedShare(width, 0.14, 170, 240), clampedShare(width, 0.27, 320, 480) }, Qt::Horizontal);
        w->resizeDocks({ d.properties, d.summary }, { height * 11 / 20, height * 9 / 20 }, Qt::Vertical);
        w->resizeDocks({ d.problems }, { height / 5 }, Qt::Vertical);
        break;
    case Activity::Training:
        w->resizeDocks({ d.training }, { clampedShare(width, 0.3, 360, 520) }, Qt::Horizontal);
        w->resizeDocks({ d.results }, { height / 2 }, Qt::Vertical);
        break;
    case Activity::Lesson:
        w->resizeDocks({ d.guide, d.properties },
            { clampedShare(width, 0.3, 380, 540), clampedShare(width, 0.22, 280, 400) }, Qt::Horizontal);
        w->resizeDocks({ d.results }, { height * 2 / 5 }, Qt::Vertical);
        break;
    }
}

// Every arrangement puts every panel somewhere, shown or hidden, so that View ▸ Panels brings a hidden
// one back in a sensible place: the guide with the palette, the training settings with the properties,
// the log, problems and pad map with the results.
void WorkbenchLayout::arrangeBuilding()
{
    QMainWindow* w = m_window;
    const Docks& d = m_docks;
    w->addDockWidget(Qt::LeftDockWidgetArea, d.palette);
    w->tabifyDockWidget(d.palette, d.guide);
    w->addDockWidget(Qt::RightDockWidgetArea, d.properties);
    w->splitDockWidget(d.properties, d.summary, Qt::Vertical);
    w->tabifyDockWidget(d.properties, d.training);
    w->addDockWidget(Qt::BottomDockWidgetArea, d.problems);
    w->tabifyDockWidget(d.problems, d.results);
    w->tabifyDockWidget(d.problems, d.log);
    w->tabifyDockWidget(d.problems, d.padMap);
    for (QDockWidget* dock : { d.palette, d.properties, d.summary })
        dock->show();
    for (QDockWidget* dock : { d.guide, d.training, d.results, d.log, d.padMap })
        dock->hide();
    d.palette->raise();
    d.properties->raise();
    d.problems->raise();
}

void WorkbenchLayout::arrangeTraining()
{
    QMainWindow* w = m_window;
    const Docks& d = m_docks;
    w->addDockWidget(Qt::LeftDockWidgetArea, d.palette);
    w->tabifyDockWidget(d.palette, d.guide);
    w->addDockWidget(Qt::RightDockWidgetArea, d.training);
    w->tabifyDockWidget(d.training, d.properties);
    w->tabifyDockWidget(d.training, d.summary);
    w->addDockWidget(Qt::BottomDockWidgetArea, d.results);
    w->tabifyDockWidget(d.results, d.log);
    w->tabifyDockWidget(d.results, d.problems);
    w->tabifyDockWidget(d.results, d.padMap);
    for (QDockWidget* dock : { d.training, d.properties, d.summary, d.results, d.log })
        dock->show();
    for (QDockWidget* dock : { d.palette, d.guide, d.padMap })
        dock->hide();
    d.training->raise();
    d.results->raise();
}

void WorkbenchLayout::arrangeLesson()
{
    QMainWindow* w = m_window;
    const Docks& d = m_docks;
    w->addDockWidget(Qt::LeftDockWidgetArea, d.guide);
    w->tabifyDockWidget(d.guide, d.palette);
    w->addDockWidget(Qt::RightDockWidgetArea, d.properties);
    w->tabifyDockWidget(d.properties, d.summary);
    w->tabifyDockWidget(d.properties, d.training);
    w->addDockWidget(Qt::BottomDockWidgetArea, d.results);
    w->tabifyDockWidget(d.results, d.padMap);
    w->tabifyDockWidget(d.results, d.log);
    w->tabifyDockWidget(d.results, d.problems);
    for (QDockWidget* dock : { d.guide, d.palette, d.properties, d.summary, d.training, d.results, d.log })
        dock->show();
    d.padMap->hide();
    d.guide->raise();
    d.properties->raise();
    d.results->raise();
}

} // namespace neurino
