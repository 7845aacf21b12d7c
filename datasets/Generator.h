#pragma once

#include "core/data/Dataset.h"
#include "datasets/ChunkRunner.h"
#include "datasets/GeneratorOptions.h"

#include <cstdint>
#include <string>
#include <vector>

namespace neurino::datasets {

// A named, documented, seeded data generator. The same (options, events, seed) gives the same numbers on
// any number of threads. Generators are stateless: generate() may run concurrently on one instance.
class Generator {
public:
    virtual ~Generator() = default;

    virtual std::string name() const = 0;
    virtual std::string description() const = 0; // one line, for `generate --list` and menus
    virtual ParamSchema options() const = 0;
    virtual std::int64_t defaultEvents() const = 0;
    virtual std::int64_t maxEvents() const { return 100'000'000; }
    // Generators whose sample count follows from their options (one sample per TPC pad) return it here;
    // a different explicit event count is then an error.
    virtual std::int64_t fixedEvents(const GeneratorOptions& options) const { return 0; }
    // Bytes of features, targets and extras per event, to refuse requests that cannot fit in memory.
    virtual std::int64_t bytesPerEvent(const GeneratorOptions& options) const = 0;

    // Makes `events` events (> 0). The catalog fills in info.generator, seed, options and origin.
    virtual Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t seed,
        const GenerateControl& control) const = 0;
};

} // namespace neurino::datasets
