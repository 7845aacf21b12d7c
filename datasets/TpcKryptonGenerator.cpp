// EXERCISES.md section 4: krypton calibration of a TPC read-out plane (the NA61/SHINE lesson).
//
// Radioactive 83mKr in the gas gives every pad clusters whose charge spectrum shows the krypton lines
// (41.6 keV main peak; 9.4, 12.6, 19.6, 29.0 and 32.0 keV), scaled by the pad's gain and broadened by its
// energy resolution (sigma/E proportional to 1/sqrt(E)), above a zero-suppression threshold. Pads are good,
// noisy (excess of small clusters), dead or low-count, or gain-shifted. Faults come in clusters as in a real
// chamber: whole front-end cards (blocks of 2 rows x 16 pads), sagging anode wires (a stretch of a row whose
// gain rises towards the middle of the sag), plus isolated pads. An "eye-scan" labels a region of the plane
// with a few per cent of human mistakes, made mostly on borderline pads; the truth is kept as an extra.

#include "datasets/Generators.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace neurino::datasets {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Pads per chunk of spectra.
constexpr std::int64_t kChunk = 512;
// Random-stream identifier of this generator; the plane layout and the eye-scan use their own chunk index.
constexpr std::uint64_t kStream = 41;
constexpr std::uint64_t kLayoutChunk = ~std::uint64_t(0);
// Front-end cards read blocks of this many rows x pads (32 channels).
constexpr int kCardRows = 2, kCardPads = 16;
// Relative gain change beyond which a pad counts as gain-shifted.
constexpr double kShiftedGain = 0.1;
// Zero-suppression threshold of the read-out, in keV at nominal gain, and its softness.
constexpr double kThreshold = 3.0, kThresholdWidth = 0.5;
// Main krypton line in keV: the energy the calibration aligns.
constexpr double kMainLine = 41.6;

// Krypton lines (keV) and their share of the clusters.
constexpr std::array<double, 6> kLines = { 9.4, 12.6, 19.6, 29.0, 32.0, 41.6 };
constexpr std::array<double, 6> kLineShares = { 0.10, 0.05, 0.06, 0.09, 0.12, 0.53 };
// Share of clusters in the low-energy continuum (partial depositions), and its slope in keV.
constexpr double kContinuumShare = 0.05, kContinuumSlope = 6.0;

enum PadClass { Good = 0, Noisy = 1, Dead = 2, GainShifted = 3 };

struct Pad {
    PadClass truth = Good;
    double gain = 1.0;
    double resolution = 0.045; // sigma/E at the main line
    double countScale = 1.0; // dead or low-count pads see few clusters
    double noise = 0.0; // noise clusters per krypton cluster
    double noiseSlope = 4.0; // keV
    double ambiguity = 0.0; // 0: obvious, 1: borderline; where eye-scanners err
};

struct Params {
    int rows = 90, pads = 192, bins = 100;
    double clusters = 2000, maxEnergy = 60;
    double gainSpread = 0.04, resolution = 0.045;
    int badCards = 10, saggingWires = 2;
    double isolated = 0.03;
    std::int64_t eyeScan = 5000;
    bool scanRows = true;
    double scanError = 0.025;
};

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

PadClass randomFault(Rng& rng)
{
    const double u = rng.uniform();
    return u < 0.4 ? Noisy : u < 0.7 ? Dead : GainShifted;
}

// Makes pad `p` faulty with severity s in [0, 1] (0: barely, 1: blatantly).
void makeFaulty(Pad& p, PadClass kind, double s, Rng& rng, double gainSign = 0)
{
    p.truth = kind;
    switch (kind) {
    case Noisy:
        p.noise = 0.25 + 2.75 * s;
        p.noiseSlope = rng.uniform(2.0, 6.0);
        p.ambiguity = 1 - s;
        break;
    case Dead:
        // Half of them read nothing at all, the others a few per cent of the clusters.
        p.countScale = rng.bernoulli(0.5) ? 0.0 : 0.15 * (1 - s);
        p.ambiguity = 0.3 * (1 - s);
        break;
    case GainShifted: {
        const double sign = gainSign != 0 ? gainSign : (rng.bernoulli(0.5) ? 1.0 : -1.0);
        p.gain = 1.0 + sign * (0.12 + 0.28 * s);
        p.ambiguity = 1 - s;
        break;
    }
    case Good:
        break;
    }
}

struct Layout {
    std::vector<Pad> pads;
    std::vector<std::int64_t> scanned; // pad indices
};

