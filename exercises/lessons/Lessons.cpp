#include "exercises/lessons/Lessons.h"

namespace neurino::exercises {

std::vector<std::function<std::unique_ptr<Lesson>()>> lessonFactories()
{
    return { makeFirstStepsLesson, makeShapesLesson, makeHiggsLesson, makeCalorimeterGanLesson,
        makeTpcKryptonLesson, makeFashionMnistLesson, makeCalorimeterEnergyLesson, makeDqmAutoencoderLesson,
        makeHiggsPivotLesson };
}

} // namespace neurino::exercises
