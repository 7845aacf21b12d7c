// EXERCISES.md section 1: 32x32 greyscale images of one filled circle, square or triangle each.

#include "datasets/Generators.h"
#include "datasets/Random.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace neurino::datasets {

namespace {

// Image side in pixels.
constexpr int kSide = 32;
// Images per chunk.
constexpr std::int64_t kChunk = 256;
// Random-stream identifier of this generator.
constexpr std::uint64_t kStream = 11;
// Gap kept between a shape's bounding box and the image border, in pixels.
constexpr double kBorder = 0.5;
constexpr double kPi = 3.14159265358979323846;

enum ShapeKind { Circle = 0, Square = 1, Triangle = 2 };

struct Shape {
    ShapeKind kind = Circle;
    double cx = 0, cy = 0;
    double radius = 0; // circle
    std::array<double, 8> vx {}, vy {}; // polygon vertices, counter-clockwise
    int vertices = 0;

    bool contains(double x, double y) const
    {
        if (kind == Circle)
            return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
        // Convex polygon, counter-clockwise: inside is left of every edge.
        for (int i = 0; i < vertices; ++i) {
            const int j = (i + 1) % vertices;
            const double cross = (vx[j] - vx[i]) * (y - vy[i]) - (vy[j] - vy[i]) * (x - vx[i]);
            if (cross < 0)
                return false;
        }
        return true;
    }
};

// A shape of the given area (size^2) and rotation at the origin; the caller moves it.
Shape makeShape(ShapeKind kind, double size, double rotation)
{
    Shape s;
    s.kind = kind;
    if (kind == Circle) {
        s.radius = size / std::sqrt(kPi);
        return s;
    }
    // Regular polygon of `n` sides whose area is size^2: area = n/2 R^2 sin(2 pi / n).
    const int n = kind == Square ? 4 : 3;
    const double circumradius = size * std::sqrt(2.0 / (n * std::sin(2 * kPi / n)));
    s.vertices = n;
    for (int i = 0; i < n; ++i) {
        const double a = rotation + 2 * kPi * i / n;
        s.vx[i] = circumradius * std::cos(a);
        s.vy[i] = circumradius * std::sin(a);
    }
    return s;
}

// The bounding box relative to the centre.
void extent(const Shape& s, double& xmin, double& xmax, double& ymin, double& ymax)
{
    if (s.kind == Circle) {
        xmin = ymin = -s.radius;
        xmax = ymax = s.radius;
        return;
    }
    xmin = *std::min_element(s.vx.begin(), s.vx.begin() + s.vertices) - s.cx;
    xmax = *std::max_element(s.vx.begin(), s.vx.begin() + s.vertices) - s.cx;
    ymin = *std::min_element(s.vy.begin(), s.vy.begin() + s.vertices) - s.cy;
    ymax = *std::max_element(s.vy.begin(), s.vy.begin() + s.vertices) - s.cy;
}

void translate(Shape& s, double dx, double dy)
{
    s.cx += dx;
    s.cy += dy;
    for (int i = 0; i < s.vertices; ++i) {
        s.vx[i] += dx;
        s.vy[i] += dy;
    }
}

// Fills `image` (kSide x kSide, zeroed) with the shape's pixel coverage times `intensity`, sampling each
// pixel on a supersample x supersample grid so that edges are antialiased.
void render(const Shape& s, double intensity, int supersample, float* image)
{
    double xmin, xmax, ymin, ymax;
    extent(s, xmin, xmax, ymin, ymax);
    const int c0 = std::max(0, int(std::floor(s.cx + xmin))),
              c1 = std::min(kSide - 1, int(std::floor(s.cx + xmax)));
    const int r0 = std::max(0, int(std::floor(s.cy + ymin))),
              r1 = std::min(kSide - 1, int(std::floor(s.cy + ymax)));
    const double step = 1.0 / supersample;
    const double weight = intensity / (supersample * supersample);
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            int inside = 0;
            for (int a = 0; a < supersample; ++a) {
                for (int b = 0; b < supersample; ++b)
                    inside += s.contains(c + (b + 0.5) * step, r + (a + 0.5) * step);
            }
            image[r * kSide + c] = float(weight * inside);
        }
    }
}

// The generator's options that shape every image.
struct ShapeSettings {
    double minSize = 0, maxSize = 0, minIntensity = 0, noise = 0;
    int supersample = 1;
};

