// EXERCISES.md section 2: a toy Monte-Carlo of the Baldi-Sadowski-Whiteson (2014) HIGGS benchmark.
//
// Signal: gg -> H0 -> W H+-, H+- -> W h0, h0 -> b b~. Background: t t~ -> W+ b W- b~. In both, one W decays
// to a charged lepton and a neutrino, the other to two quarks. Every decay is a relativistic two-body decay
// in the parent's rest frame, with Breit-Wigner masses and W helicity fractions (longitudinal W from the
// scalar decays, F0 = 0.7 / FL = 0.3 from top decays). The event then goes through a simple detector:
// initial- and final-state radiation jets, semileptonic b decays, jet clustering (dR < 0.4), calorimeter
// resolution 100%/sqrt(E) (+) 5% for jets, 1.5% for the lepton, b-tagging at three levels, acceptance cuts,
// and missing transverse energy from everything not seen plus a soft term. The high-level features are
// the invariant masses reconstructed the way the benchmark does: neutrino pz from the W mass constraint,
// b-jets by tag, the remaining pair as the hadronic W, the b assignment that best matches two top quarks.

#include "datasets/FourVector.h"
#include "datasets/Generators.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace neurino::datasets {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Events per chunk of work.
constexpr std::int64_t kChunk = 8192;
// Random-stream identifier of this generator.
constexpr std::uint64_t kStream = 21;
// Attempts per accepted event before the options are declared impossible.
constexpr int kMaxAttempts = 100000;

// Particle data (GeV): PDG masses and widths; the heavy Higgs widths are the toy's choice.
constexpr double kMassW = 80.4, kWidthW = 2.085;
constexpr double kMassTop = 172.5, kWidthTop = 1.42;
constexpr double kMassB = 4.8;
constexpr double kWidthH0 = 8.0, kWidthHpm = 5.0, kWidthH = 0.004;

// Detector: acceptance of leptons and jets, jet cone, calorimeter coverage, angular resolution.
constexpr double kMinPt = 20.0, kMaxEta = 2.5, kJetCone = 0.4, kCaloEta = 4.9, kJetAngleSigma = 0.02;

// Number of features and their names, in the benchmark's order.
constexpr int kFeatures = 28;
constexpr int kMasses = 7;
const std::array<const char*, kFeatures> kFeatureNames = { "lepton_pt", "lepton_eta", "lepton_phi",
    "missing_energy", "missing_energy_phi", "jet1_pt", "jet1_eta", "jet1_phi", "jet1_btag", "jet2_pt",
    "jet2_eta", "jet2_phi", "jet2_btag", "jet3_pt", "jet3_eta", "jet3_phi", "jet3_btag", "jet4_pt",
    "jet4_eta", "jet4_phi", "jet4_btag", "m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb" };

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

struct Params {
    double signalFraction = 0.5;
    double massH0 = 425, massHpm = 325, massH = 125;
    double jetStochastic = 1.0, jetConstant = 0.05, leptonResolution = 0.015;
    double btagEfficiency = 0.7, mistagRate = 0.05;
    double fsr = 0.1;
    double metSoft = 0.5;
    bool isr = true;
    bool scaled = true;
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

    std::array<Jet, 10> jets;
    const int n = clusterJets(ev, jets);
    double visX = lepton.px, visY = lepton.py, sumEt = lpt;
    std::array<Jet, 10> selected;
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
        return false;
    std::sort(selected.begin(), selected.begin() + nSelected,
        [](const Jet& a, const Jet& b) { return a.p.pt() > b.p.pt(); });
    for (int i = 0; i < 4; ++i)
        selected[std::size_t(i)].btag = btag(rng, selected[std::size_t(i)].flavour, P);

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

