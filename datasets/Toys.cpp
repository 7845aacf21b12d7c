// The first-steps toys of EXERCISES.md section 0: four two-class point clouds in the plane and a noisy 1D
// function. Classes alternate event by event, so every toy is balanced exactly.

#include "datasets/Generators.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <cmath>
#include <functional>

namespace neurino::datasets {

namespace {

// Events per chunk: small enough to spread 10k-event toys over threads, large enough to amortise them.
constexpr std::int64_t kChunk = 8192;
// Random-stream identifiers, so that toys sharing a seed do not share numbers.
constexpr std::uint64_t kXorStream = 1, kCirclesStream = 2, kSpiralsStream = 3, kGaussiansStream = 4,
                        kFunctionStream = 5;
constexpr double kPi = 3.14159265358979323846;

using PointSampler
    = std::function<void(Rng& rng, int label, const GeneratorOptions& options, float* xy, float* extra)>;

// Shared body of the 2D two-class toys: features (N, 2), binary targets, optional per-event extra.
Dataset makePlaneToy(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
    const GenerateControl& control, std::uint64_t stream, const PointSampler& sample,
    std::vector<std::string> classNames, const std::string& extraName = {})
{
    torch::Tensor features = torch::empty({ events, 2 }, torch::kFloat32);
    torch::Tensor targets = torch::empty({ events }, torch::kInt64);
    torch::Tensor extra = extraName.empty() ? torch::Tensor() : torch::zeros({ events }, torch::kFloat32);
    float* xy = features.data_ptr<float>();
    std::int64_t* labels = targets.data_ptr<std::int64_t>();
    float* extraData = extra.defined() ? extra.data_ptr<float>() : nullptr;
    const double noise = options.real("noise");

    ChunkRunner(events, kChunk, control).run([&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
        Rng rng(seed, stream, std::uint64_t(chunk));
        for (std::int64_t i = begin; i < end; ++i) {
            const int label = int(i % 2);
            labels[i] = label;
            float* p = xy + 2 * i;
            sample(rng, label, options, p, extraData ? extraData + i : nullptr);
            if (noise > 0) {
                p[0] += float(noise * rng.normal());
                p[1] += float(noise * rng.normal());
            }
        }
    });

    Dataset data;
    data.features = features;
    data.targets = targets;
    data.info.task = Task::Binary;
    data.info.classNames = std::move(classNames);
    data.info.featureNames = { "x1", "x2" };
    if (extra.defined())
        data.extras[extraName] = extra;
    return data;
}

class PlaneToy : public Generator {
public:
    std::int64_t defaultEvents() const override { return 1000; }
    std::int64_t bytesPerEvent(const GeneratorOptions&) const override { return 2 * 4 + 8 + 4; }
};

class XorGenerator : public PlaneToy {
public:
    std::string name() const override { return "xor"; }
    std::string description() const override
    {
        return "XOR: points in [-1,1]^2, class 1 where x1*x2 > 0; no line separates the classes";
    }
    ParamSchema options() const override
    {
        return { floatParam("noise", 0.05, 0, 1, "Gaussian jitter added to both coordinates after labelling"),
            floatParam(
                "margin", 0.05, 0, 0.5, "empty band around both axes, as TensorFlow Playground pads") };
    }
    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        const double margin = options.real("margin");
        auto sample = [margin](Rng& rng, int label, const GeneratorOptions&, float* p, float*) {
            double x = rng.uniform(-1, 1), y = rng.uniform(-1, 1);
            x += x >= 0 ? margin : -margin;
            y += y >= 0 ? margin : -margin;
            if ((x * y > 0) != (label == 1))
                y = -y;
            p[0] = float(x / (1 + margin));
            p[1] = float(y / (1 + margin));
        };
        return makePlaneToy(options, events, seed, control, kXorStream, sample, { "x1*x2<0", "x1*x2>0" });
    }
};

class CirclesGenerator : public PlaneToy {
public:
    std::string name() const override { return "circles"; }
    std::string description() const override
    {
        return "two circles: class 0 a disc of radius 0.5, class 1 a ring from 0.7 to 1 around it";
    }
    ParamSchema options() const override
    {
        return { floatParam("noise", 0.05, 0, 1, "Gaussian jitter added to both coordinates"),
            floatParam("inner_radius", 0.5, 0.05, 0.95, "radius of the inner disc (class 0)"),
            floatParam(
                "ring_inner", 0.7, 0.05, 1, "inner radius of the ring (class 1); the ring ends at 1") };
    }
    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        const double inner = options.real("inner_radius"), ring = options.real("ring_inner");
        auto sample = [inner, ring](Rng& rng, int label, const GeneratorOptions&, float* p, float*) {
            // Uniform in area: r^2 uniform between the squared radii.
            const double lo = label == 0 ? 0.0 : ring * ring, hi = label == 0 ? inner * inner : 1.0;
            const double r = std::sqrt(rng.uniform(lo, hi));
            const double phi = rng.uniform(0, 2 * kPi);
            p[0] = float(r * std::cos(phi));
            p[1] = float(r * std::sin(phi));
        };
        return makePlaneToy(options, events, seed, control, kCirclesStream, sample, { "inner", "outer" });
    }
};

