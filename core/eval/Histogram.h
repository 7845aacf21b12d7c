#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace neurino {

// A one-dimensional histogram with equal bins over [low, high), optional weights, and separate
// under- and overflow. Errors per bin are sqrt(sum of squared weights), as ROOT keeps them.
class Histogram {
public:
    // Throws DataError when bins < 1 or the range is empty or not finite.
    Histogram(int bins, double low, double high);

    // A histogram over the finite range of `values` (widened a little so the maximum falls inside).
    static Histogram ofValues(const torch::Tensor& values, int bins, const torch::Tensor& weights = {});

    void fill(double value, double weight = 1.0);
    // Fills every element of `values` (any shape); NaN values are counted in nanCount() and not binned.
    void fill(const torch::Tensor& values, const torch::Tensor& weights = {});
    // Adds another histogram with the same binning; throws DataError otherwise.
    void add(const Histogram& other);

    int bins() const { return static_cast<int>(m_contents.size()); }
    double low() const { return m_low; }
    double high() const { return m_high; }
    double binWidth() const { return (m_high - m_low) / bins(); }
    double binLow(int bin) const { return m_low + bin * binWidth(); }
    double binCenter(int bin) const { return m_low + (bin + 0.5) * binWidth(); }
    // The bin a value falls in: -1 below, bins() above the range.
    int findBin(double value) const;

    double content(int bin) const { return m_contents.at(static_cast<std::size_t>(bin)); }
    double error(int bin) const;
    const std::vector<double>& contents() const { return m_contents; }
    const std::vector<double>& sumOfSquaredWeights() const { return m_sumw2; }
    double underflow() const { return m_underflow; }
    double overflow() const { return m_overflow; }
    std::int64_t entries() const { return m_entries; } // fills, under- and overflow included
    std::int64_t nanCount() const { return m_nans; }
    // Sum of the in-range contents.
    double integral() const;

    // Mean and standard deviation of the filled values (all in-range and out-of-range values, unbinned).
    double mean() const;
    double stdDev() const;

    // A copy scaled so that the in-range contents sum to 1 (`density` false) or integrate to 1 (true).
    Histogram normalized(bool density = false) const;
    void scale(double factor);

private:
    double m_low;
    double m_high;
    std::vector<double> m_contents;
    std::vector<double> m_sumw2;
    double m_underflow = 0;
    double m_overflow = 0;
    std::int64_t m_entries = 0;
    std::int64_t m_nans = 0;
    double m_sumW = 0;
    double m_sumWX = 0;
    double m_sumWX2 = 0;
};

} // namespace neurino
