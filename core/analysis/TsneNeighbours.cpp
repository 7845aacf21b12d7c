#include "core/analysis/TsneNeighbours.h"

#include "core/analysis/TsneParallel.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <random>
#include <utility>

namespace neurino {

namespace {

using Candidate = std::pair<float, std::int64_t>; // squared distance, row

// Random-projection trees in the forest: each sees the data cut differently, so rows that one tree puts in
// different leaves another puts together.
constexpr int kTrees = 8;
// Rounds of neighbour-of-neighbour refinement after the forest.
constexpr int kRefineRounds = 2;
// How many of a row's neighbours, and of theirs, a refinement round looks at: fanout^2 candidates per row.
constexpr std::int64_t kRefineFanout = 30;

// The k best candidates found so far for every row, nearest first; +inf and -1 mark places not yet filled.
struct NeighbourTable {
    NeighbourTable(std::int64_t rows, std::int64_t perRow)
        : n(rows)
        , k(perRow)
        , dist(static_cast<std::size_t>(rows * perRow), std::numeric_limits<float>::infinity())
        , index(static_cast<std::size_t>(rows * perRow), -1)
    {
    }
    std::int64_t n, k;
    std::vector<float> dist;
    std::vector<std::int64_t> index;
};

// One thread's scratch space: `stamp[j] == token` marks row j as already seen for the row at hand, which
// costs O(1) per test and nothing to clear between rows.
struct Scratch {
    explicit Scratch(std::int64_t n)
        : stamp(static_cast<std::size_t>(n), 0)
    {
    }
    std::vector<std::int64_t> stamp;
    std::int64_t token = 0;
    std::vector<Candidate> found, merged;
    std::vector<float> block;
};

// Four running sums, so that the additions need not wait on each other (the compiler may not reorder a
// floating-point sum by itself).
float squaredDistance(const float* a, const float* b, std::int64_t d)
{
    float s[4] = { 0, 0, 0, 0 };
    std::int64_t c = 0;
    for (; c + 4 <= d; c += 4) {
        for (int l = 0; l < 4; ++l) {
            const float diff = a[c + l] - b[c + l];
            s[l] += diff * diff;
        }
    }
    for (; c < d; ++c) {
        const float diff = a[c] - b[c];
        s[0] += diff * diff;
    }
    return (s[0] + s[1]) + (s[2] + s[3]);
}

// Starts a new row in `s`: marks the row itself and the rows already in its list as seen.
void markKnown(const NeighbourTable& t, std::int64_t row, Scratch& s)
{
    ++s.token;
    s.stamp[static_cast<std::size_t>(row)] = s.token;
    for (std::int64_t m = 0; m < t.k; ++m) {
        const std::int64_t j = t.index[static_cast<std::size_t>(row * t.k + m)];
        if (j >= 0)
            s.stamp[static_cast<std::size_t>(j)] = s.token;
    }
}

// Merges s.found (rows not yet in the list) into `row`'s sorted list of `t`, keeping the k nearest.
void mergeFound(NeighbourTable& t, std::int64_t row, Scratch& s)
{
    auto& found = s.found;
    if (found.empty())
        return;
    const auto keep = std::min<std::size_t>(found.size(), static_cast<std::size_t>(t.k));
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end());
    float* dist = t.dist.data() + row * t.k;
    std::int64_t* index = t.index.data() + row * t.k;
    s.merged.clear();
    std::size_t a = 0, b = 0;
    while (s.merged.size() < static_cast<std::size_t>(t.k)) {
        const bool fromList
            = b >= keep || (a < static_cast<std::size_t>(t.k) && Candidate { dist[a], index[a] } < found[b]);
        s.merged.push_back(fromList ? Candidate { dist[a], index[a] } : found[b]);
        fromList ? ++a : ++b;
    }
    for (std::int64_t m = 0; m < t.k; ++m) {
        dist[m] = s.merged[static_cast<std::size_t>(m)].first;
        index[m] = s.merged[static_cast<std::size_t>(m)].second;
    }
}

// Cuts order[begin, end) at the median of its projection on the line through two of its rows (chosen with
// `rng`), again and again, until every part has at most `leafSize` rows; median cuts keep every leaf at
// least half that size. Returns the leaves as ranges of `order`.
std::vector<std::pair<std::int64_t, std::int64_t>> buildLeaves(const float* x, std::int64_t d,
    std::vector<std::int64_t>& order, std::int64_t leafSize, std::mt19937_64& rng)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> leaves, todo { { 0, std::int64_t(order.size()) } };
    std::vector<float> direction(static_cast<std::size_t>(d));
    std::vector<Candidate> projected;
    while (!todo.empty()) {
        const auto [begin, end] = todo.back();
        todo.pop_back();
        if (end - begin <= leafSize) {
            leaves.push_back({ begin, end });
            continue;
        }
        std::uniform_int_distribution<std::int64_t> pick(begin, end - 1);
        const float* a = x + order[static_cast<std::size_t>(pick(rng))] * d;
        const float* b = x + order[static_cast<std::size_t>(pick(rng))] * d;
        for (std::int64_t c = 0; c < d; ++c)
            direction[static_cast<std::size_t>(c)] = a[c] - b[c];
        projected.clear();
        for (std::int64_t m = begin; m < end; ++m) {
            const std::int64_t row = order[static_cast<std::size_t>(m)];
            float p = 0;
            for (std::int64_t c = 0; c < d; ++c)
                p += direction[static_cast<std::size_t>(c)] * x[row * d + c];
            projected.push_back({ p, row });
        }
        const std::int64_t half = (end - begin) / 2;
        std::nth_element(projected.begin(), projected.begin() + half, projected.end());
        for (std::int64_t m = begin; m < end; ++m)
            order[static_cast<std::size_t>(m)] = projected[static_cast<std::size_t>(m - begin)].second;
        todo.push_back({ begin, begin + half });
        todo.push_back({ begin + half, end });
    }
    return leaves;
}

