#pragma once

#include <cmath>

namespace neurino {

// ln Γ(x). std::lgamma also writes the sign of Γ(x) to the global `signgam`: a data race when generators and
// statistics run on several threads at once (ThreadSanitizer reports it); glibc's lgamma_r returns it
// instead.
inline double logGamma(double x)
{
    int sign = 0;
    return ::lgamma_r(x, &sign);
}

} // namespace neurino
