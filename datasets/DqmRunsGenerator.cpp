// Data-quality monitoring (the CERN EP lecture): one monitoring histogram per run of a TPC, the clusters
// counted per pad row and drift-time bin, as the shift crew's online display accumulates it.
//
// Tracks cross the drift volume uniformly, so a row's drift-time distribution is a plateau from the trigger
// time t0 (clusters at the read-out plane) to t0 plus the full drift time (the cathode), its edges smeared by
// diffusion; inner rows, nearer the beam, see more tracks. The drifting electrons are slowly captured by
// oxygen (attachment), so a cluster's signal falls with drift time and fewer clusters pass the read-out's
// zero-suppression threshold far from the plane. Counts are Poisson; the map is normalised to a good run's
// mean plateau. Good runs differ a little in beam intensity, gain, t0 and drift velocity (temperature and
// pressure). Bad runs have one failure: a dead front-end card (two rows read little or nothing), a noisy
// channel (one row fires over the whole read-out window), a gain drop in one of the two read-out chambers
// (the inner or outer rows: its high voltage sagged, so the threshold cuts more clusters, most at long drift
// times) or a timing shift (the trigger's t0 moved).

#include "datasets/Generators.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace neurino::datasets {

namespace {

// Runs per chunk; every run draws from its own random stream (seed, kStream, run), so the data does not
// depend on the chunking or the threads.
constexpr std::int64_t kChunk = 64;
constexpr std::uint64_t kStream = 83;
// A front-end card reads this many adjacent pad rows.
constexpr int kCardRows = 2;
// Zero-suppression threshold on the cluster signal (in units of a nominal cluster at the read-out plane)
// and the spread of cluster signals around their mean (Landau-like fluctuations, as a Gaussian).
constexpr double kThreshold = 0.35, kSignalSpread = 0.25;
// Electron lifetime against attachment, in units of the full drift time.
constexpr double kLifetime = 4.5;

enum Failure { Good = 0, DeadRegion = 1, NoisyChannel = 2, GainDrift = 3, TimingShift = 4 };

struct Params {
    int rows = 16, bins = 32;
    double clusters = 400; // mean clusters per bin of a good run's plateau
    double badFraction = 0.4;
    double t0 = 3.0, driftBins = 24.0; // plateau start and length, in time bins
    double diffusion = 0.6; // edge smearing, in time bins
};

// One run's conditions and its failure.
struct RunConditions {
    Failure failure = Good;
    double intensity = 1, gain = 1, t0 = 0, driftBins = 0;
    int faultRow = -1, faultRows = 0; // the rows a dead card, a noisy channel or a gain drop affects
    double deadScale = 1, noise = 0; // what reaches a dead card; a noisy channel's extra clusters per bin
    double gainDrop = 1; // the sagging chamber's gain factor
};

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

RunConditions drawRun(Rng& rng, const Params& P)
{
    RunConditions c;
    c.intensity = rng.normal(1.0, 0.05);
    c.gain = rng.normal(1.0, 0.03);
    c.t0 = P.t0 + rng.normal(0.0, 0.15);
    c.driftBins = P.driftBins * rng.normal(1.0, 0.01);
    if (!rng.bernoulli(P.badFraction))
        return c;
    c.failure = Failure(1 + rng.below(4));
    switch (c.failure) {
    case DeadRegion:
        c.faultRows = std::min(kCardRows, P.rows);
        c.faultRow = int(rng.below(std::uint64_t(P.rows / kCardRows))) * kCardRows;
        c.deadScale = rng.bernoulli(0.5) ? 0.0 : rng.uniform(0.0, 0.4);
        break;
    case NoisyChannel:
        c.faultRows = 1;
        c.faultRow = int(rng.below(std::uint64_t(P.rows)));
        c.noise = rng.uniform(0.25, 0.8);
        break;
    case GainDrift:
        // One read-out chamber: the inner or the outer half of the rows.
        c.faultRows = P.rows / 2;
        c.faultRow = rng.bernoulli(0.5) ? 0 : P.rows / 2;
        c.gainDrop = rng.uniform(0.6, 0.85);
        break;
    case TimingShift:
        c.t0 += (rng.bernoulli(0.5) ? 1.0 : -1.0) * rng.uniform(1.5, 3.0);
        break;
    case Good:
        break;
    }
    return c;
}

// The share of clusters passing the threshold at time bin centre t (from t0) and the run's gain.
double efficiency(double gain, double driftFraction)
{
    const double signal = gain * std::exp(-std::max(0.0, driftFraction) / kLifetime);
    return normalCdf((signal - kThreshold) / kSignalSpread);
}

// The expected clusters of a good, nominal run in (row, bin) divided by the plateau mean: the unit of the
// map.
void fillRun(Rng& rng, const RunConditions& c, const Params& P, float* out)
{
    const double nominalEfficiency = efficiency(1.0, 0.5);
    for (int r = 0; r < P.rows; ++r) {
        // Inner rows (near the beam) see more tracks.
        const double density = 1.2 - 0.4 * r / std::max(1, P.rows - 1);
        const bool faulty = c.faultRow >= 0 && r >= c.faultRow && r < c.faultRow + c.faultRows;
        for (int b = 0; b < P.bins; ++b) {
            const double t = b + 0.5;
            const double plateau
                = normalCdf((t - c.t0) / P.diffusion) - normalCdf((t - c.t0 - c.driftBins) / P.diffusion);
            const double drift = (t - c.t0) / c.driftBins;
            const double gain = faulty && c.failure == GainDrift ? c.gain * c.gainDrop : c.gain;
            double expected = c.intensity * density * plateau * efficiency(gain, drift) / nominalEfficiency;
            if (faulty && c.failure == DeadRegion)
                expected *= c.deadScale;
            if (faulty && c.failure == NoisyChannel)
                expected += c.noise;
            out[r * P.bins + b] = float(double(rng.poisson(expected * P.clusters)) / P.clusters);
        }
    }
}

class DqmRunsGenerator : public Generator {
public:
    std::string name() const override { return "dqm_runs"; }
    std::string description() const override
    {
        return "per-run TPC monitoring histograms (clusters per pad row and drift time): good runs and runs "
               "with a dead card, a noisy channel, a chamber's gain drop or a timing shift";
    }
    std::int64_t defaultEvents() const override { return 3000; }
    std::int64_t maxEvents() const override { return 10'000'000; }
    std::int64_t bytesPerEvent(const GeneratorOptions& o) const override
    {
        return o.integer("rows") * o.integer("bins") * 4 + 40;
    }
    ParamSchema options() const override
    {
        return { intParam("rows", 16, 4, 256, "pad rows of the monitoring map (a card reads 2)"),
            intParam("bins", 32, 16, 512, "drift-time bins of the read-out window"),
            floatParam("clusters", 400, 10, 1e7, "mean clusters per bin of a good run's plateau"),
            floatParam(
                "bad_fraction", 0.4, 0, 1, "share of runs with a failure (equal shares of the four)") };
    }

    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        Params P;
        P.rows = int(options.integer("rows"));
        P.bins = int(options.integer("bins"));
        P.clusters = options.real("clusters");
        P.badFraction = options.real("bad_fraction");
        // The window keeps an eighth of its length before t0 and after the cathode, as the default 3 + 24
        // of 32.
        P.t0 = 3.0 * P.bins / 32.0;
        P.driftBins = 24.0 * P.bins / 32.0;