// Offers every row of a leaf all the other rows of that leaf.
void joinLeaf(const float* x, std::int64_t d, const std::int64_t* rows, std::int64_t size, NeighbourTable& t,
    Scratch& s)
{
    s.block.assign(static_cast<std::size_t>(size * size), 0.0f);
    for (std::int64_t a = 0; a < size; ++a) {
        for (std::int64_t b = a + 1; b < size; ++b) {
            const float dist = squaredDistance(x + rows[a] * d, x + rows[b] * d, d);
            s.block[static_cast<std::size_t>(a * size + b)] = dist;
            s.block[static_cast<std::size_t>(b * size + a)] = dist;
        }
    }
    for (std::int64_t a = 0; a < size; ++a) {
        markKnown(t, rows[a], s);
        s.found.clear();
        for (std::int64_t b = 0; b < size; ++b) {
            if (s.stamp[static_cast<std::size_t>(rows[b])] != s.token)
                s.found.push_back({ s.block[static_cast<std::size_t>(a * size + b)], rows[b] });
        }
        mergeFound(t, rows[a], s);
    }
}

// One tree of the forest: its leaves are disjoint, so threads can join them side by side.
void addTree(const float* x, std::int64_t d, NeighbourTable& t, std::uint64_t seed, int threads)
{
    std::mt19937_64 rng(seed);
    std::vector<std::int64_t> order(static_cast<std::size_t>(t.n));
    for (std::int64_t i = 0; i < t.n; ++i)
        order[static_cast<std::size_t>(i)] = i;
    const auto leaves = buildLeaves(x, d, order, std::max<std::int64_t>(2 * (t.k + 1), 64), rng);
    tsne::parallelFor(std::int64_t(leaves.size()), threads, [&](std::int64_t begin, std::int64_t end) {
        Scratch s(t.n);
        for (std::int64_t l = begin; l < end; ++l) {
            const auto [first, last] = leaves[static_cast<std::size_t>(l)];
            joinLeaf(x, d, order.data() + first, last - first, t, s);
        }
    });
}

