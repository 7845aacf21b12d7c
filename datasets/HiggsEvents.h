#pragma once

// The event simulation behind the 'higgs' generator, shared by HiggsGenerator.cpp (the options, the chunks
// of work, the dataset) and HiggsEvents.cpp (the physics and the detector).

#include "datasets/Random.h"

namespace neurino::datasets::higgs {

// Number of features (in the benchmark's order) and of reconstructed masses, the last 7 features.
constexpr int kFeatures = 28;
constexpr int kMasses = 7;
// The W mass (GeV, PDG); the decays of the signal need mass gaps above it.
constexpr double kMassW = 80.4;

struct Params {
    double signalFraction = 0.5;
    double massH0 = 425, massHpm = 325, massH = 125;
    double jetStochastic = 1.0, jetConstant = 0.05, leptonResolution = 0.015;
    double btagEfficiency = 0.7, mistagRate = 0.05;
    double fsr = 0.1;
    double metSoft = 0.5;
    bool isr = true;
    bool scaled = true;
};

// One event, signal or background, that passes the selection: its 28 features (divided by the fixed scales
// when P.scaled) into `f` and its 7 masses in GeV into `masses`. Throws DataError when almost no event
// passes with these options.
void simulateEvent(Rng& rng, const Params& P, bool signal, double* f, double* masses);

} // namespace neurino::datasets::higgs
