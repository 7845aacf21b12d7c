// The event simulation of the 'higgs' generator (HiggsGenerator.cpp): truth-level signal and background,
// the detector, and the reconstruction of the benchmark's features. See HiggsGenerator.cpp for the model.

#include "datasets/HiggsEvents.h"

#include "core/util/Error.h"
#include "datasets/FourVector.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace neurino::datasets::higgs {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Attempts per accepted event before the options are declared impossible.
constexpr int kMaxAttempts = 100000;

// Particle data (GeV): PDG masses and widths (the W mass is in HiggsEvents.h); the heavy Higgs widths are
// the toy's choice.
constexpr double kWidthW = 2.085;
constexpr double kMassTop = 172.5, kWidthTop = 1.42;
constexpr double kMassB = 4.8;
constexpr double kWidthH0 = 8.0, kWidthHpm = 5.0, kWidthH = 0.004;

// Detector: acceptance of leptons and jets, jet cone, calorimeter coverage, angular resolution.
constexpr double kMinPt = 20.0, kMaxEta = 2.5, kJetCone = 0.4, kCaloEta = 4.9, kJetAngleSigma = 0.02;

// Fixed GeV scales the momenta and masses are divided by so that typical values are about 1, as in the
// benchmark files: roughly the mean of each quantity over an equal mix of signal and background made with
// the default options. Fixed numbers (not the sample's means) keep a feature's meaning the same in every
// file.
constexpr double kScaleLeptonPt = 60, kScaleMet = 60, kScaleJetPt = 90;
constexpr std::array<double, kMasses> kMassScales = { 85, 170, 80, 170, 150, 310, 470 };

enum Flavour { Light = 0, Charm = 1, Bottom = 2 };

struct Parton {
    FourVector p;
    Flavour flavour = Light;
};

// What the hard process and the radiation leave: one lepton, the neutrinos, up to nine jets' partons.
struct TruthEvent {
    FourVector lepton;
    FourVector invisible; // the W's neutrino plus neutrinos of semileptonic b decays
    FourVector neutrino; // the W's neutrino alone
    std::array<Parton, 10> partons;
    int nPartons = 0;

    void add(const FourVector& p, Flavour f)
    {
        if (nPartons < int(partons.size()))
            partons[std::size_t(nPartons++)] = { p, f };
    }
};

struct Jet {
    FourVector p;
    Flavour flavour = Light;
    int btag = 0;
};

// --- production and decays ---------------------------------------------------------------------------

// A system of mass m produced at the LHC: transverse momentum from initial-state radiation, rapidity of
// gluon fusion at 8 TeV, uniform azimuth.
FourVector produceSystem(Rng& rng, double m, const Params& P)
{
    const double pt = P.isr ? rng.gamma(1.5, 20.0) : 0.0;
    double y;
    do {
        y = rng.normal(0.0, 1.0);
    } while (std::fabs(y) > 2.5);
    return FourVector::fromPtYPhiM(pt, y, rng.uniform(-kPi, kPi), m);
}

double isotropicCos(Rng& rng)
{
    return rng.uniform(-1, 1);
}
double uniformPhi(Rng& rng)
{
    return rng.uniform(-kPi, kPi);
}

// cos(theta*) of the charged lepton (or down-type quark) in the W rest frame, for helicity fractions
// F0 (longitudinal) and FL (left-handed); the rest is right-handed.
double helicityCos(Rng& rng, double f0, double fl)
{
    const double u = rng.uniform();
    if (u < f0) {
        for (;;) { // 3/4 (1 - c^2)
            const double c = rng.uniform(-1, 1);
            if (rng.uniform() < 1 - c * c)
                return c;
        }
    }
    const double v = std::cbrt(rng.uniformOpen());
    return u < f0 + fl ? 1 - 2 * v : 2 * v - 1; // 3/8 (1 -+ c)^2
}