        const std::int64_t n = events;
        torch::Tensor maps = torch::empty({ n, 1, P.rows, P.bins }, torch::kFloat32);
        torch::Tensor failure = torch::empty({ n }, torch::kInt64);
        torch::Tensor rowBegin = torch::empty({ n }, torch::kInt64);
        torch::Tensor rowEnd = torch::empty({ n }, torch::kInt64);
        torch::Tensor gain = torch::empty({ n }, torch::kFloat32);
        torch::Tensor t0 = torch::empty({ n }, torch::kFloat32);
        float* data = maps.data_ptr<float>();
        ChunkRunner(n, kChunk, control).run([&](std::int64_t, std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) {
                Rng rng(seed, kStream, std::uint64_t(i));
                const RunConditions c = drawRun(rng, P);
                fillRun(rng, c, P, data + i * P.rows * P.bins);
                failure.data_ptr<std::int64_t>()[i] = c.failure;
                rowBegin.data_ptr<std::int64_t>()[i] = c.faultRow;
                rowEnd.data_ptr<std::int64_t>()[i] = c.faultRow < 0 ? -1 : c.faultRow + c.faultRows;
                gain.data_ptr<float>()[i] = float(c.gain);
                t0.data_ptr<float>()[i] = float(c.t0);
            }
        });

        Dataset out;
        out.features = maps;
        out.info.task = Task::Reconstruction;
        out.info.classNames = { "good", "dead_region", "noisy_channel", "gain_drift", "timing_shift" };
        out.extras["failure_mode"] = failure;
        out.extras["fault_row_begin"] = rowBegin; // -1 when the failure has no region
        out.extras["fault_row_end"] = rowEnd; // one past the last faulty row
        out.extras["gain"] = gain; // the chambers' common gain, before a drop
        out.extras["t0"] = t0; // in time bins
        return out;
    }
};

} // namespace

std::unique_ptr<Generator> makeDqmRunsGenerator()
{
    return std::make_unique<DqmRunsGenerator>();
}

} // namespace neurino::datasets
