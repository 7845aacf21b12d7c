#include "core/util/RandomStream.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

namespace neurino {

namespace {

std::recursive_mutex& scopeMutex()
{
    static std::recursive_mutex mutex;
    return mutex;
}

// The default generators: the CPU's first, then each CUDA device's.
std::vector<at::Generator> defaultGenerators()
{
    std::vector<at::Generator> generators { at::detail::getDefaultCPUGenerator() };
    if (at::hasCUDA()) {
        const auto devices = static_cast<c10::DeviceIndex>(at::getNumGPUs());
        for (c10::DeviceIndex i = 0; i < devices; ++i)
            generators.push_back(at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, i)));
    }
    return generators;
}

at::Tensor stateOf(at::Generator& generator)
{
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}

void restore(at::Generator& generator, const at::Tensor& state)
{
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

} // namespace

RandomStream::RandomStream(std::uint64_t seed)
{
    reseed(seed);
}

void RandomStream::reseed(std::uint64_t seed)
{
    m_seed = seed;
    at::Generator fresh = at::detail::createCPUGenerator(seed);
    m_cpu = fresh.get_state();
    m_cuda.clear();
}

at::Tensor RandomStream::state() const
{
    return m_cpu.clone();
}

void RandomStream::setState(const at::Tensor& state)
{
    at::Generator check = at::detail::createCPUGenerator();
    check.set_state(state); // throws for a state that is not a CPU generator's
    m_cpu = state.clone();
}

RandomStream::Scope::Scope(RandomStream& stream)
    : m_stream(stream)
    , m_lock(scopeMutex())
{
    m_outermost = m_stream.m_depth++ == 0;
    if (!m_outermost)
        return;
    std::vector<at::Generator> generators = defaultGenerators();
    for (auto& generator : generators)
        m_outside.push_back(stateOf(generator));
    restore(generators[0], m_stream.m_cpu);
    for (std::size_t i = 1; i < generators.size(); ++i) {
        if (m_stream.m_cuda.size() < i) {
            std::lock_guard<std::mutex> lock(generators[i].mutex());
            generators[i].set_current_seed(m_stream.m_seed);
            m_stream.m_cuda.push_back(generators[i].get_state());
        }
        restore(generators[i], m_stream.m_cuda[i - 1]);
    }
}

RandomStream::Scope::~Scope()
{
    --m_stream.m_depth;
    if (!m_outermost)
        return;
    std::vector<at::Generator> generators = defaultGenerators();
    m_stream.m_cpu = stateOf(generators[0]);
    for (std::size_t i = 1; i < generators.size() && i <= m_stream.m_cuda.size(); ++i)
        m_stream.m_cuda[i - 1] = stateOf(generators[i]);
    for (std::size_t i = 0; i < generators.size() && i < m_outside.size(); ++i)
        restore(generators[i], m_outside[i]);
}

} // namespace neurino