// Event i: a shape of kind i % 3 with random size, rotation, position and intensity, rendered with noise into
// `image`; its label into label[i] and its parameters into row i of the (5, events) table `p`.
void drawEvent(Rng& rng, const ShapeSettings& settings, std::int64_t i, std::int64_t events, float* image,
    std::int64_t* label, float* p)
{
    const auto kind = ShapeKind(i % 3);
    const double size = rng.uniform(settings.minSize, settings.maxSize);
    // Rotations beyond the symmetry angle would repeat the same images.
    const double rotation = kind == Square ? rng.uniform(0, kPi / 2)
        : kind == Triangle                 ? rng.uniform(0, 2 * kPi / 3)
                                           : 0.0;
    Shape shape = makeShape(kind, size, rotation);
    double xmin, xmax, ymin, ymax;
    extent(shape, xmin, xmax, ymin, ymax);
    // The centre range that keeps the whole shape inside the image.
    const double cx = rng.uniform(kBorder - xmin, kSide - kBorder - xmax);
    const double cy = rng.uniform(kBorder - ymin, kSide - kBorder - ymax);
    translate(shape, cx, cy);
    const double intensity = rng.uniform(settings.minIntensity, 1.0);
    render(shape, intensity, settings.supersample, image);
    if (settings.noise > 0) {
        for (int k = 0; k < kSide * kSide; ++k)
            image[k] = std::clamp(float(image[k] + settings.noise * rng.normal()), 0.0f, 1.0f);
    }
    label[i] = kind;
    p[0 * events + i] = float(size);
    p[1 * events + i] = float(cx);
    p[2 * events + i] = float(cy);
    p[3 * events + i] = float(rotation);
    p[4 * events + i] = float(intensity);
}

class ShapesGenerator : public Generator {
public:
    std::string name() const override { return "shapes"; }
    std::string description() const override
    {
        return "32x32 images of one filled circle, square or triangle with random size, position, rotation";
    }
    std::int64_t defaultEvents() const override { return 10000; }
    std::int64_t maxEvents() const override { return 2'000'000; }
    std::int64_t bytesPerEvent(const GeneratorOptions&) const override
    {
        return kSide * kSide * 4 + 8 + 5 * 4;
    }
    ParamSchema options() const override
    {
        return { floatParam("min_size", 8, 2, 20, "smallest shape, as the square root of its area in pixels"),
            floatParam("max_size", 18, 2, 20, "largest shape, as the square root of its area in pixels"),
            floatParam("min_intensity", 0.6, 0, 1,
                "shapes are filled with a value uniform in "
                "[min_intensity, 1] on a background of 0"),
            floatParam("noise", 0.0, 0, 1, "sigma of Gaussian pixel noise; values are then clipped to [0,1]"),
            intParam("supersample", 4, 1, 16, "antialiasing: sub-samples per pixel side (1: hard edges)") };
    }

    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const override
    {
        ShapeSettings settings;
        settings.minSize = options.real("min_size");
        settings.maxSize = options.real("max_size");
        if (settings.maxSize < settings.minSize)
            throw DataError("generator 'shapes': max_size (" + std::to_string(settings.maxSize)
                + ") must not be below min_size (" + std::to_string(settings.minSize) + ")");
        settings.minIntensity = options.real("min_intensity");
        settings.noise = options.real("noise");
        settings.supersample = int(options.integer("supersample"));

        torch::Tensor images = torch::zeros({ events, 1, kSide, kSide }, torch::kFloat32);
        torch::Tensor labels = torch::empty({ events }, torch::kInt64);
        torch::Tensor params = torch::empty({ 5, events }, torch::kFloat32);
        float* pixels = images.data_ptr<float>();
        std::int64_t* label = labels.data_ptr<std::int64_t>();
        float* p = params.data_ptr<float>();

        ChunkRunner(events, kChunk, control)
            .run([&](std::int64_t chunk, std::int64_t begin, std::int64_t end) {
                Rng rng(seed, kStream, std::uint64_t(chunk));
                for (std::int64_t i = begin; i < end; ++i)
                    drawEvent(rng, settings, i, events, pixels + i * kSide * kSide, label, p);
            });

        Dataset data;
        data.features = images;
        data.targets = labels;
        data.info.task = Task::Classification;
        data.info.classNames = { "circle", "square", "triangle" };
        data.extras["size"] = params[0].clone();
        data.extras["center_x"] = params[1].clone();
        data.extras["center_y"] = params[2].clone();
        data.extras["rotation"] = params[3].clone();
        data.extras["intensity"] = params[4].clone();
        return data;
    }
};

} // namespace

std::unique_ptr<Generator> makeShapesGenerator()
{
    return std::make_unique<ShapesGenerator>();
}

} // namespace neurino::datasets
