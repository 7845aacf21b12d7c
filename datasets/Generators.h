#pragma once

#include "datasets/Generator.h"

#include <memory>

// Factories of the built-in generators; the catalog owns one of each.
namespace neurino::datasets {

std::unique_ptr<Generator> makeXorGenerator();
std::unique_ptr<Generator> makeCirclesGenerator();
std::unique_ptr<Generator> makeSpiralsGenerator();
std::unique_ptr<Generator> makeGaussiansGenerator();
std::unique_ptr<Generator> makeFunction1dGenerator();
std::unique_ptr<Generator> makeShapesGenerator();
std::unique_ptr<Generator> makeHiggsGenerator();
std::unique_ptr<Generator> makeCalorimeterGenerator();
std::unique_ptr<Generator> makeTpcKryptonGenerator();
std::unique_ptr<Generator> makeFashionMnistGenerator();
std::unique_ptr<Generator> makeDqmRunsGenerator();

} // namespace neurino::datasets
