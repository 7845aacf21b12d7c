#pragma once

#include <cstddef>
#include <vector>

namespace neurino {

// A quadtree over 2-D points for the Barnes–Hut approximation of t-SNE's repulsive forces: far-away groups of
// points act through their centre of mass. Stored as a flat array of cells, rebuilt every iteration.
class QuadTree {
public:
    // `points` holds x0, y0, x1, y1, ...
    void build(const std::vector<double>& points);

    // Adds to (fx, fy) the unnormalised repulsion on the point at (px, py), sum over others of
    // q^2 (p - y) with q = 1 / (1 + |p - y|^2), and returns the sum of q. Groups whose width over distance is
    // below `theta` are summarised. Points at exactly (px, py) are skipped. `stack` is scratch space, one per
    // thread, so that threads can share the tree.
    double repulsion(
        double px, double py, double theta, double& fx, double& fy, std::vector<int>& stack) const;

private:
    struct Cell {
        double centreX = 0, centreY = 0, halfWidth = 0;
        double massX = 0, massY = 0; // centre of mass
        int count = 0;
        int firstChild = -1; // four consecutive children, or -1 for a leaf
        double pointX = 0, pointY = 0; // the point of a non-empty leaf
    };

    void insert(int cell, double x, double y, int depth);
    void split(int cell);

    std::vector<Cell> m_cells;
};

} // namespace neurino