class SpiralsGenerator : public PlaneToy {
public:
    std::string name() const override { return "spirals"; }
    std::string description() const override
    {
        return "two interleaved Archimedean spirals, the hardest of the plane toys";
    }
    ParamSchema options() const override
    {
        return { floatParam("noise", 0.03, 0, 1, "Gaussian jitter added to both coordinates"),
            floatParam("turns", 1.5, 0.25, 5, "number of turns of each spiral") };
    }
    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        const double turns = options.real("turns");
        auto sample = [turns](Rng& rng, int label, const GeneratorOptions&, float* p, float*) {
            // sqrt keeps the density along the arm roughly uniform in the plane.
            const double s = std::sqrt(rng.uniform());
            const double angle = s * turns * 2 * kPi + label * kPi;
            p[0] = float(s * std::cos(angle));
            p[1] = float(s * std::sin(angle));
        };
        return makePlaneToy(
            options, events, seed, control, kSpiralsStream, sample, { "spiral A", "spiral B" });
    }
};

class GaussiansGenerator : public PlaneToy {
public:
    std::string name() const override { return "gaussians"; }
    std::string description() const override
    {
        return "two Gaussian blobs on the diagonal; a nuisance can shift the signal blob (adversarial "
               "lesson)";
    }
    ParamSchema options() const override
    {
        return { floatParam("noise", 0.0, 0, 1, "extra Gaussian jitter added to both coordinates"),
            floatParam("separation", 2.0, 0, 10, "distance between the two centres"),
            floatParam("sigma", 0.6, 0.01, 5, "standard deviation of each blob"),
            floatParam("shift", 0.0, -5, 5, "fixed shift of the signal blob (class 1) along x1"),
            floatParam("nuisance", 0.0, 0, 5,
                "sigma of a per-event nuisance z ~ N(0, nuisance) that shifts the signal along x2; "
                "z is written as the extra 'nuisance' for every event") };
    }
    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        const double half = options.real("separation") / (2 * std::sqrt(2.0));
        const double sigma = options.real("sigma"), shift = options.real("shift");
        const double nuisance = options.real("nuisance");
        auto sample = [=](Rng& rng, int label, const GeneratorOptions&, float* p, float* z) {
            const double c = label == 1 ? half : -half;
            const double zValue = nuisance > 0 ? nuisance * rng.normal() : 0.0;
            p[0] = float(c + sigma * rng.normal() + (label == 1 ? shift : 0.0));
            p[1] = float(c + sigma * rng.normal() + (label == 1 ? zValue : 0.0));
            *z = float(zValue);
        };
        return makePlaneToy(
            options, events, seed, control, kGaussiansStream, sample, { "background", "signal" }, "nuisance");
    }
};

class Function1dGenerator : public Generator {
public:
    std::string name() const override { return "function1d"; }
    std::string description() const override
    {
        return "y = f(x) + noise for x uniform in a range: regression and universal approximation";
    }
    std::int64_t defaultEvents() const override { return 1000; }
    std::int64_t bytesPerEvent(const GeneratorOptions&) const override { return 8; }
    ParamSchema options() const override
    {
        return { choiceParam("function", "sin", { "sin", "abs", "step", "bump", "square", "cubic" },
                     "f(x): sin(pi*frequency*x), |x|, step at 0, Gaussian bump of width 0.2, x^2, x^3"),
            floatParam("frequency", 1.0, 0.1, 20, "frequency of 'sin'"),
            floatParam("noise", 0.0, 0, 10, "sigma of the Gaussian noise added to y"),
            floatParam("xmin", -1.0, -1000, 1000, "lower end of the x range"),
            floatParam("xmax", 1.0, -1000, 1000, "upper end of the x range") };
    }
    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        const std::string function = options.text("function");
        const double frequency = options.real("frequency"), noise = options.real("noise");
        const double xmin = options.real("xmin"), xmax = options.real("xmax");
        if (!(xmax > xmin))
            throw DataError("generator 'function1d': xmax (" + std::to_string(xmax) + ") must exceed xmin ("
                + std::to_string(xmin) + ")");
        std::function<double(double)> f;
        if (function == "sin")
            f = [frequency](double x) { return std::sin(kPi * frequency * x); };
        else if (function == "abs")
            f = [](double x) { return std::fabs(x); };
        else if (function == "step")
            f = [](double x) { return x > 0 ? 1.0 : 0.0; };
        else if (function == "bump")
            f = [](double x) { return std::exp(-x * x / (2 * 0.2 * 0.2)); };
        else if (function == "square")
            f = [](double x) { return x * x; };
        else
            f = [](double x) { return x * x * x; };

        torch::Tensor x = torch::empty({ events, 1 }, torch::kFloat32);
        torch::Tensor y = torch::empty({ events, 1 }, torch::kFloat32);
        float* xs = x.data_ptr<float>();
        float* ys = y.data_ptr<float>();
        ChunkRunner(events, kChunk, control)
            .run([&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
                Rng rng(seed, kFunctionStream, std::uint64_t(chunk));
                for (std::int64_t i = begin; i < end; ++i) {
                    const double v = rng.uniform(xmin, xmax);
                    xs[i] = float(v);
                    ys[i] = float(f(v) + (noise > 0 ? noise * rng.normal() : 0.0));
                }
            });
        Dataset data;
        data.features = x;
        data.targets = y;
        data.info.task = Task::Regression;
        data.info.featureNames = { "x" };
        return data;
    }
};

} // namespace

std::unique_ptr<Generator> makeXorGenerator()
{
    return std::make_unique<XorGenerator>();
}
std::unique_ptr<Generator> makeCirclesGenerator()
{
    return std::make_unique<CirclesGenerator>();
}
std::unique_ptr<Generator> makeSpiralsGenerator()
{
    return std::make_unique<SpiralsGenerator>();
}
std::unique_ptr<Generator> makeGaussiansGenerator()
{
    return std::make_unique<GaussiansGenerator>();
}
std::unique_ptr<Generator> makeFunction1dGenerator()
{
    return std::make_unique<Function1dGenerator>();
}

} // namespace neurino::datasets
