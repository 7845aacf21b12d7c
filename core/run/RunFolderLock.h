#pragma once

#include <string>

namespace neurino {

// Keeps a second process, or a second run of the same window, from writing into a run folder while one
// does: `<dir>/.lock` is created exclusively and holds "<pid> <host> <time>". A lock whose process has died
// on this host (a run killed with SIGKILL, a crash) is taken over, and note() says so. Removed when the
// holder goes (a run's end, an error, a Ctrl-C that stops the run).
class RunFolderLock {
public:
    // Throws IoError naming the folder and the holder's PID and host when another live process holds it.
    explicit RunFolderLock(const std::string& dir);
    ~RunFolderLock();
    RunFolderLock(const RunFolderLock&) = delete;
    RunFolderLock& operator=(const RunFolderLock&) = delete;

    // Empty, or what was taken over: "took over the lock of '<dir>' left by PID 123 on host (no longer
    // running)".
    const std::string& note() const { return m_note; }

private:
    std::string m_path;
    std::string m_content;
    std::string m_note;
};

} // namespace neurino
