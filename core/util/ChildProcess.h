#pragma once

#include <string>
#include <vector>

namespace neurino {

// How a child process ended, and what it wrote.
struct ChildResult {
    int exitCode = -1; // when it exited; -1 when a signal ended it or it was killed for its time
    int signal = 0; // the signal that ended it (SIGSEGV for a crash), 0 when it exited
    bool timedOut = false; // killed (SIGKILL) after the time it was given
    std::string out; // its standard output and error, each cut at the byte limit
    std::string err;
};

// Runs `argv[0]` (a path; the environment is this process's) with the rest as arguments, without a shell,
// and waits at most `timeoutSeconds` for it, then kills it. Standard input is /dev/null; at most `maxBytes`
// of each output stream are kept (the rest is read and dropped, so the child never blocks on a full pipe).
// Throws IoError when the program cannot be started.
ChildResult runChild(
    const std::vector<std::string>& argv, double timeoutSeconds, std::size_t maxBytes = 1 << 16);

// "segmentation fault (SIGSEGV)", "aborted (SIGABRT)", ... for messages.
std::string describeSignal(int signal);

} // namespace neurino