// Decays a W into two massless fermions; the helicity axis is the W's flight direction in its parent's
// rest frame, i.e. opposite to the parent seen from the W.
void decayW(Rng& rng, const FourVector& w, const FourVector& parent, double f0, double fl,
    FourVector& fermion, FourVector& antiFermion)
{
    const FourVector g = parent.inRestFrameOf(w);
    const double n = g.p();
    const double ax = n > 0 ? -g.px / n : 0, ay = n > 0 ? -g.py / n : 0, az = n > 0 ? -g.pz / n : 1;
    twoBodyDecay(w, 0, 0, helicityCos(rng, f0, fl), uniformPhi(rng), ax, ay, az, fermion, antiFermion);
}

double sampleWMass(Rng& rng)
{
    return rng.breitWigner(kMassW, kWidthW, 60.0, 100.0);
}

// The two W decays: `leptonic` picks which W gives the lepton; the other gives a quark pair, charm-strange
// in half of the decays.
void decayWs(Rng& rng, const FourVector& w1, const FourVector& parent1, const FourVector& w2,
    const FourVector& parent2, double f0, double fl, TruthEvent& ev)
{
    const bool firstLeptonic = rng.bernoulli(0.5);
    FourVector a, b, c, d;
    decayW(rng, w1, parent1, f0, fl, a, b);
    decayW(rng, w2, parent2, f0, fl, c, d);
    const FourVector& lepton = firstLeptonic ? a : c;
    const FourVector& neutrino = firstLeptonic ? b : d;
    const FourVector& q1 = firstLeptonic ? c : a;
    const FourVector& q2 = firstLeptonic ? d : b;
    ev.lepton = lepton;
    ev.neutrino = neutrino;
    ev.invisible = neutrino;
    const bool charm = rng.bernoulli(0.5);
    ev.add(q1, Light);
    ev.add(q2, charm ? Charm : Light);
}

void addRecoil(Rng& rng, const FourVector& system, TruthEvent& ev)
{
    const double pt = system.pt();
    if (pt <= 0)
        return;
    // The initial-state radiation that gave the system its pT, as one jet balancing it.
    ev.add(FourVector::fromPtEtaPhiM(pt, rng.normal(0.0, 1.8), system.phi() + kPi, 0.0), Light);
}

void makeSignal(Rng& rng, const Params& P, TruthEvent& ev)
{
    double mH0, mHpm, mh, mW1, mW2;
    do {
        mH0 = rng.breitWigner(P.massH0, kWidthH0, P.massH0 - 10 * kWidthH0, P.massH0 + 10 * kWidthH0);
        mHpm = rng.breitWigner(P.massHpm, kWidthHpm, P.massHpm - 10 * kWidthHpm, P.massHpm + 10 * kWidthHpm);
        mh = rng.breitWigner(P.massH, kWidthH, P.massH - 1, P.massH + 1);
        mW1 = sampleWMass(rng);
        mW2 = sampleWMass(rng);
    } while (mH0 <= mHpm + mW1 || mHpm <= mh + mW2);
    const FourVector h0 = produceSystem(rng, mH0, P);
    FourVector w1, hpm, w2, h, b1, b2;
    twoBodyDecay(h0, mW1, mHpm, isotropicCos(rng), uniformPhi(rng), 0, 0, 1, w1, hpm);
    twoBodyDecay(hpm, mW2, mh, isotropicCos(rng), uniformPhi(rng), 0, 0, 1, w2, h);
    twoBodyDecay(h, kMassB, kMassB, isotropicCos(rng), uniformPhi(rng), 0, 0, 1, b1, b2);
    // A scalar decaying to a W and a scalar leaves the W longitudinal.
    decayWs(rng, w1, h0, w2, hpm, 1.0, 0.0, ev);
    ev.add(b1, Bottom);
    ev.add(b2, Bottom);
    addRecoil(rng, h0, ev);
}

