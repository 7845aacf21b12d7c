#include "core/dist/DistGroup.h"

#include "core/util/Error.h"

// Debian's LibTorch, as PyTorch's wheels, is built with Gloo; its headers guard the class with this macro.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <c10/util/Exception.h>

#include <cstdlib>

namespace neurino {

struct DistGroup::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {

// Gloo's network device: the interface GLOO_SOCKET_IFNAME names, as PyTorch does; for a run on one machine,
// loopback; else the address this host's name resolves to.
std::shared_ptr<gloo::transport::Device> glooDevice(const DistEnv& env)
{
    if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name && *name)
        return c10d::ProcessGroupGloo::createDeviceForInterface(name);
    if (env.masterAddr == "127.0.0.1" || env.masterAddr == "localhost")
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

std::string seconds(std::chrono::seconds s)
{
    return std::to_string(s.count()) + " s";
}

// Host copies of CUDA tensors, for Gloo; CPU tensors as they are.
std::vector<at::Tensor> onHost(const std::vector<at::Tensor>& tensors)
{
    std::vector<at::Tensor> host;
    host.reserve(tensors.size());
    for (const auto& t : tensors)
        host.push_back(t.is_cuda() ? t.cpu() : t);
    return host;
}

void copyBack(std::vector<at::Tensor>& tensors, const std::vector<at::Tensor>& host)
{
    for (std::size_t i = 0; i < tensors.size(); ++i)
        if (tensors[i].is_cuda())
            tensors[i].copy_(host[i]);
}

} // namespace

DistGroup::DistGroup(DistEnv env)
    : m_env(std::move(env))
    , m_impl(std::make_unique<Impl>())
{
}

DistGroup::~DistGroup() = default;

std::shared_ptr<DistGroup> DistGroup::join(const DistEnv& env)
{
    std::shared_ptr<DistGroup> group(new DistGroup(env));
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(env.timeout);
    try {
        c10d::TCPStoreOptions options;
        options.port = env.masterPort;
        options.isServer = env.rank == 0;
        options.numWorkers = static_cast<std::size_t>(env.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        group->m_impl->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, options);
        auto glooOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        glooOptions->devices.push_back(glooDevice(env));
        group->m_impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(
            group->m_impl->store, env.rank, env.worldSize, glooOptions);
    } catch (const std::exception& e) {
        const std::string what = dynamic_cast<const c10::Error*>(&e)
            ? static_cast<const c10::Error&>(e).what_without_backtrace()
            : e.what();
        throw TrainError(env.describe() + " could not meet the other ranks at " + env.masterAddr + ":"
            + std::to_string(env.masterPort) + " within " + seconds(env.timeout) + ": " + what);
    }
    return group;
}

void DistGroup::allReduceSum(std::vector<at::Tensor>& tensors, const std::string& what)
{
    std::vector<at::Tensor> host = onHost(tensors);
    try {
        // One tensor per call: Gloo's collectives take a list only of equal tensors, one per device.
        for (auto& t : host) {
            std::vector<at::Tensor> one { t };
            m_impl->group->allreduce(one)->wait();
        }
    } catch (const c10::Error& e) {
        throw TrainError(m_env.describe() + ": summing " + what + " over the ranks failed (timeout "
            + seconds(m_env.timeout) + "; another rank probably died): " + e.what_without_backtrace());
    }
    copyBack(tensors, host);
}

void DistGroup::broadcast(std::vector<at::Tensor>& tensors, int root, const std::string& what)
{
    std::vector<at::Tensor> host = onHost(tensors);
    c10d::BroadcastOptions options;
    options.rootRank = root;
    try {
        for (auto& t : host) {
            std::vector<at::Tensor> one { t };
            m_impl->group->broadcast(one, options)->wait();
        }
    } catch (const c10::Error& e) {
        throw TrainError(m_env.describe() + ": receiving " + what + " from rank " + std::to_string(root)
            + " failed (timeout " + seconds(m_env.timeout)
            + "; another rank probably died): " + e.what_without_backtrace());
    }
    copyBack(tensors, host);
}

void DistGroup::barrier(const std::string& what)
{
    try {
        m_impl->group->barrier()->wait();
    } catch (const c10::Error& e) {
        throw TrainError(m_env.describe() + ": waiting for the other ranks " + what + " failed (timeout "
            + seconds(m_env.timeout) + "): " + e.what_without_backtrace());
    }
}

} // namespace neurino