// A neighbour's neighbour is likely a neighbour: offers each row the first `fanout` neighbours of its first
// `fanout` neighbours. Reads the table as it was and writes a new one, so the result does not depend on the
// order in which threads visit rows.
void refine(const float* x, std::int64_t d, NeighbourTable& t, int threads)
{
    NeighbourTable next = t;
    const std::int64_t fanout = std::min(kRefineFanout, t.k);
    tsne::parallelFor(t.n, threads, [&](std::int64_t begin, std::int64_t end) {
        Scratch s(t.n);
        for (std::int64_t i = begin; i < end; ++i) {
            markKnown(t, i, s);
            s.found.clear();
            for (std::int64_t a = 0; a < fanout; ++a) {
                const std::int64_t j = t.index[static_cast<std::size_t>(i * t.k + a)];
                for (std::int64_t b = 0; j >= 0 && b < fanout; ++b) {
                    const std::int64_t m = t.index[static_cast<std::size_t>(j * t.k + b)];
                    if (m < 0 || s.stamp[static_cast<std::size_t>(m)] == s.token)
                        continue;
                    s.stamp[static_cast<std::size_t>(m)] = s.token;
                    s.found.push_back({ squaredDistance(x + i * d, x + m * d, d), m });
                }
            }
            mergeFound(next, i, s);
        }
    });
    t = std::move(next);
}

} // namespace

TsneNeighbourLists exactNeighbours(const torch::Tensor& data, std::int64_t k, int threads)
{
    const torch::Tensor x = data.to(torch::kCPU, torch::kFloat).contiguous();
    const std::int64_t n = x.size(0), d = x.size(1);
    const float* rows = x.data_ptr<float>();
    torch::Tensor distances = torch::empty({ n, k }, torch::kFloat);
    torch::Tensor indices = torch::empty({ n, k }, torch::kLong);
    float* dist = distances.data_ptr<float>();
    std::int64_t* index = indices.data_ptr<std::int64_t>();
    tsne::parallelFor(n, tsne::threadCount(threads), [&](std::int64_t begin, std::int64_t end) {
        std::vector<Candidate> all;
        for (std::int64_t i = begin; i < end; ++i) {
            all.clear();
            for (std::int64_t j = 0; j < n; ++j) {
                if (j != i)
                    all.push_back({ squaredDistance(rows + i * d, rows + j * d, d), j });
            }
            std::nth_element(all.begin(), all.begin() + (k - 1), all.end());
            std::sort(all.begin(), all.begin() + k);
            for (std::int64_t m = 0; m < k; ++m) {
                dist[i * k + m] = all[static_cast<std::size_t>(m)].first;
                index[i * k + m] = all[static_cast<std::size_t>(m)].second;
            }
        }
    });
    return { distances, indices };
}

TsneNeighbourLists approximateNeighbours(
    const torch::Tensor& data, std::int64_t k, std::uint64_t seed, int threads)
{
    const torch::Tensor x = data.to(torch::kCPU, torch::kFloat).contiguous();
    const std::int64_t n = x.size(0), d = x.size(1);
    const int t = tsne::threadCount(threads);
    NeighbourTable table(n, k);
    for (int tree = 0; tree < kTrees; ++tree)
        addTree(x.data_ptr<float>(), d, table, seed * 1000003u + static_cast<std::uint64_t>(tree), t);
    for (int round = 0; round < kRefineRounds; ++round)
        refine(x.data_ptr<float>(), d, table, t);
    TsneNeighbourLists lists;
    lists.distances = torch::from_blob(table.dist.data(), { n, k }, torch::kFloat).clone();
    lists.indices = torch::from_blob(table.index.data(), { n, k }, torch::kLong).clone();
    return lists;
}

} // namespace neurino