void makeBackground(Rng& rng, const Params& P, TruthEvent& ev)
{
    double mt1, mt2, mW1, mW2;
    do {
        mt1 = rng.breitWigner(kMassTop, kWidthTop, 150.0, 195.0);
        mt2 = rng.breitWigner(kMassTop, kWidthTop, 150.0, 195.0);
        mW1 = sampleWMass(rng);
        mW2 = sampleWMass(rng);
    } while (mt1 <= mW1 + kMassB || mt2 <= mW2 + kMassB);
    // m(tt~) rises from threshold, peaks near 390 GeV and falls with a long tail (mean about 480 GeV).
    const double mtt = mt1 + mt2 + rng.gamma(1.5, 90.0);
    const FourVector tt = produceSystem(rng, mtt, P);
    double c;
    do { // gg -> tt~ is mildly forward-backward peaked: 1 + cos^2
        c = rng.uniform(-1, 1);
    } while (rng.uniform() * 2 > 1 + c * c);
    FourVector t1, t2, w1, w2, b1, b2;
    twoBodyDecay(tt, mt1, mt2, c, uniformPhi(rng), 0, 0, 1, t1, t2);
    twoBodyDecay(t1, mW1, kMassB, isotropicCos(rng), uniformPhi(rng), 0, 0, 1, w1, b1);
    twoBodyDecay(t2, mW2, kMassB, isotropicCos(rng), uniformPhi(rng), 0, 0, 1, w2, b2);
    decayWs(rng, w1, t1, w2, t2, 0.7, 0.3, ev);
    ev.add(b1, Bottom);
    ev.add(b2, Bottom);
    addRecoil(rng, tt, ev);
}

// Hard final-state radiation: a quark gives a fraction of its momentum to a gluon at a wide angle, which
// may become a jet of its own; semileptonic b decays hide part of a b-jet's energy in a neutrino.
void radiate(Rng& rng, const Params& P, TruthEvent& ev)
{
    const int hard = ev.nPartons;
    for (int i = 0; i < hard; ++i) {
        Parton& q = ev.partons[std::size_t(i)];
        if (q.flavour == Bottom && rng.bernoulli(0.2)) {
            const double f = rng.uniform(0.0, 0.3);
            ev.invisible += q.p * f;
            q.p = q.p * (1 - f);
        }
        if (P.fsr > 0 && rng.bernoulli(P.fsr)) {
            const double z = rng.uniform(0.1, 0.4);
            const double pt = q.p.pt();
            const FourVector gluon = FourVector::fromPtEtaPhiM(
                z * pt, q.p.eta() + rng.normal(0.0, 0.6), q.p.phi() + rng.normal(0.0, 0.6), 0.0);
            q.p = q.p * (1 - z);
            ev.add(gluon, Light);
        }
    }
}

// --- detector ---------------------------------------------------------------------------------------

// Partons closer than the jet cone become one jet; a jet with a b (else a c) in it has that flavour.
int clusterJets(const TruthEvent& ev, std::array<Jet, 10>& jets)
{
    struct Candidate {
        FourVector p;
        Flavour flavour;
        double pt, eta, phi;
    };
    std::array<Candidate, 10> c;
    int n = 0;
    for (int i = 0; i < ev.nPartons; ++i) {
        const Parton& q = ev.partons[std::size_t(i)];
        c[std::size_t(n++)] = { q.p, q.flavour, q.p.pt(), q.p.eta(), q.p.phi() };
    }
    std::sort(c.begin(), c.begin() + n, [](const Candidate& a, const Candidate& b) { return a.pt > b.pt; });
    for (int i = 0; i < n; ++i) {
        Candidate& a = c[std::size_t(i)];
        for (int j = i + 1; j < n;) {
            const Candidate& b = c[std::size_t(j)];
            if (deltaR(a.eta, a.phi, b.eta, b.phi) < kJetCone) {
                a.p += b.p;
                a.flavour = std::max(a.flavour, b.flavour);
                a.eta = a.p.eta();
                a.phi = a.p.phi();
                c[std::size_t(j)] = c[std::size_t(n - 1)];
                --n;
            } else {
                ++j;
            }
        }
    }
    for (int i = 0; i < n; ++i)
        jets[std::size_t(i)] = { c[std::size_t(i)].p, c[std::size_t(i)].flavour, 0 };
    return n;
}

