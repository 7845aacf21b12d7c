#pragma once

#include "widgets/session/ExerciseRunner.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace neurino {

// How the guide marks a step or a check: the colours of a passed and a failed check, and a round marker
// for a step's state (grey ring pending, blue running, green done, red failed).
struct StepStates {
    static inline const QColor kPassBackground { "#c8e6c9" };
    static inline const QColor kPassText { "#1b5e20" };
    static inline const QColor kFailBackground { "#ffcdd2" };
    static inline const QColor kFailText { "#b71c1c" };
    static inline const QColor kPendingText { "#78909c" };

    static QIcon icon(ExerciseRunner::StepState state);
    // "running…", "done", "failed"; empty for a pending step.
    static QString text(ExerciseRunner::StepState state);
};

} // namespace neurino
