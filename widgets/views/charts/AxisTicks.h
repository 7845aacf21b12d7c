#pragma once

#include <vector>

namespace neurino {

// A tick step of 1, 2 or 5 times a power of ten that gives at most `maxTicks` ticks over `span`.
double niceStep(double span, int maxTicks);

// Round tick values (steps of 1, 2 or 5 times a power of ten) inside [low, high], about five of them, for
// the views that draw their own axes.
std::vector<double> niceTicks(double low, double high);

} // namespace neurino
