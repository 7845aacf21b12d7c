#pragma once

#include "exercises/Lesson.h"

#include <functional>
#include <memory>
#include <vector>

namespace neurino::exercises {

std::unique_ptr<Lesson> makeFirstStepsLesson();
std::unique_ptr<Lesson> makeShapesLesson();
std::unique_ptr<Lesson> makeHiggsLesson();
std::unique_ptr<Lesson> makeCalorimeterGanLesson();
std::unique_ptr<Lesson> makeTpcKryptonLesson();
std::unique_ptr<Lesson> makeFashionMnistLesson();
std::unique_ptr<Lesson> makeCalorimeterEnergyLesson();
std::unique_ptr<Lesson> makeDqmAutoencoderLesson();
std::unique_ptr<Lesson> makeHiggsPivotLesson();

// Every lesson's factory, in teaching order.
std::vector<std::function<std::unique_ptr<Lesson>()>> lessonFactories();

} // namespace neurino::exercises
