// The one list of screenshot views and exercises: each part of the workbench registers its own here.
#include "app/gui/ScreenshotRegistry.h"

namespace neurino {

void registerBuiltinScreenshots(ScreenshotRegistry& registry)
{
    registerEditorScreenshots(registry);
    registerTrainingScreenshots(registry);
    registerExerciseScreenshots(registry);
    registerGanScreenshots(registry);
}

} // namespace neurino