// Three tag levels, as the benchmark's b-tag feature has: 0 none, 1 loose, 2 tight.
int btag(Rng& rng, Flavour flavour, const Params& P)
{
    const double eff = flavour == Bottom ? P.btagEfficiency
        : flavour == Charm               ? std::min(1.0, 4 * P.mistagRate)
                                         : P.mistagRate;
    const double tightShare = flavour == Bottom ? 0.75 : flavour == Charm ? 0.35 : 0.15;
    const double u = rng.uniform();
    return u < eff * tightShare ? 2 : u < eff ? 1 : 0;
}

// Neutrino longitudinal momentum from m(l nu) = mW; the smaller |pz| of the two solutions, or the real part
// when the MET mismeasurement makes them complex.
double neutrinoPz(const FourVector& lepton, double metX, double metY)
{
    const double ptl2 = lepton.px * lepton.px + lepton.py * lepton.py;
    const double mu = 0.5 * kMassW * kMassW + lepton.px * metX + lepton.py * metY;
    const double a = mu * lepton.pz / ptl2;
    const double met2 = metX * metX + metY * metY;
    const double disc = a * a - (lepton.e * lepton.e * met2 - mu * mu) / ptl2;
    if (disc < 0)
        return a;
    const double root = std::sqrt(disc);
    return std::fabs(a - root) < std::fabs(a + root) ? a - root : a + root;
}

// The jets the detector sees: clustered partons smeared in energy and angle, then the acceptance. Adds what
// the calorimeter sees to (visX, visY) and sumEt. With four or more selected, sorts them by pT and b-tags
// the four hardest. Returns the number selected.
int measureJets(Rng& rng, const Params& P, const TruthEvent& ev, std::array<Jet, 10>& selected, double& visX,
    double& visY, double& sumEt)
{
    std::array<Jet, 10> jets;
    const int n = clusterJets(ev, jets);
    int nSelected = 0;
    for (int i = 0; i < n; ++i) {
        const Jet& truth = jets[std::size_t(i)];
        const double e = truth.p.e;
        const double sigma = std::hypot(P.jetStochastic / std::sqrt(std::max(e, 1.0)), P.jetConstant);
        const double eReco = e * std::max(0.05, 1 + sigma * rng.normal());
        const double eta = truth.p.eta() + kJetAngleSigma * rng.normal();
        const double phi = truth.p.phi() + kJetAngleSigma * rng.normal();
        const FourVector reco = FourVector::fromPtEtaPhiM(eReco / std::cosh(eta), eta, phi, 0.0);
        if (std::fabs(eta) < kCaloEta) {
            visX += reco.px;
            visY += reco.py;
            sumEt += reco.pt();
        }
        if (reco.pt() > kMinPt && std::fabs(eta) < kMaxEta)
            selected[std::size_t(nSelected++)] = { reco, truth.flavour, 0 };
    }
    if (nSelected < 4)
        return nSelected;
    std::sort(selected.begin(), selected.begin() + nSelected,
        [](const Jet& a, const Jet& b) { return a.p.pt() > b.p.pt(); });
    for (int i = 0; i < 4; ++i)
        selected[std::size_t(i)].btag = btag(rng, selected[std::size_t(i)].flavour, P);
    return nSelected;
}

