#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace neurino {

// t-SNE's repulsive forces in O(N) per iteration, by FIt-SNE's method (Linderman et al., Nature Methods
// 2019): the embedding's square is cut into equal boxes, each point's "charges" are spread onto a few
// equispaced nodes per box by Lagrange interpolation, the kernels 1 / (1 + d^2) and its square act on the
// node grid as convolutions (done with FFTs, since the grid is equispaced), and the potentials are
// interpolated back to the points. One object per t-SNE run keeps its grid buffers between iterations.
class FftRepulsion {
public:
    // For 2-D positions `y` (x0, y0, x1, y1, ...), fills `forces` with each point's unnormalised repulsion,
    // the sum over the other points j of q_ij^2 (y_i - y_j) with q_ij = 1 / (1 + |y_i - y_j|^2), and returns
    // Z, the sum of q_ij over all ordered pairs i != j. With two or more `threads` the transforms run on two;
    // `alongside(part, parts)`, when given, is other work run beside them, split in `parts` (1 or 2).
    double compute(const std::vector<double>& y, std::vector<double>& forces, int threads,
        const std::function<void(int part, int parts)>& alongside = {});

    // Boxes per side of the grid at the last call.
    int boxes() const { return m_boxes; }

private:
    int m_boxes = 0;
    std::int64_t m_nodes = 0; // grid nodes per side the buffers are sized for
    // The FFT's buffers, whose padding stays zero: the charges on the grid, padded to twice its width
    // (3, m, 2m), their row spectra padded to twice its height (3, 2m, m + 1, complex), and the kernels laid
    // out circularly on the padded grid (2, 2m, 2m).
    torch::Tensor m_charges, m_columns, m_kernels;
    std::vector<double> m_spread; // the charges on the (3, m, m) grid, summed in double
};

} // namespace neurino