// Every pad's gain, resolution and relative krypton count, before any fault.
void initialisePads(Rng& rng, const Params& P, Layout& layout)
{
    for (Pad& p : layout.pads) {
        p.gain = rng.normal(1.0, P.gainSpread);
        p.resolution = std::max(0.02, rng.normal(P.resolution, 0.1 * P.resolution));
        p.ambiguity = std::min(1.0, std::fabs(p.gain - 1.0) / kShiftedGain);
    }
    for (int r = 0; r < P.rows; ++r) {
        for (int c = 0; c < P.pads; ++c) {
            // The krypton density falls gently towards the edges of the chamber.
            const double u = (c + 0.5) / P.pads - 0.5, v = (r + 0.5) / P.rows - 0.5;
            layout.pads[std::size_t(r * P.pads + c)].countScale = 1.0 - 0.3 * (u * u + v * v);
        }
    }
}

// The first row of the k-th fault spanning `span` rows. Faulty cards and wires land anywhere, but the first
// of each lands in a scanned region, so the eye-scan always shows examples of clustered faults.
int pickFaultRow(Rng& rng, const Params& P, int scannedRows, int k, int span)
{
    const int limit = (P.scanRows && k == 0 && scannedRows >= span) ? scannedRows : P.rows;
    return int(rng.below(std::uint64_t(std::max(1, limit - span + 1))));
}

// Faulty front-end cards: a block of kCardRows x kCardPads pads with one kind of fault.
void addBadCards(Rng& rng, const Params& P, int scannedRows, Layout& layout)
{
    for (int k = 0; k < P.badCards; ++k) {
        const int r0 = pickFaultRow(rng, P, scannedRows, k, kCardRows) / kCardRows * kCardRows;
        const int c0 = int(rng.below(std::uint64_t(std::max(1, P.pads / kCardPads)))) * kCardPads;
        const PadClass kind = randomFault(rng);
        const double s = rng.uniform(0.5, 1.0);
        const double sign = rng.bernoulli(0.5) ? 1.0 : -1.0;
        for (int r = r0; r < std::min(P.rows, r0 + kCardRows); ++r) {
            for (int c = c0; c < std::min(P.pads, c0 + kCardPads); ++c) {
                Pad& p = layout.pads[std::size_t(r * P.pads + c)];
                makeFaulty(p, kind, std::clamp(s + rng.normal(0.0, 0.05), 0.0, 1.0), rng, sign);
            }
        }
    }
}

// Sagging wires: a stretch of a row whose gain rises towards the middle of the sag.
void addSaggingWires(Rng& rng, const Params& P, int scannedRows, Layout& layout)
{
    for (int k = 0; k < P.saggingWires; ++k) {
        const int r = pickFaultRow(rng, P, scannedRows, k, 1);
        const int length = int(rng.uniform(P.pads / 3.0, double(P.pads)));
        const int start = int(rng.below(std::uint64_t(std::max(1, P.pads - length + 1))));
        const double peak = rng.uniform(0.2, 0.4);
        for (int c = start; c < start + length; ++c) {
            Pad& p = layout.pads[std::size_t(r * P.pads + c)];
            // A sagging wire comes closer to the pads: more gain, most in the middle of the sag.
            const double shift = peak * std::sin(kPi * (c - start + 0.5) / length);
            p.gain = rng.normal(1.0, P.gainSpread) + shift;
            if (p.truth == Good && std::fabs(p.gain - 1.0) >= kShiftedGain) {
                p.truth = GainShifted;
                p.ambiguity = std::clamp(1.0 - (std::fabs(p.gain - 1.0) - kShiftedGain) / 0.2, 0.0, 1.0);
            }
        }
    }
}

// The eye-scanned pads: the first `scanCount` of the plane, or as many spread at random.
void chooseScanned(Rng& rng, const Params& P, std::int64_t n, std::int64_t scanCount, Layout& layout)
{
    if (P.scanRows) {
        layout.scanned.resize(std::size_t(scanCount));
        std::iota(layout.scanned.begin(), layout.scanned.end(), 0);
    } else {
        std::vector<std::int64_t> all(static_cast<std::size_t>(n));
        std::iota(all.begin(), all.end(), 0);
        for (std::int64_t i = 0; i < scanCount; ++i) // partial Fisher-Yates
            std::swap(
                all[std::size_t(i)], all[std::size_t(i + std::int64_t(rng.below(std::uint64_t(n - i))))]);
        layout.scanned.assign(all.begin(), all.begin() + scanCount);
        std::sort(layout.scanned.begin(), layout.scanned.end());
    }
}

