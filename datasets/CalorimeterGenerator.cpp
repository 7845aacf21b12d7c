// EXERCISES.md section 3: electromagnetic showers of electrons in a highly granular sampling calorimeter
// (tungsten absorber, silicon cells), after the parametrisation of Grindhammer and Peters
// (hep-ex/0001020). Per event the longitudinal profile is a gamma distribution whose shape alpha and
// maximum T fluctuate (correlated log-normals, with T growing like ln E); the transverse profile is a core
// and a tail, f(r) = p 2rRc^2/(r^2+Rc^2)^2 + (1-p) 2rRt^2/(r^2+Rt^2)^2, in units of the Moliere radius, with
// Rc, Rt and p depending on the depth. The energy is deposited as many discrete spots, each carrying E/N with
// a gamma-distributed visible fraction, so that the sampling fluctuations give sigma/E = a/sqrt(E) and the
// images show realistic cell-to-cell fluctuations.

#include "datasets/Generators.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace neurino::datasets {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Events per chunk of work (showers are expensive: a few hundred microseconds each).
constexpr std::int64_t kChunk = 32;
// Random-stream identifier of this generator.
constexpr std::uint64_t kStream = 31;
// Atomic number of the absorber (tungsten), which enters the Grindhammer-Peters coefficients.
constexpr double kZ = 74.0;
// Image sizes: 25 transverse cells x 25 layers in 2D; 51 x 51 cells x 25 layers in 3D.
constexpr int kLayers = 25, kCells2d = 25, kCells3d = 51;

struct Params {
    bool volume = false;
    double minEnergy = 10, maxEnergy = 500;
    double samplingFraction = 0.02, samplingTerm = 0.17;
    double spotsPerGev = 10;
    double moliereMm = 18, cellMm = 5.1, layerX0 = 1.0, criticalMev = 8.0;
    double threshold = 1e-6;
    bool electronScale = false;
    int cells = kCells2d;
};

struct ShowerShape {
    double alpha = 0, beta = 0, tMax = 0;
};

// Per-event longitudinal parameters with their correlated fluctuations (homogeneous-medium formulas).
ShowerShape sampleShape(Rng& rng, double energyGev, const Params& P)
{
    const double lnY = std::log(energyGev * 1000.0 / P.criticalMev);
    const double meanLnT = std::log(std::max(lnY - 0.812, 0.5));
    const double meanLnA = std::log(0.81 + (0.458 + 2.26 / kZ) * lnY);
    const double sigmaLnT = 1.0 / std::max(-1.4 + 1.26 * lnY, 1.0);
    const double sigmaLnA = 1.0 / std::max(-0.58 + 0.86 * lnY, 1.0);
    const double rho = std::clamp(0.705 - 0.023 * lnY, -1.0, 1.0);
    const double z1 = rng.normal(), z2 = rng.normal();
    ShowerShape s;
    s.tMax = std::exp(meanLnT + sigmaLnT * z1);
    s.alpha = std::max(1.05, std::exp(meanLnA + sigmaLnA * (rho * z1 + std::sqrt(1 - rho * rho) * z2)));
    s.beta = (s.alpha - 1.0) / s.tMax;
    return s;
}

// Radial distance (in Moliere radii) of one spot at relative depth tau = t / T.
double sampleRadius(Rng& rng, double lnE, double tau)
{
    const double z1 = 0.0251 + 0.00319 * lnE, z2 = 0.1162 - 0.000381 * kZ;
    const double k1 = 0.659 - 0.00309 * kZ, k2 = 0.645, k3 = -2.59, k4 = 0.3585 + 0.0421 * lnE;
    const double p1 = 2.632 - 0.00094 * kZ, p2 = 0.401 + 0.00187 * kZ, p3 = 1.313 - 0.0686 * lnE;
    const double rCore = z1 + z2 * tau;
    const double rTail = k1 * (std::exp(k3 * (tau - k2)) + std::exp(k4 * (tau - k2)));
    const double x = (p2 - tau) / p3;
    const double coreShare = std::clamp(p1 * std::exp(x - std::exp(x)), 0.0, 1.0);
    const double r = rng.uniform() < coreShare ? rCore : rTail;
    // Inverse of the cumulative r^2 / (r^2 + R^2) of 2rR^2/(r^2+R^2)^2.
    const double u = std::min(rng.uniform(), 0.999999);
    return r * std::sqrt(u / (1.0 - u));
}

// Simulates one shower into `cells` (zeroed): 2D (cells x layers) or 3D (cells x cells x layers).
void simulate(Rng& rng, double energy, const Params& P, float* out)
{
    const ShowerShape shape = sampleShape(rng, energy, P);
    const double lnE = std::log(energy);
    const auto spots = std::max<std::int64_t>(1, std::llround(P.spotsPerGev * energy));
    // The visible share of each spot fluctuates as Gamma(k, 1/k): mean 1, relative variance 1/k, chosen so
    // that the sum over all spots has relative resolution samplingTerm / sqrt(E).
    const double k = energy / (double(spots) * P.samplingTerm * P.samplingTerm);
    const double spotEnergy = energy * P.samplingFraction / double(spots);
    const double rToCells = P.moliereMm / P.cellMm;
    const int half = P.cells / 2;
    // The electron enters at a random point of the central cell.
    const double x0 = rng.uniform(-0.5, 0.5), y0 = rng.uniform(-0.5, 0.5);
    for (std::int64_t s = 0; s < spots; ++s) {
        const double t = rng.gamma(shape.alpha, 1.0 / shape.beta);
        const int layer = int(t / P.layerX0);
        const double r = sampleRadius(rng, lnE, t / shape.tMax) * rToCells;
        const double phi = rng.uniform(0, 2 * kPi);
        const double visible = spotEnergy * rng.gamma(k, 1.0 / k);
        if (layer >= kLayers) // longitudinal leakage
            continue;
        const int ix = int(std::floor(x0 + r * std::cos(phi) + 0.5)) + half;
        if (ix < 0 || ix >= P.cells) // lateral leakage
            continue;
        if (!P.volume) {
            out[ix * kLayers + layer] += float(visible);
            continue;
        }
        const int iy = int(std::floor(y0 + r * std::sin(phi) + 0.5)) + half;
        if (iy < 0 || iy >= P.cells)
            continue;
        out[(std::int64_t(ix) * P.cells + iy) * kLayers + layer] += float(visible);
    }
}

