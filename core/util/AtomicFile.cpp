#include "core/util/AtomicFile.h"

#include "core/util/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace neurino {

namespace {

std::string temporaryPathBeside(const std::string& path)
{
    std::random_device rd;
    std::ostringstream name;
    name << path << ".tmp-" << ::getpid() << "-" << std::hex << rd();
    return name.str();
}

std::string folderOf(const std::string& path)
{
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

// fsync of an open descriptor, then close; the error of the first that fails (0 when none).
int syncAndClose(int fd)
{
    int error = 0;
    if (::fsync(fd) != 0 && errno != EINVAL) // EINVAL: a file system without fsync (a pipe, some FUSE)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    return error;
}

} // namespace

std::string writeFailure(const std::string& tmpOrPath, int error)
{
    // A temporary file of writeFileAtomically is named after the file it becomes.
    const std::string path = tmpOrPath.substr(0, tmpOrPath.rfind(".tmp-"));
    const std::string what = "cannot write '" + path + "': ";
    const std::string folder = "'" + folderOf(path) + "'";
    switch (error) {
    case ENOSPC:
    case EDQUOT:
        return what + "the disk holding " + folder + " is full (" + std::strerror(error)
            + "); free some space or choose another folder";
    case EROFS:
        return what + "the folder " + folder + " is on a read-only file system; choose a writable folder";
    case EACCES:
    case EPERM:
        return what + "no permission to write in " + folder + "; choose a folder you can write to";
    case EFBIG:
        return what + "the file would exceed the size limit on files (ulimit -f) in " + folder
            + "; raise the limit or choose another folder";
    default:
        return what + std::strerror(error);
    }
}

void syncFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw IoError(writeFailure(path, errno));
    if (const int error = syncAndClose(fd))
        throw IoError(writeFailure(path, error));
}

void syncFolder(const std::string& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return; // some systems do not open folders; the rename is done, only its durability is unsure
    if (const int error = syncAndClose(fd))
        throw IoError("cannot flush the folder '" + dir + "' to disk: " + std::strerror(error));
}

void writeFileAtomically(
    const std::string& path, const std::function<void(const std::string& tmpPath)>& write)
{
    const std::string tmp = temporaryPathBeside(path);
    try {
        write(tmp);
        // Flushed before the rename: otherwise a power cut may leave the new name on an empty file.
        syncFile(tmp);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw;
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw IoError(writeFailure(path, error));
    }
    syncFolder(folderOf(path));
}

void writeBytes(const std::string& path, const void* data, std::size_t size)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        throw IoError(writeFailure(path, errno));
    const auto* bytes = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t wrote = ::write(fd, bytes + done, size - done);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0) {
            const int error = wrote < 0 ? errno : ENOSPC;
            ::close(fd);
            throw IoError(writeFailure(path, error));
        }
        done += static_cast<std::size_t>(wrote);
    }
    if (::close(fd) != 0)
        throw IoError(writeFailure(path, errno));
}

void writeTextFileAtomically(const std::string& path, const std::string& text)
{
    writeFileAtomically(path, [&](const std::string& tmp) { writeBytes(tmp, text.data(), text.size()); });
}

std::string readTextFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError("cannot open '" + path + "': " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace neurino
