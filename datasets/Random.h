#pragma once

#include "core/util/LogGamma.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace neurino::datasets {

// SplitMix64 step: turns any 64-bit value into a well-mixed one; used to derive seeds.
inline std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The generators' random numbers: xoshiro256** with samplers written here, because the std::
// distributions give different numbers on different standard libraries and a seed must mean the same data
// everywhere. Each chunk of events gets its own Rng derived from (seed, stream, chunk), which is what makes
// the data independent of the number of threads.
class Rng {
public:
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0, std::uint64_t chunk = 0)
    {
        std::uint64_t mix = seed;
        std::uint64_t key = splitMix64(mix) ^ (stream * 0xD1B54A32D192ED03ull);
        key = splitMix64(key) ^ (chunk * 0x8CB92BA72F3D8DD7ull);
        for (auto& word : m_s)
            word = splitMix64(key);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, 1), 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    // Uniform in (0, 1): safe under log().
    double uniformOpen() { return (double(next() >> 11) + 0.5) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : std::uint64_t(uniform() * double(n)) % n; }
    bool bernoulli(double p) { return uniform() < p; }

    // Standard normal by the Marsaglia polar method; the second value of each pair is kept for the next call.
    double normal()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        m_spare = v * f;
        m_hasSpare = true;
        return u * f;
    }
    double normal(double mean, double sigma) { return mean + sigma * normal(); }

    double exponential(double mean = 1.0) { return -mean * std::log(uniformOpen()); }

    // Gamma(shape, scale) by Marsaglia and Tsang (2000); shapes below 1 use the boost x * U^(1/shape).
    double gamma(double shape, double scale = 1.0)
    {
        if (shape < 1.0) {
            const double boost = std::pow(uniformOpen(), 1.0 / shape);
            return gamma(shape + 1.0, scale) * boost;
        }
        const double d = shape - 1.0 / 3.0;
        const double c = 1.0 / std::sqrt(9.0 * d);
        for (;;) {
            double x, v;
            do {
                x = normal();
                v = 1.0 + c * x;
            } while (v <= 0.0);
            v = v * v * v;
            const double u = uniformOpen();
            if (u < 1.0 - 0.0331 * x * x * x * x)
                return d * v * scale;
            if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
                return d * v * scale;
        }
    }

    // Poisson: multiplication method for small means, PTRS (Hoermann 1993) above.
    std::int64_t poisson(double mean)
    {
        if (mean <= 0.0)
            return 0;
        if (mean < 12.0) {
            const double limit = std::exp(-mean);
            std::int64_t k = 0;
            double p = uniform();
            while (p > limit) {
                ++k;
                p *= uniform();
            }
            return k;
        }
        const double slam = std::sqrt(mean);
        const double loglam = std::log(mean);
        const double b = 0.931 + 2.53 * slam;
        const double a = -0.059 + 0.02483 * b;
        const double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        const double vr = 0.9277 - 3.6224 / (b - 2.0);
        for (;;) {
            const double u = uniform() - 0.5;
            const double v = uniform();
            const double us = 0.5 - std::fabs(u);
            const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr)
                return std::int64_t(k);
            if (k < 0.0 || (us < 0.013 && v > us))
                continue;
            if (std::log(v) + std::log(invAlpha) - std::log(a / (us * us) + b)
                <= -mean + k * loglam - logGamma(k + 1.0))
                return std::int64_t(k);
        }
    }

    // Relativistic-enough Breit-Wigner (Cauchy) mass, truncated to [lo, hi] by inverting its CDF.
    double breitWigner(double mass, double width, double lo, double hi)
    {
        if (width <= 0.0)
            return mass;
        const double half = 0.5 * width;
        const double aLo = std::atan((lo - mass) / half);
        const double aHi = std::atan((hi - mass) / half);
        return mass + half * std::tan(aLo + (aHi - aLo) * uniform());
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t m_s[4];
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

} // namespace neurino::datasets
