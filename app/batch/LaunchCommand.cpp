// neurino-batch launch: N local ranks of one data-parallel run, as `torchrun --standalone` starts them.
#include "app/batch/Commands.h"

#include "core/util/Error.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace neurino::batch {

namespace {

struct LaunchOptions {
    int nproc = 2;
    int timeout = 0; // seconds; 0: the ranks' default
    std::vector<std::string> command;
};

// The signal the launcher received (SIGINT or SIGTERM), to be forwarded to the ranks; 0 when none.
std::atomic<int> g_signal { 0 };

extern "C" void onLaunchSignal(int signal)
{
    g_signal = signal;
}

// A free TCP port on the loopback interface for the rendezvous (the kernel's choice, as torchrun's
// --standalone takes it).
std::uint16_t freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw IoError(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok)
        throw IoError(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
    return ntohs(address.sin_port);
}

int usableCores()
{
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return std::max(1u, std::thread::hardware_concurrency());
}

std::string describeStatus(int status)
{
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const char* name = ::strsignal(signal);
        return "was killed by signal " + std::to_string(signal)
            + (name ? std::string(" (") + name + ")" : "");
    }
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

struct Rank {
    int rank = 0;
    pid_t pid = -1;
    int err = -1; // read end of its stderr
    std::string pending; // a line not finished yet
    std::string lastLine; // its last message, for the launcher's verdict
    bool running = true;
    int status = 0;
};

// Relays what a rank wrote to stderr, each line prefixed with its rank; keeps the last line.
void relay(Rank& r)
{
    char buffer[4096];
    const ssize_t n = ::read(r.err, buffer, sizeof buffer);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            ::close(r.err);
            r.err = -1;
        }
        if (r.err < 0 && !r.pending.empty()) {
            std::cerr << "[rank " << r.rank << "] " << r.pending << "\n";
            r.lastLine = r.pending;
            r.pending.clear();
        }
        return;
    }
    r.pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end; (end = r.pending.find('\n')) != std::string::npos;) {
        const std::string line = r.pending.substr(0, end);
        r.pending.erase(0, end + 1);
        std::cerr << "[rank " << r.rank << "] " << line << "\n";
        if (!line.empty())
            r.lastLine = line;
    }
}

