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

#include "datasets/Generators.h"
#include "datasets/HiggsEvents.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <array>

namespace neurino::datasets {

namespace {

using higgs::kFeatures;
using higgs::kMasses;
using higgs::Params;

// Events per chunk of work.
constexpr std::int64_t kChunk = 8192;
// Random-stream identifier of this generator.
constexpr std::uint64_t kStream = 21;

// The features' names, in the benchmark's order.
const std::array<const char*, kFeatures> kFeatureNames = { "lepton_pt", "lepton_eta", "lepton_phi",
    "missing_energy", "missing_energy_phi", "jet1_pt", "jet1_eta", "jet1_phi", "jet1_btag", "jet2_pt",
    "jet2_eta", "jet2_phi", "jet2_btag", "jet3_pt", "jet3_eta", "jet3_phi", "jet3_btag", "jet4_pt",
    "jet4_eta", "jet4_phi", "jet4_btag", "m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb" };

// The simulation's parameters from the generator's options. Throws DataError when the masses leave no room
// for the signal's decays.
Params readParams(const GeneratorOptions& options)
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
    if (P.massH0 < P.massHpm + higgs::kMassW + 10 || P.massHpm < P.massH + higgs::kMassW + 10)
        throw DataError("generator 'higgs': the decays H0 -> W H+- and H+- -> W h need mass_H0 > mass_Hpm + "
                        "90 GeV and mass_Hpm > mass_h + 90 GeV (got "
            + std::to_string(P.massH0) + ", " + std::to_string(P.massHpm) + ", " + std::to_string(P.massH)
            + ")");
    return P;
}

// The binary dataset of the generated features and labels, with the masses in GeV as extras.
Dataset higgsDataset(
    const torch::Tensor& features, const torch::Tensor& targets, const torch::Tensor& massTable)
{
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
            floatParam("mistag_rate", 0.05, 0, 0.5, "probability to tag a light jet (c-jets: 4 times more)"),
            floatParam("fsr", 0.1, 0, 1, "probability that a quark radiates a hard wide-angle gluon"),
            boolParam("isr", true, "give the system transverse momentum, balanced by an initial-state jet"),
            floatParam("met_soft", 0.5, 0, 3, "soft-term MET resolution k in k*sqrt(sum ET / GeV) per axis"),
            boolParam("scaled", true,
                "divide momenta and masses by fixed GeV scales (lepton pT 60, MET 60, jet pT 90; masses "
                "85 170 80 170 150 310 470) so typical values are about 1, as the benchmark files do") };
    }

    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        const Params P = readParams(options);
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
                    higgs::simulateEvent(rng, P, signal, f, m);
                    for (int k = 0; k < kFeatures; ++k)
                        feat[i * kFeatures + k] = float(f[k]);
                    for (int k = 0; k < kMasses; ++k)
                        massData[k * events + i] = float(m[k]);
                    label[i] = signal ? 1 : 0;
                }
            });
        return higgsDataset(features, targets, massTable);
    }
};

} // namespace

std::unique_ptr<Generator> makeHiggsGenerator()
{
    return std::make_unique<HiggsGenerator>();
}

} // namespace neurino::datasets