class CalorimeterGenerator : public Generator {
public:
    std::string name() const override { return "calorimeter"; }
    std::string description() const override
    {
        return "electron showers in a W-Si calorimeter as 25x25 images (rows: transverse cells, columns: "
               "layers) "
               "or 51x51x25 volumes, with the primary energy (GeV) as target";
    }
    std::int64_t defaultEvents() const override { return 10000; }
    std::int64_t maxEvents() const override { return 1'000'000; }
    std::int64_t bytesPerEvent(const GeneratorOptions& options) const override
    {
        const std::int64_t cells = options.flag("3d") ? std::int64_t(kCells3d) * kCells3d : kCells2d;
        return cells * kLayers * 4 + 4;
    }
    ParamSchema options() const override
    {
        return { boolParam("3d", false,
                     "51x51x25 volumes (N,1,51,51,25) as in the 3D GAN papers instead of "
                     "25x25 images (N,1,25,25) summed over one transverse axis"),
            floatParam("min_energy", 10, 1, 5000, "lowest primary electron energy in GeV"),
            floatParam("max_energy", 500, 1, 5000, "highest primary electron energy in GeV (uniform)"),
            floatParam("sampling_fraction", 0.02, 0.001, 1, "share of the energy the silicon sees"),
            floatParam("sampling_term", 0.17, 0, 1, "stochastic term a of sigma/E = a/sqrt(E/GeV)"),
            floatParam("spots_per_gev", 10, 1, 1000, "energy spots per GeV; more is smoother but slower"),
            floatParam("moliere_radius", 18, 1, 100, "effective Moliere radius of the W-Si stack in mm"),
            floatParam("cell_size", 5.1, 0.5, 50, "transverse cell size in mm"),
            floatParam("layer_x0", 1.0, 0.1, 5, "radiation lengths per layer"),
            floatParam("critical_energy", 8.0, 1, 100, "critical energy of the absorber in MeV"),
            floatParam("threshold", 1e-6, 0, 1, "cells below this energy (GeV) are set to zero"),
            boolParam("electron_scale", false,
                "cells in GeV of the electron scale (the visible energy divided by the sampling fraction, "
                "so that the cells sum to about the primary energy) instead of the energy the silicon "
                "sees") };
    }

    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        Params P;
        P.volume = options.flag("3d");
        P.minEnergy = options.real("min_energy");
        P.maxEnergy = options.real("max_energy");
        P.samplingFraction = options.real("sampling_fraction");
        P.samplingTerm = options.real("sampling_term");
        P.spotsPerGev = options.real("spots_per_gev");
        P.moliereMm = options.real("moliere_radius");
        P.cellMm = options.real("cell_size");
        P.layerX0 = options.real("layer_x0");
        P.criticalMev = options.real("critical_energy");
        P.threshold = options.real("threshold");
        P.electronScale = options.flag("electron_scale");
        P.cells = P.volume ? kCells3d : kCells2d;
        if (P.maxEnergy < P.minEnergy)
            throw DataError("generator 'calorimeter': max_energy (" + std::to_string(P.maxEnergy)
                + ") must not be below min_energy (" + std::to_string(P.minEnergy) + ")");
        if (P.minEnergy * 1000 <= 2 * P.criticalMev)
            throw DataError("generator 'calorimeter': min_energy must be well above the critical energy");

        const std::vector<std::int64_t> shape = P.volume
            ? std::vector<std::int64_t> { events, 1, kCells3d, kCells3d, kLayers }
            : std::vector<std::int64_t> { events, 1, kCells2d, kLayers };
        torch::Tensor images = torch::zeros(shape, torch::kFloat32);
        torch::Tensor energies = torch::empty({ events, 1 }, torch::kFloat32);
        const std::int64_t perEvent = images.numel() / std::max<std::int64_t>(events, 1);
        float* pixels = images.data_ptr<float>();
        float* energy = energies.data_ptr<float>();

        ChunkRunner(events, kChunk, control)
            .run([&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
                Rng rng(seed, kStream, std::uint64_t(chunk));
                for (std::int64_t i = begin; i < end; ++i) {
                    const double e = rng.uniform(P.minEnergy, P.maxEnergy);
                    float* image = pixels + i * perEvent;
                    simulate(rng, e, P, image);
                    // The threshold applies to what the silicon sees, before any rescaling.
                    const float scale = P.electronScale ? float(1.0 / P.samplingFraction) : 1.0f;
                    for (std::int64_t c = 0; c < perEvent; ++c)
                        image[c] = image[c] < P.threshold ? 0.0f : image[c] * scale;
                    energy[i] = float(e);
                }
            });

        Dataset data;
        data.features = images;
        data.targets = energies;
        data.info.task = Task::Images;
        return data;
    }
};

} // namespace

std::unique_ptr<Generator> makeCalorimeterGenerator()
{
    return std::make_unique<CalorimeterGenerator>();
}

} // namespace neurino::datasets
