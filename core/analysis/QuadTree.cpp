#include "core/analysis/QuadTree.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurino {

namespace {

// Deeper than this, points are so close that they are treated as one (avoids endless splitting of
// duplicates).
constexpr int kMaxDepth = 48;

} // namespace

void QuadTree::build(const std::vector<double>& points)
{
    m_cells.clear();
    const std::size_t n = points.size() / 2;
    double minX = std::numeric_limits<double>::max(), minY = minX;
    double maxX = std::numeric_limits<double>::lowest(), maxY = maxX;
    for (std::size_t i = 0; i < n; ++i) {
        minX = std::min(minX, points[2 * i]);
        maxX = std::max(maxX, points[2 * i]);
        minY = std::min(minY, points[2 * i + 1]);
        maxY = std::max(maxY, points[2 * i + 1]);
    }
    Cell root;
    root.centreX = 0.5 * (minX + maxX);
    root.centreY = 0.5 * (minY + maxY);
    root.halfWidth = 0.5 * std::max(maxX - minX, maxY - minY) * (1 + 1e-9) + 1e-12;
    m_cells.reserve(4 * n + 1);
    m_cells.push_back(root);
    for (std::size_t i = 0; i < n; ++i)
        insert(0, points[2 * i], points[2 * i + 1], 0);
}

void QuadTree::split(int cell)
{
    const Cell parent = m_cells[cell];
    const int first = static_cast<int>(m_cells.size());
    const double h = parent.halfWidth / 2;
    for (int q = 0; q < 4; ++q) {
        Cell child;
        child.centreX = parent.centreX + ((q & 1) ? h : -h);
        child.centreY = parent.centreY + ((q & 2) ? h : -h);
        child.halfWidth = h;
        m_cells.push_back(child);
    }
    m_cells[cell].firstChild = first;
}

void QuadTree::insert(int cell, double x, double y, int depth)
{
    for (;;) {
        Cell& c = m_cells[cell];
        const double total = c.count + 1.0;
        c.massX = (c.massX * c.count + x) / total;
        c.massY = (c.massY * c.count + y) / total;
        ++c.count;
        if (c.firstChild < 0) {
            if (c.count == 1) {
                c.pointX = x;
                c.pointY = y;
                return;
            }
            if (depth >= kMaxDepth || (c.pointX == x && c.pointY == y))
                return; // duplicates stay together in one leaf
            const double oldX = c.pointX, oldY = c.pointY;
            const int oldCount = c.count - 1;
            split(cell);
            Cell& parent = m_cells[cell];
            const int q = (oldX > parent.centreX ? 1 : 0) + (oldY > parent.centreY ? 2 : 0);
            Cell& moved = m_cells[parent.firstChild + q];
            moved.count = oldCount;
            moved.massX = moved.pointX = oldX;
            moved.massY = moved.pointY = oldY;
        }
        const Cell& parent = m_cells[cell];
        cell = parent.firstChild + (x > parent.centreX ? 1 : 0) + (y > parent.centreY ? 2 : 0);
        ++depth;
    }
}

double QuadTree::repulsion(
    double px, double py, double theta, double& fx, double& fy, std::vector<int>& stack) const
{
    double sumQ = 0;
    stack.clear();
    stack.push_back(0);
    const double theta2 = theta * theta;
    while (!stack.empty()) {
        const Cell& c = m_cells[stack.back()];
        stack.pop_back();
        if (c.count == 0)
            continue;
        const double dx = px - c.massX, dy = py - c.massY;
        const double d2 = dx * dx + dy * dy;
        const double width = 2 * c.halfWidth;
        if (c.firstChild < 0 || width * width < theta2 * d2) {
            if (d2 == 0)
                continue;
            const double q = 1.0 / (1.0 + d2);
            const double mq = c.count * q;
            sumQ += mq;
            fx += mq * q * dx;
            fy += mq * q * dy;
        } else {
            for (int k = 0; k < 4; ++k)
                stack.push_back(c.firstChild + k);
        }
    }
    return sumQ;
}

} // namespace neurino
