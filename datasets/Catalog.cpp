#include "datasets/Catalog.h"

#include "datasets/Generators.h"

#include "core/util/Error.h"

#include <algorithm>
#include <sstream>

#include <unistd.h>

namespace neurino::datasets {

namespace {

// Share of the physical memory one generated dataset may take before we refuse to start.
constexpr double kMaxMemoryShare = 0.8;

std::int64_t physicalMemoryBytes()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? std::int64_t(pages) * pageSize : 0;
}

std::string gigabytes(double bytes)
{
    std::ostringstream out;
    out.precision(3);
    out << bytes / double(1 << 30) << " GiB";
    return out.str();
}

} // namespace

const Catalog& Catalog::instance()
{
    static const Catalog catalog;
    return catalog;
}

Catalog::Catalog()
{
    m_generators.push_back(makeXorGenerator());
    m_generators.push_back(makeCirclesGenerator());
    m_generators.push_back(makeSpiralsGenerator());
    m_generators.push_back(makeGaussiansGenerator());
    m_generators.push_back(makeFunction1dGenerator());
    m_generators.push_back(makeShapesGenerator());
    m_generators.push_back(makeHiggsGenerator());
    m_generators.push_back(makeCalorimeterGenerator());
    m_generators.push_back(makeTpcKryptonGenerator());
    m_generators.push_back(makeFashionMnistGenerator());
    m_generators.push_back(makeDqmRunsGenerator());
}

std::vector<std::string> Catalog::names() const
{
    std::vector<std::string> names;
    for (const auto& g : m_generators)
        names.push_back(g->name());
    return names;
}

const Generator* Catalog::find(const std::string& name) const
{
    for (const auto& g : m_generators) {
        if (g->name() == name)
            return g.get();
    }
    return nullptr;
}

const Generator& Catalog::get(const std::string& name) const
{
    if (const Generator* g = find(name))
        return *g;
    std::string known;
    for (const auto& n : names())
        known += (known.empty() ? "" : ", ") + n;
    throw DataError("there is no dataset generator '" + name + "'; choose one of " + known);
}

std::int64_t Catalog::resolveEvents(
    const Generator& generator, const GeneratorOptions& options, std::int64_t events) const
{
    const std::string name = generator.name();
    if (events < 0)
        throw DataError("generator '" + name + "': the number of events cannot be negative ("
            + std::to_string(events) + ")");
    const std::int64_t fixed = generator.fixedEvents(options);
    if (fixed > 0) {
        if (events != 0 && events != fixed)
            throw DataError("generator '" + name + "' makes exactly " + std::to_string(fixed)
                + " samples with these options, not " + std::to_string(events)
                + "; change its options instead of the event count");
        events = fixed;
    }
    if (events == 0)
        events = generator.defaultEvents();
    if (events > generator.maxEvents())
        throw DataError("generator '" + name + "' makes at most " + std::to_string(generator.maxEvents())
            + " events, not " + std::to_string(events) + "; generate several files with different seeds");
    const double bytes = double(events) * double(generator.bytesPerEvent(options));
    const std::int64_t memory = physicalMemoryBytes();
    if (memory > 0 && bytes > kMaxMemoryShare * double(memory))
        throw DataError("generator '" + name + "': " + std::to_string(events) + " events need "
            + gigabytes(bytes) + " of memory but this machine has " + gigabytes(double(memory))
            + "; ask for fewer events");
    return events;
}

Dataset Catalog::generate(const std::string& name, const nlohmann::json& options, std::int64_t events,
    std::uint64_t seed, const GenerateControl& control) const
{
    const Generator& generator = get(name);
    return generate(name, GeneratorOptions(name, generator.options(), options), events, seed, control);
}

GeneratorFn Catalog::generatorFn() const
{
    return [this](const DataSource& source) {
        return generate(source.generator, source.options, source.events, source.seed);
    };
}

Dataset Catalog::generate(const std::string& name, const GeneratorOptions& options, std::int64_t events,
    std::uint64_t seed, const GenerateControl& control) const
{
    const Generator& generator = get(name);
    const std::int64_t count = resolveEvents(generator, options, events);
    Dataset data = generator.generate(options, count, seed, control);
    data.info.generator = name;
    data.info.seed = seed;
    data.info.optionsJson = options.values().dump();
    data.info.origin = name + " (seed " + std::to_string(seed) + ")";
    return data;
}

std::string Catalog::describe() const
{
    std::ostringstream out;
    for (const auto& g : m_generators) {
        const std::int64_t events = g->defaultEvents();
        out << g->name() << "  (default " << (events > 0 ? std::to_string(events) + " events" : "all samples")
            << ")\n    " << g->description() << "\n";
        for (const auto& spec : g->options()) {
            out << "    --" << spec.name << " <" << paramTypeShortName(spec.type)
                << "> = " << spec.describeDefault() << "\n        " << spec.help << "\n";
        }
    }
    return out.str();
}

} // namespace neurino::datasets
