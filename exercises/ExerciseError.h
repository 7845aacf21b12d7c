#pragma once

#include "core/util/Error.h"

namespace neurino::exercises {

// An exercise that cannot be loaded or run: unknown name, missing text or template, a step out of order,
// a student's model that does not fit the lesson.
class ExerciseError : public Error {
public:
    using Error::Error;
};

} // namespace neurino::exercises
