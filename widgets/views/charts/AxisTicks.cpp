#include "widgets/views/charts/AxisTicks.h"

#include <algorithm>
#include <cmath>

namespace neurino {

double niceStep(double span, int maxTicks)
{
    const double raw = span / std::max(1, maxTicks);
    const double power = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-12))));
    for (double m : { 1.0, 2.0, 5.0, 10.0 }) {
        if (m * power >= raw)
            return m * power;
    }
    return 10 * power;
}

std::vector<double> niceTicks(double low, double high)
{
    const double span = high - low;
    if (!(span > 0))
        return { low };
    const double step = niceStep(span, 5);
    std::vector<double> result;
    for (double v = std::ceil(low / step) * step; v <= high + 1e-9 * span; v += step)
        result.push_back(std::abs(v) < 1e-9 * span ? 0.0 : v);
    return result;
}

} // namespace neurino
