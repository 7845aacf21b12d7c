#pragma once

#include "core/run/DataSource.h"
#include "datasets/Generator.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace neurino::datasets {

// The named generators every exercise draws its data from: xor, circles, spirals, gaussians, function1d,
// shapes, higgs, calorimeter, tpc_krypton, fashion_mnist.
class Catalog {
public:
    static const Catalog& instance();

    std::vector<std::string> names() const;
    // nullptr when there is no generator of that name.
    const Generator* find(const std::string& name) const;
    // Throws DataError listing the known names when there is none of that name.
    const Generator& get(const std::string& name) const;

    // Resolves the options against the generator's documented ones, checks the event count (0: the
    // generator's default) and the memory it needs, then generates. The dataset's info records generator,
    // seed and the full options (defaults included) so the file says how to make it again.
    Dataset generate(const std::string& name, const nlohmann::json& options, std::int64_t events,
        std::uint64_t seed, const GenerateControl& control = {}) const;
    Dataset generate(const std::string& name, const GeneratorOptions& options, std::int64_t events,
        std::uint64_t seed, const GenerateControl& control = {}) const;

    // generate() for a generator DataSource, for openDataSource(): the seam through which core's run layer
    // reaches the catalog that is built on top of it.
    GeneratorFn generatorFn() const;

    // The event count generate() will use for a request of `events` (0: default); throws DataError when
    // it is out of range or cannot fit in memory.
    std::int64_t resolveEvents(
        const Generator& generator, const GeneratorOptions& options, std::int64_t events) const;

    // The `generate --list` text: names, descriptions, options with types, defaults and help.
    std::string describe() const;

private:
    Catalog();
    std::vector<std::unique_ptr<Generator>> m_generators;
};

} // namespace neurino::datasets
