// A Qt generic plugin that TestKillRecovery loads into the real neurino process (QT_PLUGIN_PATH and
// QT_QPA_GENERIC_PLUGINS): once the window shows its model, it edits the model through the window's own Edit
// menu actions, as a user would (Select All, then Duplicate), and says so on standard output. It knows
// nothing of Neurino's classes; the program is the one users run, unchanged.
#include <QAction>
#include <QApplication>
#include <QGenericPlugin>
#include <QTimer>
#include <QWidget>

#include <cstdio>

namespace {

// How often the driver looks for the window.
constexpr int kPollMs = 100;

QAction* findAction(const QWidget* window, const QString& text)
{
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

void say(const char* line)
{
    std::printf("neurino-edit-driver: %s\n", line);
    std::fflush(stdout);
}

class EditDriver : public QObject {
public:
    EditDriver()
    {
        m_timer.setInterval(kPollMs);
        connect(&m_timer, &QTimer::timeout, this, &EditDriver::poll);
        m_timer.start();
    }

private:
    void poll()
    {
        for (const QWidget* window : QApplication::topLevelWidgets()) {
            if (!window->inherits("neurino::MainWindow") || !window->isVisible())
                continue;
            QAction* selectAll = findAction(window, "Select &All");
            QAction* duplicate = findAction(window, "D&uplicate");
            m_timer.stop();
            if (!selectAll || !duplicate) {
                say("the window has no Select All or Duplicate action");
                return;
            }
            selectAll->trigger();
            if (!duplicate->isEnabled()) {
                say("nothing to duplicate");
                return;
            }
            duplicate->trigger();
            say("edited");
            return;
        }
    }

    QTimer m_timer;
};

} // namespace

class EditDriverPlugin : public QGenericPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID QGenericPluginFactoryInterface_iid FILE "EditDriverPlugin.json")

public:
    QObject* create(const QString& key, const QString& /*specification*/) override
    {
        return key.compare("neurinoeditdriver", Qt::CaseInsensitive) == 0 ? new EditDriver : nullptr;
    }
};

#include "EditDriverPlugin.moc"
