#include "core/data/Split.h"

#include "core/util/Error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

namespace neurino {

namespace {

void checkFractions(const SplitFractions& f)
{
    for (const auto& [name, value] : { std::pair<const char*, double> { "validation", f.validation },
             std::pair<const char*, double> { "test", f.test } }) {
        if (!(value >= 0.0 && value < 1.0))
            throw DataError(
                std::string("the ") + name + " fraction must be in [0, 1), got " + std::to_string(value));
    }
}

struct PartSizes {
    std::int64_t train = 0, validation = 0, test = 0;
};

PartSizes partSizes(std::int64_t n, const SplitFractions& f, bool strict)
{
    PartSizes s;
    s.test = static_cast<std::int64_t>(std::llround(f.test * static_cast<double>(n)));
    const std::int64_t rest = n - s.test;
    s.validation = static_cast<std::int64_t>(std::llround(f.validation * static_cast<double>(rest)));
    s.train = rest - s.validation;
    if (strict) {
        if (f.test > 0 && s.test == 0)
            throw DataError("a test fraction of " + std::to_string(f.test) + " of " + std::to_string(n)
                + " samples is an empty test part; use more data or a larger fraction");
        if (f.validation > 0 && s.validation == 0)
            throw DataError("a validation fraction of " + std::to_string(f.validation) + " of "
                + std::to_string(rest)
                + " samples is an empty validation part; use more data or a "
                  "larger fraction");
        if (s.train <= 0)
            throw DataError("the split leaves no training samples out of " + std::to_string(n)
                + "; lower the validation or test fraction");
    }
    return s;
}

torch::Tensor sorted(const torch::Tensor& t)
{
    return std::get<0>(torch::sort(t));
}

torch::Tensor permutation(std::int64_t n, std::uint64_t seed)
{
    // A private generator: the split does not depend on (or disturb) LibTorch's global random state.
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::randperm(n, gen, torch::kInt64);
}

} // namespace

SplitIndices makeSplit(std::int64_t n, const SplitFractions& fractions, std::uint64_t seed)
{
    checkFractions(fractions);
    if (n <= 0)
        throw DataError("cannot split an empty dataset");
    const PartSizes s = partSizes(n, fractions, /*strict=*/true);
    const torch::Tensor perm = permutation(n, seed);
    SplitIndices out;
    out.test = sorted(perm.slice(0, 0, s.test));
    out.validation = sorted(perm.slice(0, s.test, s.test + s.validation));
    out.train = sorted(perm.slice(0, s.test + s.validation));
    return out;
}

SplitIndices makeStratifiedSplit(
    const torch::Tensor& targets, const SplitFractions& fractions, std::uint64_t seed)
{
    checkFractions(fractions);
    const torch::Tensor classes = targets.reshape({ -1 }).to(torch::kCPU, torch::kInt64);
    const std::int64_t n = classes.numel();
    if (n <= 0)
        throw DataError("cannot split an empty dataset");
    partSizes(n, fractions, /*strict=*/true);
    std::vector<torch::Tensor> train, validation, test;
    const torch::Tensor values = std::get<0>(torch::_unique(classes, /*sorted=*/true));
    for (std::int64_t i = 0; i < values.numel(); ++i) {
        const torch::Tensor members = (classes == values[i]).nonzero().reshape({ -1 });
        const PartSizes s = partSizes(members.numel(), fractions, /*strict=*/false);
        // Each class gets its own seeded shuffle, so adding a class does not reshuffle the others.
        const torch::Tensor perm = members.index_select(0, permutation(members.numel(), seed + 7919 * i));
        test.push_back(perm.slice(0, 0, s.test));
        validation.push_back(perm.slice(0, s.test, s.test + s.validation));
        train.push_back(perm.slice(0, s.test + s.validation));
    }
    SplitIndices out { sorted(torch::cat(train)), sorted(torch::cat(validation)), sorted(torch::cat(test)) };
    if (out.trainSize() == 0)
        throw DataError(
            "the stratified split leaves no training samples; lower the validation or test fraction");
    return out;
}

SplitIndices wholeAsTraining(std::int64_t n)
{
    SplitIndices out;
    out.train = torch::arange(n, torch::kInt64);
    out.validation = torch::empty({ 0 }, torch::kInt64);
    out.test = torch::empty({ 0 }, torch::kInt64);
    return out;
}

std::string describeSplit(const SplitIndices& split)
{
    std::ostringstream out;
    out << split.trainSize() << " train / " << split.validationSize() << " validation / " << split.testSize()
        << " test";
    return out.str();
}

} // namespace neurino
