#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace neurino::exercises {

// One classifier's panel of the pivot figure: its output distributions at each nuisance value, for each
// class, with the Kolmogorov-Smirnov probabilities that they agree with the nominal ones.
struct PivotPanel {
    std::string label; // "without adversary", "with adversary (λ = 10)"
    // [class][nuisance value][bin]: each distribution normalised to unit area over [0, 1].
    std::vector<std::vector<std::vector<double>>> densities;
    // [class]: KS probabilities of the outputs at the lowest and at the highest nuisance value against
    // those at the nominal one.
    std::vector<double> ksLow, ksHigh;
    double auc = 0; // at the nominal scale
    double adversaryLoss = 0; // the adversary's loss on validation events (the prior's entropy when blind)

    double smallestKs() const
    {
        double p = 1;
        for (std::size_t c = 0; c < ksLow.size(); ++c)
            p = std::min({ p, ksLow[c], ksHigh[c] });
        return p;
    }
    double largestKs() const
    {
        double p = 0;
        for (std::size_t c = 0; c < ksLow.size(); ++c)
            p = std::max({ p, ksLow[c], ksHigh[c] });
        return p;
    }
};

// The figure of "Learning to pivot" (Louppe, Kagan and Cranmer 2017, figure 2) in plain values for a
// viewer: the classifier's output distributions at the nuisance values -sigma, 0, +sigma, one panel per
// classifier the lesson trained so far (without the adversary, then with it).
struct PivotFigure {
    std::string nuisanceName; // "jet energy scale"
    std::vector<double> nuisanceValues; // the relative shifts the distributions were drawn at: -0.1, 0, 0.1
    std::vector<std::string> classNames; // "background", "signal"
    int bins = 0; // over the classifier's output, [0, 1]
    std::vector<PivotPanel> panels;

    bool empty() const { return panels.empty(); }
};

} // namespace neurino::exercises