// Starts one rank: this program with `args`, its environment plus the rank's variables, stderr into a pipe,
// in a process group of its own (a terminal's Ctrl-C reaches the launcher only, which forwards it once),
// and ended by the kernel if the launcher dies.
Rank spawnRank(int rank, const std::string& program, const std::vector<std::string>& args,
    const std::vector<std::string>& extraEnv)
{
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        const bool replaced = std::any_of(extraEnv.begin(), extraEnv.end(),
            [&](const std::string& x) { return x.compare(0, name.size() + 1, name + "=") == 0; });
        if (!replaced && name != "RANK" && name != "LOCAL_RANK")
            env.push_back(entry);
    }
    env.insert(env.end(), extraEnv.begin(), extraEnv.end());
    env.push_back("RANK=" + std::to_string(rank));
    env.push_back("LOCAL_RANK=" + std::to_string(rank));
    std::vector<char*> envp, argv;
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argStrings { program };
    argStrings.insert(argStrings.end(), args.begin(), args.end());
    for (auto& a : argStrings)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        throw IoError(
            std::string("cannot make a pipe for rank ") + std::to_string(rank) + ": " + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw IoError(std::string("cannot start rank ") + std::to_string(rank) + ": " + std::strerror(errno));
    if (pid == 0) {
        // Only async-signal-safe calls between fork and exec.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(127);
        ::dup2(pipeFds[1], STDERR_FILENO);
        if (rank > 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0)
                ::dup2(null, STDOUT_FILENO);
        }
        ::execve(program.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(pipeFds[1]);
    ::fcntl(pipeFds[0], F_SETFL, O_NONBLOCK);
    Rank r;
    r.rank = rank;
    r.pid = pid;
    r.err = pipeFds[0];
    return r;
}

void signalAll(std::vector<Rank>& ranks, int signal)
{
    for (const Rank& r : ranks)
        if (r.running)
            ::kill(r.pid, signal);
}

// Waits for the ranks; the first to fail ends the others (SIGTERM, then SIGKILL after a grace period).
// Returns the verdict: empty when every rank succeeded.
std::string superviseRanks(std::vector<Rank>& ranks)
{
    using Clock = std::chrono::steady_clock;
    std::string verdict;
    Clock::time_point endedAt {};
    bool ending = false;
    constexpr auto kGrace = std::chrono::seconds(10);
    while (std::any_of(ranks.begin(), ranks.end(), [](const Rank& r) { return r.running || r.err >= 0; })) {
        if (const int signal = g_signal.exchange(0)) {
            std::cerr << "launch: forwarding " << ::strsignal(signal) << " to the ranks\n";
            signalAll(ranks, signal);
        }
        std::vector<pollfd> fds;
        for (const Rank& r : ranks)
            if (r.err >= 0)
                fds.push_back({ r.err, POLLIN, 0 });
        ::poll(fds.data(), fds.size(), 100);
        for (Rank& r : ranks)
            if (r.err >= 0)
                relay(r);
        // Reap every rank that ended; of several that failed at once, the one killed by a signal is the
        // cause, and the others failed because it was gone.
        std::vector<Rank*> failed;
        for (Rank& r : ranks) {
            if (!r.running || ::waitpid(r.pid, &r.status, WNOHANG) != r.pid)
                continue;
            r.running = false;
            if (!(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0))
                failed.push_back(&r);
        }
        if (!failed.empty() && verdict.empty()) {
            std::stable_sort(failed.begin(), failed.end(), [](const Rank* a, const Rank* b) {
                return WIFSIGNALED(a->status) && !WIFSIGNALED(b->status);
            });
            Rank& cause = *failed.front();
            // Its last words may still be in the pipe.
            while (cause.err >= 0)
                relay(cause);
            verdict = "rank " + std::to_string(cause.rank) + " of " + std::to_string(ranks.size()) + " "
                + describeStatus(cause.status) + (cause.lastLine.empty() ? "" : ": " + cause.lastLine)
                + "; the other ranks were stopped";
            signalAll(ranks, SIGTERM);
            endedAt = Clock::now();
            ending = true;
        }
        if (ending && Clock::now() - endedAt > kGrace) {
            signalAll(ranks, SIGKILL);
            ending = false;
        }
    }
    return verdict;
}

void launch(const LaunchOptions& o)
{
    // Only `train` and `gan train` join a process group; ranks of another command would each run alone
    // into one folder.
    const bool train = !o.command.empty() && o.command.front() == "train";
    const bool ganTrain = o.command.size() >= 2 && o.command[0] == "gan" && o.command[1] == "train";
    if (!train && !ganTrain)
        throw CLI::ValidationError("launch",
            "give the command each rank runs: launch --nproc N train ... or launch --nproc N gan train ... "
            "(only these run data-parallel)");
    std::error_code error;
    const std::string program = std::filesystem::read_symlink("/proc/self/exe", error).string();
    if (error)
        throw IoError("cannot find this program's own file to start the ranks: " + error.message());
    const int cores = usableCores();
    const int threads = std::max(1, cores / o.nproc);
    const std::uint16_t port = freePort();
    std::vector<std::string> env { "WORLD_SIZE=" + std::to_string(o.nproc),
        "LOCAL_WORLD_SIZE=" + std::to_string(o.nproc), "MASTER_ADDR=127.0.0.1",
        "MASTER_PORT=" + std::to_string(port), "OMP_NUM_THREADS=" + std::to_string(threads) };
    if (o.timeout > 0)
        env.push_back("NEURINO_DIST_TIMEOUT=" + std::to_string(o.timeout));
    std::cerr << "launch: " << o.nproc << " ranks on 127.0.0.1:" << port << ", " << threads
              << " thread(s) each (" << cores << " cores)\n";

    auto previousInt = std::signal(SIGINT, onLaunchSignal);
    auto previousTerm = std::signal(SIGTERM, onLaunchSignal);
    std::vector<Rank> ranks;
    std::string verdict;
    try {
        for (int r = 0; r < o.nproc; ++r) {
            ranks.push_back(spawnRank(r, program, o.command, env));
            std::cerr << "launch: rank " << r << " pid " << ranks.back().pid << "\n";
        }
        verdict = superviseRanks(ranks);
    } catch (...) {
        signalAll(ranks, SIGKILL);
        for (Rank& r : ranks)
            if (r.running)
                ::waitpid(r.pid, &r.status, 0);
        std::signal(SIGINT, previousInt);
        std::signal(SIGTERM, previousTerm);
        throw;
    }
    std::signal(SIGINT, previousInt);
    std::signal(SIGTERM, previousTerm);
    if (!verdict.empty())
        throw TrainError("the distributed run failed: " + verdict);
}

} // namespace

void addLaunchCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<LaunchOptions>();
    CLI::App* cmd = app.add_subcommand("launch",
        "Run `train` or `gan train` as N data-parallel processes on this machine, like torchrun "
        "--standalone: a free port on 127.0.0.1, the cores shared out, Ctrl-C forwarded; when one rank "
        "fails the others are stopped and its message is the run's");
    cmd->add_option("--nproc,-n", o->nproc, "Processes (ranks) to start")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--timeout", o->timeout,
           "Seconds a collective may wait for the other ranks before the run fails (default: 300)")
        ->check(CLI::Range(1, 7 * 24 * 3600));
    // Everything from the first positional on is the command each rank runs, with its own options.
    cmd->prefix_command();
    cmd->footer("Usage: neurino-batch launch --nproc N train --model M --data D --out RUN ...\n"
                "       neurino-batch launch --nproc N gan train --generator G --discriminator D --data D "
                "--out RUN ...");
    cmd->callback([o, cmd, &exitCode] {
        o->command = cmd->remaining();
        launch(*o);
        exitCode = 0;
    });
}

} // namespace neurino::batch
