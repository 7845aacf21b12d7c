#pragma once

#include <algorithm>
#include <cmath>

namespace neurino::datasets {

// A Lorentz four-momentum (px, py, pz, E) in GeV, with the kinematics the physics generators need:
// collider coordinates, invariant masses, boosts and two-body decays.
struct FourVector {
    double px = 0, py = 0, pz = 0, e = 0;

    static FourVector fromPtEtaPhiM(double pt, double eta, double phi, double m)
    {
        const double pz = pt * std::sinh(eta);
        return { pt * std::cos(phi), pt * std::sin(phi), pz, std::sqrt(pt * pt + pz * pz + m * m) };
    }
    // Rapidity y rather than pseudorapidity: how a massive system's production is usually described.
    static FourVector fromPtYPhiM(double pt, double y, double phi, double m)
    {
        const double mt = std::sqrt(pt * pt + m * m);
        return { pt * std::cos(phi), pt * std::sin(phi), mt * std::sinh(y), mt * std::cosh(y) };
    }

    double pt() const { return std::hypot(px, py); }
    double p() const { return std::sqrt(px * px + py * py + pz * pz); }
    double phi() const { return std::atan2(py, px); }
    double eta() const
    {
        const double t = pt();
        return t > 0 ? std::asinh(pz / t) : (pz >= 0 ? 1e3 : -1e3);
    }
    double m2() const { return e * e - px * px - py * py - pz * pz; }
    double m() const
    {
        const double s = m2();
        return s > 0 ? std::sqrt(s) : 0.0;
    }

    FourVector operator+(const FourVector& o) const { return { px + o.px, py + o.py, pz + o.pz, e + o.e }; }
    FourVector operator-(const FourVector& o) const { return { px - o.px, py - o.py, pz - o.pz, e - o.e }; }
    FourVector operator*(double s) const { return { px * s, py * s, pz * s, e * s }; }
    FourVector& operator+=(const FourVector& o)
    {
        px += o.px;
        py += o.py;
        pz += o.pz;
        e += o.e;
        return *this;
    }

    // This vector seen from a frame moving with velocity -beta, i.e. boosted by +beta.
    FourVector boosted(double bx, double by, double bz) const
    {
        const double b2 = bx * bx + by * by + bz * bz;
        if (b2 <= 0)
            return *this;
        const double gamma = 1.0 / std::sqrt(1.0 - b2);
        const double bp = bx * px + by * py + bz * pz;
        const double k = (gamma - 1.0) * bp / b2 + gamma * e;
        return { px + k * bx, py + k * by, pz + k * bz, gamma * (e + bp) };
    }
    // Into the rest frame of `frame`.
    FourVector inRestFrameOf(const FourVector& frame) const
    {
        return boosted(-frame.px / frame.e, -frame.py / frame.e, -frame.pz / frame.e);
    }
    // Out of the rest frame of `frame` into the frame `frame` is given in.
    FourVector fromRestFrameOf(const FourVector& frame) const
    {
        return boosted(frame.px / frame.e, frame.py / frame.e, frame.pz / frame.e);
    }
};

inline double deltaPhi(double a, double b)
{
    constexpr double kTwoPi = 6.283185307179586;
    double d = std::fmod(a - b, kTwoPi);
    if (d > kTwoPi / 2)
        d -= kTwoPi;
    else if (d < -kTwoPi / 2)
        d += kTwoPi;
    return d;
}

inline double deltaR(double eta1, double phi1, double eta2, double phi2)
{
    return std::hypot(eta1 - eta2, deltaPhi(phi1, phi2));
}

// Momentum of either daughter in the rest frame of a parent of mass m decaying to masses m1 and m2;
// 0 when the decay is closed.
inline double twoBodyMomentum(double m, double m1, double m2)
{
    const double a = (m * m - (m1 + m2) * (m1 + m2)) * (m * m - (m1 - m2) * (m1 - m2));
    return a > 0 ? std::sqrt(a) / (2 * m) : 0.0;
}

// Decays `parent` (given in the lab) into daughters of masses m1 and m2. In the parent's rest frame daughter
// 1 flies at polar angle acos(cosTheta) and azimuth phi around the unit axis (ax, ay, az), daughter 2
// opposite; both are returned in the lab.
inline void twoBodyDecay(const FourVector& parent, double m1, double m2, double cosTheta, double phi,
    double ax, double ay, double az, FourVector& d1, FourVector& d2)
{
    const double p = twoBodyMomentum(parent.m(), m1, m2);
    // An orthonormal basis (u, v, axis).
    double ux, uy, uz;
    if (std::fabs(ax) < 0.9) {
        ux = 0;
        uy = az;
        uz = -ay; // axis x (1,0,0)
    } else {
        ux = -az;
        uy = 0;
        uz = ax; // axis x (0,1,0)
    }
    const double un = std::sqrt(ux * ux + uy * uy + uz * uz);
    ux /= un;
    uy /= un;
    uz /= un;
    const double vx = ay * uz - az * uy, vy = az * ux - ax * uz, vz = ax * uy - ay * ux;
    const double sinTheta = std::sqrt(std::max(0.0, 1.0 - cosTheta * cosTheta));
    const double c = sinTheta * std::cos(phi), s = sinTheta * std::sin(phi);
    const double dx = cosTheta * ax + c * ux + s * vx;
    const double dy = cosTheta * ay + c * uy + s * vy;
    const double dz = cosTheta * az + c * uz + s * vz;
    const FourVector rest1 { p * dx, p * dy, p * dz, std::sqrt(p * p + m1 * m1) };
    const FourVector rest2 { -p * dx, -p * dy, -p * dz, std::sqrt(p * p + m2 * m2) };
    d1 = rest1.fromRestFrameOf(parent);
    d2 = rest2.fromRestFrameOf(parent);
}

} // namespace neurino::datasets
