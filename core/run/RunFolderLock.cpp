#include "core/run/RunFolderLock.h"

#include "core/run/RunFolder.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace neurino {

namespace fs = std::filesystem;

namespace {

// A lock that does not parse (its writer died between creating and filling it) is left alone this long.
constexpr auto kUnreadableLockGrace = std::chrono::seconds(5);

std::string hostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    return name;
}

std::string nowText()
{
    const std::time_t now = std::time(nullptr);
    char text[32] = {};
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return text;
}

// Creates the lock file with `content`; false when one exists.
bool create(const std::string& path, const std::string& content)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            return false;
        throw IoError(writeFailure(path, errno));
    }
    const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    const int error = errno;
    if (::close(fd) != 0 || !written) {
        ::unlink(path.c_str());
        throw IoError(writeFailure(path, written ? errno : error));
    }
    return true;
}

struct Holder {
    long pid = 0;
    std::string host, time;
    bool parsed = false;
};

Holder readHolder(const std::string& path)
{
    Holder h;
    try {
        std::istringstream in(readTextFile(path));
        h.parsed = static_cast<bool>(in >> h.pid >> h.host) && h.pid > 0;
        in >> h.time;
    } catch (const IoError&) {
    }
    return h;
}

bool isAlive(long pid)
{
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

bool olderThanGrace(const std::string& path)
{
    std::error_code error;
    const auto written = fs::last_write_time(path, error);
    return !error && fs::file_time_type::clock::now() - written > kUnreadableLockGrace;
}

} // namespace

RunFolderLock::RunFolderLock(const std::string& dir)
    : m_path((fs::path(dir) / kRunLockFile).string())
{
    const std::string host = hostName();
    m_content = std::to_string(::getpid()) + " " + host + " " + nowText() + "\n";
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (create(m_path, m_content))
            return;
        const Holder holder = readHolder(m_path);
        const bool stale
            = holder.parsed ? holder.host == host && !isAlive(holder.pid) : olderThanGrace(m_path);
        if (!stale) {
            if (!holder.parsed)
                throw IoError("the run folder '" + dir + "' is being locked by another process right now ("
                    + m_path + "); try again in a few seconds");
            throw IoError("the run folder '" + dir + "' is in use by another run: PID "
                + std::to_string(holder.pid) + " on host " + holder.host
                + (holder.time.empty() ? "" : " since " + holder.time) + " holds " + m_path
                + "; wait for it to end, choose another folder, or delete the lock file if that process is "
                  "gone");
        }
        // Moved aside before removal, so that two processes taking over at once do not both succeed.
        const std::string aside = m_path + ".stale-" + std::to_string(::getpid());
        if (std::rename(m_path.c_str(), aside.c_str()) == 0)
            ::unlink(aside.c_str());
        m_note = holder.parsed ? "took over the lock of '" + dir + "' left by PID "
                + std::to_string(holder.pid) + " on " + holder.host + ", which is no longer running"
                               : "took over the unreadable lock file " + m_path;
    }
    throw IoError("cannot lock the run folder '" + dir + "': " + m_path + " keeps reappearing; another "
        + "process is starting a run in it");
}

RunFolderLock::~RunFolderLock()
{
    // Only our own: a lock taken over meanwhile belongs to another process.
    try {
        if (readTextFile(m_path) == m_content)
            ::unlink(m_path.c_str());
    } catch (...) {
    }
}

} // namespace neurino
