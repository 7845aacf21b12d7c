#include "core/util/ChildProcess.h"

#include "core/util/Error.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace neurino {

namespace {

struct Pipe {
    int read = -1;
    int write = -1;
    Pipe()
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            throw IoError(std::string("cannot make a pipe for a child process: ") + std::strerror(errno));
        read = fds[0];
        write = fds[1];
    }
    ~Pipe()
    {
        closeRead();
        closeWrite();
    }
    void closeRead()
    {
        if (read >= 0)
            ::close(read);
        read = -1;
    }
    void closeWrite()
    {
        if (write >= 0)
            ::close(write);
        write = -1;
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
};

struct SpawnActions {
    posix_spawn_file_actions_t actions;
    SpawnActions() { posix_spawn_file_actions_init(&actions); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
};

} // namespace

ChildResult runChild(const std::vector<std::string>& argv, double timeoutSeconds, std::size_t maxBytes)
{
    if (argv.empty())
        throw IoError("no program to run in a child process");
    Pipe out, err;
    SpawnActions spawn;
    posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&spawn.actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&spawn.actions, err.write, 2);
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    if (const int failed
        = ::posix_spawn(&pid, argv[0].c_str(), &spawn.actions, nullptr, args.data(), environ))
        throw IoError("cannot start '" + argv[0] + "': " + std::strerror(failed));
    out.closeWrite();
    err.closeWrite();

    ChildResult result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
    pollfd fds[2] = { { out.read, POLLIN, 0 }, { err.read, POLLIN, 0 } };
    std::string* sinks[2] = { &result.out, &result.err };
    int open = 2;
    while (open > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            result.timedOut = true;
            break;
        }
        const int ready = ::poll(fds, 2, static_cast<int>(left));
        if (ready < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2 && ready > 0; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) {
                const std::size_t room = maxBytes - std::min(maxBytes, sinks[i]->size());
                sinks[i]->append(buffer, std::min(room, static_cast<std::size_t>(got)));
            } else if (got == 0 || errno != EINTR) {
                fds[i].fd = -1; // poll ignores negative descriptors; the Pipe closes it
                --open;
            }
        }
    }
    // Both streams closed: the child has exited or is about to. A child that closed them and went on
    // running is given the rest of its time.
    int status = 0;
    if (result.timedOut)
        ::kill(pid, SIGKILL);
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            return result;
        if (!result.timedOut && std::chrono::steady_clock::now() >= deadline) {
            result.timedOut = true;
            ::kill(pid, SIGKILL);
        }
        ::usleep(10000);
    }
    if (WIFEXITED(status) && !result.timedOut)
        result.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status) && !result.timedOut)
        result.signal = WTERMSIG(status);
    return result;
}

std::string describeSignal(int signal)
{
    switch (signal) {
    case SIGSEGV:
        return "segmentation fault (SIGSEGV)";
    case SIGABRT:
        return "aborted (SIGABRT)";
    case SIGBUS:
        return "bus error (SIGBUS)";
    case SIGFPE:
        return "arithmetic fault (SIGFPE)";
    case SIGILL:
        return "illegal instruction (SIGILL)";
    case SIGKILL:
        return "killed (SIGKILL)";
    default:
        return std::string(strsignal(signal)) + " (signal " + std::to_string(signal) + ")";
    }
}

} // namespace neurino