    // High-level features.
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

class HiggsGenerator : public Generator {
public:
    std::string name() const override { return "higgs"; }
    std::string description() const override
    {
        return "HIGGS benchmark toy: H0 -> W H+- -> W W b b signal against t t~ background, 28 features";
    }
    std::int64_t defaultEvents() const override { return 1'000'000; }
    std::int64_t bytesPerEvent(const GeneratorOptions&) const override
    {
        return (kFeatures + kMasses) * 4 + 8 + 8;
    }
    ParamSchema options() const override
    {
        return { floatParam("signal_fraction", 0.5, 0, 1, "probability that an event is signal"),
            floatParam("mass_H0", 425, 250, 1000, "heavy neutral Higgs mass in GeV"),
            floatParam("mass_Hpm", 325, 150, 900, "charged Higgs mass in GeV"),
            floatParam("mass_h", 125, 50, 300, "light Higgs mass in GeV (decays to b b~)"),
            floatParam(
                "jet_stochastic", 1.0, 0, 3, "jet energy resolution stochastic term a in a/sqrt(E/GeV)"),
            floatParam("jet_constant", 0.05, 0, 0.5, "jet energy resolution constant term"),
            floatParam("lepton_resolution", 0.015, 0, 0.2, "relative lepton pT resolution"),
            floatParam("btag_efficiency", 0.7, 0, 1, "probability to tag a b-jet (loose or tight)"),
            floatParam(
                "mistag_rate", 0.05, 0, 0.5, "probability to tag a light jet (c-jets: 4 times more)"),
            floatParam("fsr", 0.1, 0, 1, "probability that a quark radiates a hard wide-angle gluon"),
            boolParam("isr", true, "give the system transverse momentum, balanced by an initial-state jet"),
            floatParam(
                "met_soft", 0.5, 0, 3, "soft-term MET resolution k in k*sqrt(sum ET / GeV) per axis"),
            boolParam("scaled", true,
                "divide momenta and masses by fixed GeV scales (lepton pT 60, MET 60, jet pT 90; masses "
                "85 170 80 170 150 310 470) so typical values are about 1, as the benchmark files do") };
    }

    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        Params P;
        P.signalFraction = options.real("signal_fraction");
        P.massH0 = options.real("mass_H0");
        P.massHpm = options.real("mass_Hpm");
        P.massH = options.real("mass_h");
        P.jetStochastic = options.real("jet_stochastic");
        P.jetConstant = options.real("jet_constant");
        P.leptonResolution = options.real("lepton_resolution");
        P.btagEfficiency = options.real("btag_efficiency");
        P.mistagRate = options.real("mistag_rate");
        P.fsr = options.real("fsr");
        P.isr = options.flag("isr");
        P.metSoft = options.real("met_soft");
        P.scaled = options.flag("scaled");
        if (P.massH0 < P.massHpm + kMassW + 10 || P.massHpm < P.massH + kMassW + 10)
            throw DataError(
                "generator 'higgs': the decays H0 -> W H+- and H+- -> W h need mass_H0 > mass_Hpm + "
                "90 GeV and mass_Hpm > mass_h + 90 GeV (got "
                + std::to_string(P.massH0) + ", " + std::to_string(P.massHpm) + ", " + std::to_string(P.massH)
                + ")");

        torch::Tensor features = torch::empty({ events, kFeatures }, torch::kFloat32);
        torch::Tensor targets = torch::empty({ events }, torch::kInt64);
        torch::Tensor massTable = torch::empty({ kMasses, events }, torch::kFloat32);
        float* feat = features.data_ptr<float>();
        std::int64_t* label = targets.data_ptr<std::int64_t>();
        float* massData = massTable.data_ptr<float>();

        ChunkRunner(events, kChunk, control)
            .run([&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
                Rng rng(seed, kStream, std::uint64_t(chunk));
                double f[kFeatures], m[kMasses];
                for (std::int64_t i = begin; i < end; ++i) {
                    const bool signal = rng.bernoulli(P.signalFraction);
                    int attempts = 0;
                    for (;;) {
                        if (++attempts > kMaxAttempts)
                            throw DataError(
                                "generator 'higgs': almost no event passes the selection with these "
                                "options; check the masses and resolutions");
                        TruthEvent ev;
                        if (signal)
                            makeSignal(rng, P, ev);
                        else
                            makeBackground(rng, P, ev);
                        radiate(rng, P, ev);
                        if (reconstruct(rng, P, ev, f, m))
                            break;
                    }
                    if (P.scaled)
                        scaleFeatures(f);
                    for (int k = 0; k < kFeatures; ++k)
                        feat[i * kFeatures + k] = float(f[k]);
                    for (int k = 0; k < kMasses; ++k)
                        massData[k * events + i] = float(m[k]);
                    label[i] = signal ? 1 : 0;
                }
            });

        Dataset data;
        data.features = features;
        data.targets = targets;
        data.info.task = Task::Binary;
        data.info.classNames = { "background", "signal" };
        data.info.featureNames.assign(kFeatureNames.begin(), kFeatureNames.end());
        for (int k = 0; k < kMasses; ++k)
            data.extras[std::string(kFeatureNames[std::size_t(21 + k)]) + "_gev"] = massTable[k].clone();
        return data;
    }
};

} // namespace

std::unique_ptr<Generator> makeHiggsGenerator()
{
    return std::make_unique<HiggsGenerator>();
}

} // namespace neurino::datasets
