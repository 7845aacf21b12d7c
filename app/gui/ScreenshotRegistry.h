#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <string>
#include <vector>

namespace neurino {

class MainWindow;

// Starts the training dock's run with its current settings and waits for it to end, for views that show
// a trained model; throws neurino::Error naming `what` when it cannot start, fails or takes over 10 minutes.
void runDockTraining(MainWindow& window, const std::string& what);

// What `neurino --screenshot FILE.png [--exercise NAME] [--view NAME]` can show. A view arranges the
// populated window (which panel is raised, what is selected, which chart is open); an exercise loads an
// exercise's state. Later work adds its own: write a `registerXxxScreenshots(ScreenshotRegistry&)`
// beside its code and call it from ScreenshotCatalog.cpp, or call addView/addExercise before the
// screenshot is taken.
class ScreenshotRegistry {
public:
    struct Entry {
        QString name;
        QString description;
        // Prepares the shown window; may throw neurino::Error, which the screenshot reports.
        std::function<void(MainWindow&)> prepare;
    };

    // The view shown when none is named.
    static constexpr const char* kDefaultView = "editor";

    static ScreenshotRegistry& instance();

    // A later entry with the same name replaces the earlier one.
    void addView(Entry entry);
    void addExercise(Entry entry);
    const Entry* view(const QString& name) const;
    const Entry* exercise(const QString& name) const;
    QStringList viewNames() const;
    QStringList exerciseNames() const;
    // "  name  description" lines, for the message about an unknown name.
    QString describeViews() const;
    QString describeExercises() const;

private:
    ScreenshotRegistry();

    std::vector<Entry> m_views;
    std::vector<Entry> m_exercises;
};

// Registers every built-in view and exercise; defined in ScreenshotCatalog.cpp.
void registerBuiltinScreenshots(ScreenshotRegistry& registry);
// The editor's views (EditorScreenshots.cpp).
void registerEditorScreenshots(ScreenshotRegistry& registry);
// The training panel and the views of training (TrainingScreenshots.cpp).
void registerTrainingScreenshots(ScreenshotRegistry& registry);
// Lessons in the exercise guide, with steps run on reduced data (ExerciseScreenshots.cpp).
void registerExerciseScreenshots(ScreenshotRegistry& registry);
// The GAN views (GanScreenshots.cpp).
void registerGanScreenshots(ScreenshotRegistry& registry);

} // namespace neurino
