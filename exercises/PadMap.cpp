#include "exercises/PadMap.h"

namespace neurino::exercises {

bool PadMap::hasPrediction() const
{
    for (const int c : predicted)
        if (c != kNoClass)
            return true;
    return false;
}

std::vector<std::int64_t> PadMap::counts(const std::vector<int>& classes) const
{
    std::vector<std::int64_t> out(classNames.size(), 0);
    for (const int c : classes)
        if (c >= 0 && std::size_t(c) < out.size())
            ++out[std::size_t(c)];
    return out;
}

std::int64_t PadMap::disagreements() const
{
    std::int64_t n = 0;
    for (std::size_t i = 0; i < eyeScan.size() && i < predicted.size(); ++i)
        if (eyeScan[i] != kNoClass && predicted[i] != kNoClass && eyeScan[i] != predicted[i])
            ++n;
    return n;
}

} // namespace neurino::exercises