// The 7 invariant masses (GeV) the benchmark reconstructs from the lepton, the MET and the four jets.
void highLevelMasses(const FourVector& lepton, const std::array<Jet, 10>& selected, double metX, double metY,
    double met, double* masses)
{
    const double pz = neutrinoPz(lepton, metX, metY);
    const FourVector nu { metX, metY, pz, std::sqrt(met * met + pz * pz) };
    const FourVector wLep = lepton + nu;
    // The two most b-like of the four jets are the b candidates (ties go to the harder jet).
    std::array<int, 4> order = { 0, 1, 2, 3 };
    std::stable_sort(order.begin(), order.end(),
        [&](int a, int b) { return selected[std::size_t(a)].btag > selected[std::size_t(b)].btag; });
    const FourVector& bA = selected[std::size_t(order[0])].p;
    const FourVector& bB = selected[std::size_t(order[1])].p;
    const FourVector wHad = selected[std::size_t(order[2])].p + selected[std::size_t(order[3])].p;
    // Which b goes with the hadronic W: the pairing closest to two top quarks.
    auto chi2 = [&](const FourVector& bHad, const FourVector& bLep) {
        const double h = ((wHad + bHad).m() - kMassTop) / 20.0, l = ((wLep + bLep).m() - kMassTop) / 25.0;
        return h * h + l * l;
    };
    const bool swap = chi2(bB, bA) < chi2(bA, bB);
    const FourVector& bHad = swap ? bB : bA;
    const FourVector& bLep = swap ? bA : bB;
    const FourVector bb = bA + bB;
    masses[0] = wHad.m();
    masses[1] = (wHad + bHad).m();
    masses[2] = wLep.m();
    masses[3] = (wLep + bLep).m();
    masses[4] = bb.m();
    masses[5] = (wLep + bb).m();
    masses[6] = (wLep + bb + wHad).m();
}

// Detector response and reconstruction; false when the event fails the selection. Writes the 28 features
// (unscaled) and the 7 masses in GeV.
bool reconstruct(Rng& rng, const Params& P, const TruthEvent& ev, double* f, double* masses)
{
    // Lepton first: the cheapest cut.
    const double lpt = ev.lepton.pt() * (1 + P.leptonResolution * rng.normal());
    const double leta = ev.lepton.eta();
    if (lpt < kMinPt || std::fabs(leta) > kMaxEta)
        return false;
    const FourVector lepton = FourVector::fromPtEtaPhiM(lpt, leta, ev.lepton.phi(), 0.0);

    double visX = lepton.px, visY = lepton.py, sumEt = lpt;
    std::array<Jet, 10> selected;
    if (measureJets(rng, P, ev, selected, visX, visY, sumEt) < 4)
        return false;

    // Missing transverse energy: minus everything seen, plus the unclustered soft term's resolution.
    const double soft = std::hypot(5.0, P.metSoft * std::sqrt(sumEt));
    const double metX = -visX + soft * rng.normal();
    const double metY = -visY + soft * rng.normal();
    const double met = std::hypot(metX, metY);

    f[0] = lpt;
    f[1] = leta;
    f[2] = lepton.phi();
    f[3] = met;
    f[4] = std::atan2(metY, metX);
    for (int i = 0; i < 4; ++i) {
        const Jet& j = selected[std::size_t(i)];
        f[5 + 4 * i] = j.p.pt();
        f[6 + 4 * i] = j.p.eta();
        f[7 + 4 * i] = j.p.phi();
        f[8 + 4 * i] = j.btag;
    }
    highLevelMasses(lepton, selected, metX, metY, met, masses);
    for (int i = 0; i < kMasses; ++i)
        f[21 + i] = masses[i];
    for (int i = 0; i < kFeatures; ++i) {
        if (!std::isfinite(f[i]))
            return false;
    }
    return true;
}

void scaleFeatures(double* f)
{
    f[0] /= kScaleLeptonPt;
    f[3] /= kScaleMet;
    for (int i = 0; i < 4; ++i)
        f[5 + 4 * i] /= kScaleJetPt;
    for (int i = 0; i < kMasses; ++i)
        f[21 + i] /= kMassScales[std::size_t(i)];
}

} // namespace

void simulateEvent(Rng& rng, const Params& P, bool signal, double* f, double* masses)
{
    int attempts = 0;
    for (;;) {
        if (++attempts > kMaxAttempts)
            throw DataError("generator 'higgs': almost no event passes the selection with these "
                            "options; check the masses and resolutions");
        TruthEvent ev;
        if (signal)
            makeSignal(rng, P, ev);
        else
            makeBackground(rng, P, ev);
        radiate(rng, P, ev);
        if (reconstruct(rng, P, ev, f, masses))
            break;
    }
    if (P.scaled)
        scaleFeatures(f);
}

} // namespace neurino::datasets::higgs
