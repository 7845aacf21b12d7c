#include "core/util/AtomicFile.h"

#include "core/util/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

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

} // namespace

void writeFileAtomically(
    const std::string& path, const std::function<void(const std::string& tmpPath)>& write)
{
    const std::string tmp = temporaryPathBeside(path);
    try {
        write(tmp);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw;
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw IoError("cannot write '" + path + "': " + reason);
    }
}

void writeTextFileAtomically(const std::string& path, const std::string& text)
{
    writeFileAtomically(path, [&](const std::string& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw IoError("cannot write '" + path + "': " + std::strerror(errno));
        out << text;
        out.flush();
        if (!out)
            throw IoError("cannot write '" + path + "': the disk may be full");
    });
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