Layout makeLayout(const Params& P, std::uint64_t seed)
{
    Rng rng(seed, kStream, kLayoutChunk);
    const std::int64_t n = std::int64_t(P.rows) * P.pads;
    Layout layout;
    layout.pads.resize(std::size_t(n));
    initialisePads(rng, P, layout);

    // Eye-scanned region: the first rows of the plane, or pads spread at random.
    const std::int64_t scanCount = std::min<std::int64_t>(P.eyeScan, n);
    const int scannedRows = int(std::min<std::int64_t>(P.rows, (scanCount + P.pads - 1) / P.pads));
    addBadCards(rng, P, scannedRows, layout);
    addSaggingWires(rng, P, scannedRows, layout);
    for (Pad& p : layout.pads) {
        if (p.truth == Good && rng.bernoulli(P.isolated))
            makeFaulty(p, randomFault(rng), rng.uniform(), rng);
        if (p.truth == Good && std::fabs(p.gain - 1.0) >= kShiftedGain)
            p.truth = GainShifted; // the tail of the normal gain spread
    }
    chooseScanned(rng, P, n, scanCount, layout);
    return layout;
}

// The eye-scan labels: the truth, except for round(scanError * scanned) pads chosen with weights that favour
// borderline pads (weighted sampling without replacement, Efraimidis-Spirakis).
std::vector<std::int64_t> eyeScan(const Layout& layout, const Params& P, std::uint64_t seed)
{
    Rng rng(seed, kStream + 1, kLayoutChunk);
    std::vector<std::int64_t> labels(layout.pads.size(), -1);
    std::vector<std::pair<double, std::int64_t>> keys;
    for (std::int64_t i : layout.scanned) {
        const Pad& p = layout.pads[std::size_t(i)];
        labels[std::size_t(i)] = p.truth;
        const double weight = 0.5 + 4.0 * p.ambiguity;
        keys.emplace_back(std::log(rng.uniformOpen()) / weight, i);
    }
    const auto mistakes = std::size_t(std::llround(P.scanError * double(layout.scanned.size())));
    std::partial_sort(keys.begin(), keys.begin() + std::min(mistakes, keys.size()), keys.end(),
        [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < std::min(mistakes, keys.size()); ++k) {
        const std::int64_t i = keys[k].second;
        const PadClass truth = layout.pads[std::size_t(i)].truth;
        PadClass wrong;
        if (truth == Good) {
            const double u = rng.uniform();
            wrong = u < 0.4 ? Noisy : u < 0.85 ? GainShifted : Dead;
        } else if (rng.bernoulli(0.8)) {
            wrong = Good;
        } else {
            wrong = PadClass(1 + (int(truth) - 1 + 1 + int(rng.below(2))) % 3);
        }
        labels[std::size_t(i)] = wrong;
    }
    return labels;
}

// Expected and then Poisson-fluctuated cluster counts of one pad, normalised to the mean count per bin of
// a nominal good pad.
void fillSpectrum(Rng& rng, const Pad& p, const Params& P, float* out)
{
    const double binWidth = P.maxEnergy / P.bins;
    const double clusters = P.clusters * p.countScale;
    const double perBin = P.clusters / P.bins;
    for (int b = 0; b < P.bins; ++b) {
        const double lo = b * binWidth, hi = lo + binWidth, mid = lo + 0.5 * binWidth;
        const double efficiency = 1.0 / (1.0 + std::exp(-(mid - kThreshold) / kThresholdWidth));
        double expected = 0;
        for (std::size_t l = 0; l < kLines.size(); ++l) {
            const double mean = p.gain * kLines[l];
            const double sigma = p.gain * p.resolution * std::sqrt(kMainLine * kLines[l]);
            expected += (1 - kContinuumShare) * kLineShares[l]
                * (normalCdf((hi - mean) / sigma) - normalCdf((lo - mean) / sigma));
        }
        const double slope = kContinuumSlope * p.gain;
        expected += kContinuumShare * (std::exp(-lo / slope) - std::exp(-hi / slope));
        expected *= clusters;
        if (p.noise > 0)
            expected += p.noise * P.clusters * (std::exp(-lo / p.noiseSlope) - std::exp(-hi / p.noiseSlope));
        out[b] = float(double(rng.poisson(expected * efficiency)) / perBin);
    }
}

class TpcKryptonGenerator : public Generator {
public:
    std::string name() const override { return "tpc_krypton"; }
    std::string description() const override
    {
        return "krypton calibration spectra of every TPC pad (good, noisy, dead, gain-shifted) with eye-scan "
               "labels for part of the plane";
    }
    std::int64_t defaultEvents() const override { return 90 * 192; }
    std::int64_t fixedEvents(const GeneratorOptions& o) const override
    {
        return o.integer("rows") * o.integer("pads");
    }
    std::int64_t bytesPerEvent(const GeneratorOptions& o) const override
    {
        return o.integer("bins") * 4 + 40;
    }
    ParamSchema options() const override
    {
        return { intParam("rows", 90, 1, 1000, "pad rows of the read-out plane"),
            intParam("pads", 192, 1, 1000, "pads per row"),
            intParam("bins", 100, 10, 1000, "bins of each pad's charge spectrum"),
            floatParam("max_energy", 60, 45, 200, "upper end of the spectrum in keV at nominal gain"),
            floatParam("clusters", 2000, 10, 1e7, "mean krypton clusters per good pad"),
            floatParam("gain_spread", 0.04, 0, 0.1, "relative gain spread of good pads"),
            floatParam("resolution", 0.045, 0.01, 0.2, "sigma/E at the 41.6 keV line"),
            intParam("bad_cards", 10, 0, 1000, "faulty front-end cards (blocks of 2 rows x 16 pads)"),
            intParam("sagging_wires", 2, 0, 1000, "sagging anode wires (gain rises along part of a row)"),
            floatParam("isolated", 0.03, 0, 0.5, "share of pads faulty on their own"),
            intParam(
                "eye_scan", 5000, 0, 10'000'000, "pads labelled by the eye-scan (targets; -1 elsewhere)"),
            choiceParam("scan_region", "rows", { "rows", "random" },
                "eye-scan the first rows of the plane, or pads spread at random"),
            floatParam("scan_error", 0.025, 0, 0.5, "share of eye-scan labels that are wrong") };
    }

    // The event count is rows x pads, checked by the catalog through fixedEvents().
    Dataset generate(const GeneratorOptions& options, std::int64_t, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        Params P;
        P.rows = int(options.integer("rows"));
        P.pads = int(options.integer("pads"));
        P.bins = int(options.integer("bins"));
        P.maxEnergy = options.real("max_energy");
        P.clusters = options.real("clusters");
        P.gainSpread = options.real("gain_spread");
        P.resolution = options.real("resolution");
        P.badCards = int(options.integer("bad_cards"));
        P.saggingWires = int(options.integer("sagging_wires"));
        P.isolated = options.real("isolated");
        P.eyeScan = options.integer("eye_scan");
        P.scanRows = options.text("scan_region") == "rows";
        P.scanError = options.real("scan_error");

        const Layout layout = makeLayout(P, seed);
        const std::vector<std::int64_t> labels = eyeScan(layout, P, seed);
        const std::int64_t n = std::int64_t(layout.pads.size());

        torch::Tensor spectra = torch::empty({ n, P.bins }, torch::kFloat32);
        float* data = spectra.data_ptr<float>();
        ChunkRunner(n, kChunk, control).run([&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
            Rng rng(seed, kStream, std::uint64_t(chunk));
            for (std::int64_t i = begin; i < end; ++i)
                fillSpectrum(rng, layout.pads[std::size_t(i)], P, data + i * P.bins);
        });

        torch::Tensor truth = torch::empty({ n }, torch::kInt64);
        torch::Tensor row = torch::empty({ n }, torch::kInt64);
        torch::Tensor column = torch::empty({ n }, torch::kInt64);
        torch::Tensor gain = torch::empty({ n }, torch::kFloat32);
        torch::Tensor targets = torch::empty({ n }, torch::kInt64);
        for (std::int64_t i = 0; i < n; ++i) {
            truth.data_ptr<std::int64_t>()[i] = std::int64_t(layout.pads[std::size_t(i)].truth);
            row.data_ptr<std::int64_t>()[i] = i / P.pads;
            column.data_ptr<std::int64_t>()[i] = i % P.pads;
            gain.data_ptr<float>()[i] = float(layout.pads[std::size_t(i)].gain);
            targets.data_ptr<std::int64_t>()[i] = labels[std::size_t(i)];
        }

        Dataset out;
        out.features = spectra;
        out.targets = targets;
        out.info.task = Task::Classification;
        out.info.classNames = { "good", "noisy", "dead", "gain_shifted" };
        for (int b = 0; b < P.bins; ++b) {
            const double mid = (b + 0.5) * P.maxEnergy / P.bins;
            char name[32];
            std::snprintf(name, sizeof name, "q_%.1fkeV", mid);
            out.info.featureNames.emplace_back(name);
        }
        out.extras["true_class"] = truth;
        out.extras["pad_row"] = row;
        out.extras["pad_column"] = column;
        out.extras["gain"] = gain;
        return out;
    }
};

} // namespace

std::unique_ptr<Generator> makeTpcKryptonGenerator()
{
    return std::make_unique<TpcKryptonGenerator>();
}

} // namespace neurino::datasets
