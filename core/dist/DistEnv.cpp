#include "core/dist/DistEnv.h"

#include "core/util/Error.h"

#include <cstdlib>

namespace neurino {

namespace {

std::optional<std::string> variable(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value)
        return std::nullopt;
    return std::string(value);
}

long long number(const char* name, const std::string& text, long long low, long long high)
{
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < low || value > high)
        throw TrainError(std::string("the environment variable ") + name + "='" + text
            + "' is not a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    return value;
}

long long numberOf(const char* name, long long low, long long high, long long fallback)
{
    const auto text = variable(name);
    return text ? number(name, *text, low, high) : fallback;
}

// SLURM_TASKS_PER_NODE reads "4(x2),3": the first node's count is the part before '(' or ','.
int firstTaskCount(const std::string& tasksPerNode)
{
    const auto cut = tasksPerNode.find_first_of("(,");
    return static_cast<int>(number("SLURM_TASKS_PER_NODE", tasksPerNode.substr(0, cut), 1, 1 << 20));
}

std::optional<DistEnv> fromTorchrun()
{
    const auto world = variable("WORLD_SIZE");
    if (!world || !variable("RANK"))
        return std::nullopt;
    DistEnv env;
    env.source = "torchrun";
    env.worldSize = static_cast<int>(number("WORLD_SIZE", *world, 1, 1 << 20));
    if (env.worldSize < 2)
        return std::nullopt;
    env.rank = static_cast<int>(numberOf("RANK", 0, env.worldSize - 1, 0));
    env.localRank = static_cast<int>(numberOf("LOCAL_RANK", 0, env.worldSize - 1, 0));
    env.localWorldSize = static_cast<int>(numberOf("LOCAL_WORLD_SIZE", 1, env.worldSize, env.worldSize));
    env.masterAddr = variable("MASTER_ADDR").value_or("127.0.0.1");
    env.masterPort = static_cast<std::uint16_t>(numberOf("MASTER_PORT", 1, 65535, 29500));
    return env;
}

// Under srun. The step's variables win over the job's: a batch script that runs one task of a larger
// allocation without srun is no distributed run.
std::optional<DistEnv> fromSlurm()
{
    const auto procId = variable("SLURM_PROCID");
    const auto tasks
        = variable("SLURM_STEP_NUM_TASKS") ? variable("SLURM_STEP_NUM_TASKS") : variable("SLURM_NTASKS");
    if (!procId || !tasks)
        return std::nullopt;
    DistEnv env;
    env.source = "SLURM";
    env.worldSize = static_cast<int>(number("SLURM_NTASKS", *tasks, 1, 1 << 20));
    if (env.worldSize < 2)
        return std::nullopt; // one task: nothing to meet
    env.rank = static_cast<int>(number("SLURM_PROCID", *procId, 0, env.worldSize - 1));
    env.localRank = static_cast<int>(numberOf("SLURM_LOCALID", 0, env.worldSize - 1, 0));
    const auto perNode = variable("SLURM_STEP_TASKS_PER_NODE") ? variable("SLURM_STEP_TASKS_PER_NODE")
                                                               : variable("SLURM_TASKS_PER_NODE");
    env.localWorldSize = perNode ? firstTaskCount(*perNode) : 1;
    if (const auto addr = variable("MASTER_ADDR")) {
        env.masterAddr = *addr;
    } else {
        const auto nodes = variable("SLURM_STEP_NODELIST") ? variable("SLURM_STEP_NODELIST")
                                                           : variable("SLURM_JOB_NODELIST");
        if (!nodes)
            throw TrainError("SLURM runs " + *tasks
                + " tasks but sets no SLURM_JOB_NODELIST to meet at; "
                  "set MASTER_ADDR to the first node's host name");
        env.masterAddr = expandHostList(*nodes).front();
    }
    if (variable("MASTER_PORT"))
        env.masterPort = static_cast<std::uint16_t>(numberOf("MASTER_PORT", 1, 65535, 29500));
    else
        env.masterPort = slurmPort(static_cast<std::uint64_t>(numberOf("SLURM_JOB_ID", 0, 1LL << 62, 0)));
    return env;
}

} // namespace

std::vector<std::string> expandHostList(const std::string& list)
{
    std::vector<std::string> hosts;
    std::size_t i = 0;
    while (i < list.size()) {
        // One item: a prefix, then optionally [ranges], then optionally a suffix, up to a ',' outside
        // brackets.
        const std::size_t open = list.find_first_of("[,", i);
        if (open == std::string::npos || list[open] == ',') {
            const std::size_t end = open == std::string::npos ? list.size() : open;
            if (end > i)
                hosts.push_back(list.substr(i, end - i));
            i = end + 1;
            continue;
        }
        const std::size_t close = list.find(']', open);
        if (close == std::string::npos)
            throw TrainError("the SLURM host list '" + list + "' has a '[' that is not closed");
        const std::string prefix = list.substr(i, open - i);
        std::size_t next = list.find(',', close);
        const std::string suffix
            = list.substr(close + 1, (next == std::string::npos ? list.size() : next) - close - 1);
        const std::string ranges = list.substr(open + 1, close - open - 1);
        std::size_t r = 0;
        while (r <= ranges.size()) {
            const std::size_t comma = std::min(ranges.find(',', r), ranges.size());
            const std::string range = ranges.substr(r, comma - r);
            const std::size_t dash = range.find('-');
            const std::string first = range.substr(0, dash);
            const std::string last = dash == std::string::npos ? first : range.substr(dash + 1);
            if (first.empty() || last.empty() || first.find_first_not_of("0123456789") != std::string::npos
                || last.find_first_not_of("0123456789") != std::string::npos)
                throw TrainError(
                    "the SLURM host list '" + list + "' has a range '" + range + "' that is not N or N-M");
            const unsigned long long from = std::stoull(first), to = std::stoull(last);
            if (to < from)
                throw TrainError("the SLURM host list '" + list + "' has a reversed range '" + range + "'");
            for (unsigned long long n = from; n <= to; ++n) {
                std::string digits = std::to_string(n);
                if (digits.size() < first.size())
                    digits.insert(0, first.size() - digits.size(), '0');
                hosts.push_back(prefix + digits + suffix);
            }
            r = comma + 1;
        }
        i = next == std::string::npos ? list.size() : next + 1;
    }
    if (hosts.empty())
        throw TrainError("the SLURM host list '" + list + "' names no host");
    return hosts;
}

std::uint16_t slurmPort(std::uint64_t jobId)
{
    return static_cast<std::uint16_t>(10000 + jobId % 20000);
}

std::optional<DistEnv> DistEnv::fromEnvironment()
{
    std::optional<DistEnv> env = fromTorchrun();
    if (!env)
        env = fromSlurm();
    if (!env || env->worldSize < 2)
        return std::nullopt;
    env->timeout = std::chrono::seconds(numberOf("NEURINO_DIST_TIMEOUT", 1, 7 * 24 * 3600, 300));
    return env;
}

std::string DistEnv::describe() const
{
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + " (" + source + ")";
}

} // namespace neurino
