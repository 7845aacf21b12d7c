#include "core/analysis/FftRepulsion.h"

#include "core/analysis/TsneParallel.h"
#include "core/util/Device.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <exception>
#include <thread>
#include <utility>

namespace neurino {

namespace {

// Interpolation nodes per box and axis: FIt-SNE's default, three, keeps the force error near 1e-3.
constexpr int kNodes = 3;
// Boxes per side at least, so that a small embedding still gets a fine grid (FIt-SNE takes 50; below 25
// units of spread the boxes are then narrower than half a unit, where the error is already a tenth of that
// at one unit, and the smaller grid halves the early iterations' cost).
constexpr int kMinBoxes = 25;
// Boxes no wider than one unit: the kernel 1 / (1 + d^2) bends on that scale, and a wider box would blur it.
constexpr double kMaxBoxWidth = 1.0;

// The smallest n' >= n whose only prime factors are 2, 3 and 5: the sizes FFTs are fastest for.
int fftFriendly(int n)
{
    for (int m = n;; ++m) {
        int r = m;
        for (int f : { 2, 3, 5 }) {
            while (r % f == 0)
                r /= f;
        }
        if (r == 1)
            return m;
    }
}

// The square the points lie in, cut into boxes; nodes are equispaced at (box + (k + 0.5) / kNodes) * width.
struct Grid {
    double lo = 0, centre = 0, width = 1;
    int boxes = kMinBoxes;
    std::int64_t nodes() const { return std::int64_t(boxes) * kNodes; }
    double spacing() const { return width / kNodes; }
};

Grid gridFor(const std::vector<double>& y)
{
    const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
    const double range = std::max(*hi - *lo, 1e-9);
    Grid g;
    g.boxes = fftFriendly(std::max(kMinBoxes, static_cast<int>(std::ceil(range / kMaxBoxWidth))));
    // A hair wider than the points, so that the largest coordinate falls inside the last box.
    g.width = range * (1 + 1e-9) / g.boxes;
    g.lo = *lo;
    g.centre = *lo + range / 2;
    return g;
}

// Each point's first node and its kNodes Lagrange weights, along one axis.
struct AxisWeights {
    std::vector<std::int64_t> first;
    std::vector<double> weight;
};

AxisWeights axisWeights(const std::vector<double>& y, int axis, const Grid& g)
{
    const std::size_t n = y.size() / 2;
    AxisWeights a;
    a.first.resize(n);
    a.weight.resize(n * kNodes);
    std::array<double, kNodes> node {};
    for (int k = 0; k < kNodes; ++k)
        node[static_cast<std::size_t>(k)] = (k + 0.5) / kNodes;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = (y[2 * i + static_cast<std::size_t>(axis)] - g.lo) / g.width;
        const int box = std::min(static_cast<int>(t), g.boxes - 1);
        const double u = t - box;
        a.first[i] = std::int64_t(box) * kNodes;
        for (std::size_t k = 0; k < kNodes; ++k) {
            double w = 1;
            for (std::size_t m = 0; m < kNodes; ++m) {
                if (m != k)
                    w *= (u - node[m]) / (node[k] - node[m]);
            }
            a.weight[i * kNodes + k] = w;
        }
    }
    return a;
}

// The charges 1, x and y of every point (coordinates taken from the grid's centre, which keeps the
// cancellation in y_i * phi - phi_y small), summed on the node grid in double, then copied into the left
// half of the float grid `padded` (3, m, 2m), whose right half stays zero.
void spreadCharges(const std::vector<double>& y, const AxisWeights& ax, const AxisWeights& ay, const Grid& g,
    std::vector<double>& spread, torch::Tensor& padded)
{
    const std::int64_t m = g.nodes();
    spread.assign(static_cast<std::size_t>(3 * m * m), 0.0);
    const std::size_t n = y.size() / 2;
    for (std::size_t i = 0; i < n; ++i) {
        const double charge[3] = { 1.0, y[2 * i] - g.centre, y[2 * i + 1] - g.centre };
        for (std::size_t kx = 0; kx < kNodes; ++kx) {
            for (std::size_t ky = 0; ky < kNodes; ++ky) {
                const double wxy = ax.weight[i * kNodes + kx] * ay.weight[i * kNodes + ky];
                const std::int64_t at = (ax.first[i] + std::int64_t(kx)) * m + ay.first[i] + std::int64_t(ky);
                for (std::int64_t c = 0; c < 3; ++c)
                    spread[static_cast<std::size_t>(c * m * m + at)] += wxy * charge[c];
            }
        }
    }
    float* out = padded.data_ptr<float>();
    for (std::int64_t row = 0; row < 3 * m; ++row) {
        const double* from = spread.data() + row * m;
        std::copy(from, from + m, out + row * 2 * m);
    }
}

// The kernels 1 / (1 + d^2)^2 and 1 / (1 + d^2) at every node offset, laid out circularly on the (2m x 2m)
// grid, so that a circular convolution of the zero-padded charges equals the plain one: (2, 2m, 2m).
void fillKernels(const Grid& g, torch::Tensor& kernels)
{
    const std::int64_t m = g.nodes(), side = 2 * m;
    float* k = kernels.data_ptr<float>();
    std::vector<double> offset2(static_cast<std::size_t>(side));
    for (std::int64_t a = 0; a < side; ++a) {
        const double d = static_cast<double>(a < m ? a : a - side) * g.spacing();
        offset2[static_cast<std::size_t>(a)] = d * d;
    }
    for (std::int64_t a = 0; a < side; ++a) {
        for (std::int64_t b = 0; b < side; ++b) {
            const double q
                = 1.0 / (1.0 + offset2[static_cast<std::size_t>(a)] + offset2[static_cast<std::size_t>(b)]);
            k[a * side + b] = static_cast<float>(q * q);
            k[side * side + a * side + b] = static_cast<float>(q);
        }
    }
}

// Runs `a` here and `b` on a second thread when `threads` allows (LibTorch's FFT runs on one core), and
// rethrows what either threw.
template <typename A, typename B> void sideBySide(int threads, const A& a, const B& b)
{
    if (threads < 2) {
        a();
        b();
        return;
    }
    std::exception_ptr failure;
    std::thread other([&] {
        try {
            b();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    try {
        a();
    } catch (...) {
        other.join();
        throw;
    }
    other.join();
    if (failure)
        std::rethrow_exception(failure);
}

// The 2-D spectra of the charges (3, 2m, m + 1): rows first, of which only the top m hold charges, then
// columns over the zero-padded height, so that the padding rows cost no row transforms.
torch::Tensor chargeSpectra(const torch::Tensor& charges, torch::Tensor& columns, std::int64_t m)
{
    const torch::Tensor rows = torch::fft::rfft(charges).contiguous();
    const auto* from = rows.data_ptr<c10::complex<float>>();
    auto* to = columns.data_ptr<c10::complex<float>>();
    const std::int64_t block = m * (m + 1);
    for (std::int64_t c = 0; c < 3; ++c)
        std::copy(from + c * block, from + (c + 1) * block, to + c * 2 * block);
    return torch::fft::fft(columns, c10::nullopt, /*dim=*/1);
}

// The potentials of kernel k on charge c for the (k, c) pairs in `sources`: (pairs, m, 2m), of which the
// first m columns are the grid's. The products of the spectra are taken by hand (LibTorch would share so
// small an element-wise product out over threads for no gain), and the inverse transform runs along columns
// first, so that the row pass skips the padding rows.
torch::Tensor potentials(const torch::Tensor& kernelSpectra, const torch::Tensor& chargeSpectra,
    const std::vector<std::pair<int, int>>& sources, std::int64_t m)
{
    const std::int64_t plane = 2 * m * (m + 1);
    torch::Tensor products
        = torch::empty({ std::int64_t(sources.size()), 2 * m, m + 1 }, kernelSpectra.options());
    const auto* k = kernelSpectra.data_ptr<c10::complex<float>>();
    const auto* c = chargeSpectra.data_ptr<c10::complex<float>>();
    auto* out = products.data_ptr<c10::complex<float>>();
    for (std::size_t p = 0; p < sources.size(); ++p) {
        const auto* kp = k + sources[p].first * plane;
        const auto* cp = c + sources[p].second * plane;
        auto* op = out + std::int64_t(p) * plane;
        for (std::int64_t e = 0; e < plane; ++e)
            op[e] = kp[e] * cp[e];
    }
    // The top m rows copied by hand: handed a strided view, LibTorch would copy it on its thread pool.
    const torch::Tensor columns = torch::fft::ifft(products, c10::nullopt, /*dim=*/1);
    torch::Tensor top = torch::empty({ std::int64_t(sources.size()), m, m + 1 }, columns.options());
    const auto* from = columns.data_ptr<c10::complex<float>>();
    auto* to = top.data_ptr<c10::complex<float>>();
    for (std::size_t p = 0; p < sources.size(); ++p)
        std::copy(from + std::int64_t(p) * plane, from + std::int64_t(p) * plane + plane / 2,
            to + std::int64_t(p) * plane / 2);
    return torch::fft::irfft(top, 2 * m, /*dim=*/2);
}

// Interpolates the four node potentials back to the points: the repulsion on each into `forces`, and the
// sum over points of the plain kernel's potential, which is returned. On one thread: it is a small part of
// the work, and one hand-over between threads fewer per iteration.
double interpolateBack(const std::vector<double>& y, const AxisWeights& ax, const AxisWeights& ay,
    const Grid& g, const float* const (&phi)[4], std::vector<double>& forces)
{
    const std::size_t n = y.size() / 2;
    const std::int64_t stride = 2 * g.nodes();
    double z = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double p[4] = { 0, 0, 0, 0 };
        for (std::size_t kx = 0; kx < kNodes; ++kx) {
            for (std::size_t ky = 0; ky < kNodes; ++ky) {
                const double wxy = ax.weight[i * kNodes + kx] * ay.weight[i * kNodes + ky];
                const std::int64_t at
                    = (ax.first[i] + std::int64_t(kx)) * stride + ay.first[i] + std::int64_t(ky);
                for (std::int64_t c = 0; c < 4; ++c)
                    p[c] += wxy * phi[c][at];
            }
        }
        forces[2 * i] = (y[2 * i] - g.centre) * p[0] - p[1];
        forces[2 * i + 1] = (y[2 * i + 1] - g.centre) * p[0] - p[2];
        z += p[3];
    }
    return z;
}

} // namespace

double FftRepulsion::compute(const std::vector<double>& y, std::vector<double>& forces, int threads,
    const std::function<void(int, int)>& alongside)
{
    const std::size_t n = y.size() / 2;
    forces.assign(2 * n, 0.0);
    if (n < 2)
        return 0;
    keepFreedBlocksInHeap(); // the spectra, a few MB each, are allocated afresh every iteration
    const Grid g = gridFor(y);
    m_boxes = g.boxes;
    const std::int64_t m = g.nodes();
    if (m != m_nodes) {
        m_charges = torch::zeros({ 3, m, 2 * m }, torch::kFloat);
        m_columns = torch::zeros({ 3, 2 * m, m + 1 }, torch::kComplexFloat);
        m_kernels = torch::empty({ 2, 2 * m, 2 * m }, torch::kFloat);
        m_nodes = m;
    }
    const int t = tsne::threadCount(threads);
    const AxisWeights ax = axisWeights(y, 0, g), ay = axisWeights(y, 1, g);
    torch::Tensor chargeHat, kernelHat, low, high;
    const int parts = t > 1 ? 2 : 1;
    sideBySide(
        t,
        [&] {
            spreadCharges(y, ax, ay, g, m_spread, m_charges);
            chargeHat = chargeSpectra(m_charges, m_columns, m);
            if (alongside)
                alongside(0, parts);
        },
        [&] {
            fillKernels(g, m_kernels);
            kernelHat = torch::fft::rfft2(m_kernels);
            if (alongside && parts == 2)
                alongside(1, parts);
        });
    // (kernel, charge): the squared kernel on 1, x and y, the plain kernel on 1.
    sideBySide(
        t,
        [&] {
            low = potentials(kernelHat, chargeHat, { { 0, 0 }, { 0, 1 } }, m);
        },
        [&] {
            high = potentials(kernelHat, chargeHat, { { 0, 2 }, { 1, 0 } }, m);
        });
    const std::int64_t plane = m * 2 * m;
    const float* phi[4] = { low.data_ptr<float>(), low.data_ptr<float>() + plane, high.data_ptr<float>(),
        high.data_ptr<float>() + plane };
    const double z = interpolateBack(y, ax, ay, g, phi, forces);
    // Each point's own term, q_ii = 1, is in the potentials: take it out.
    return z - static_cast<double>(n);
}

} // namespace neurino
